import cliProgress from 'cli-progress';
import type { IndexProgress, IndexSummary } from '../../preload/contract.js';
import { etaText } from './eta.js';

/** The indexing progress bar on stderr: files, rate and ETA (cli-progress; silent off a terminal). */
export function indexProgressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: IndexProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(p) {
      if (!stream.isTTY) return; // a log file gets the summary, not a drawing of bars
      // A cancelled job drops what it had not started: its bar stops where the work stopped.
      if (p.state === 'cancelled' || p.state === 'failed') return bar?.stop();
      const total = p.counts.found;
      const handled = total - p.remaining;
      const payload = { rate: p.rate.toFixed(1), failed: p.counts.failed, eta: etaText(p.etaSeconds) };
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: ' indexing [{bar}] {value}/{total} files | {rate} files/s | {eta} left | {failed} failed',
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), handled, payload);
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(handled, payload);
    },
    stop() {
      bar?.stop();
    },
  };
}

export function formatIndexSummary(summary: IndexSummary): string {
  const c = summary.counts;
  const lines = [
    `Indexing ${summary.state} in ${summary.seconds.toFixed(1)} s: ${c.found} files found, ${c.done} embedded, ` +
      `${c.skipped} unchanged, ${c.moved} moved, ${c.copied} copies, ${c.failed} failed, ${c.removed} removed` +
      (c.offline > 0 ? `, ${c.offline} offline` : ''),
  ];
  if (summary.error) lines.push(`Error: ${summary.error}`);
  for (const a of summary.awaitingConfirmation) {
    lines.push(
      `${a.count} files of ${a.root} are gone from folders that are there: more than 20% of the folder at once, so nothing was removed. ` +
        'If they were deleted on purpose, run the index again with --confirm-removals (photos on a drive that is not mounted are kept either way).',
    );
  }
  for (const p of summary.problems.slice(0, 20)) lines.push(`Could not read ${p.path}: ${p.reason}`);
  if (c.offline > 0) lines.push(`${c.offline} photos are unreachable (a drive not mounted, a folder gone as a whole): kept, offline, until they are back.`);
  if (c.failed > 0) lines.push('`semblance errors` lists the files that failed, by reason; `semblance retry` reads them again.');
  return `${lines.join('\n')}\n`;
}
