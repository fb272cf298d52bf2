/**
 * The time left as a person reads it. cli-progress's own ETA guesses from the bar's first
 * moves ("NFs" before the second update, "0s" when a cancelled job's bar is closed); the
 * engine's estimate leaves paused time out and is unknown until work has started.
 */
export function etaText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
