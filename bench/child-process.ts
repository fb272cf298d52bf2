/** Helpers for benchmarks that run in a process of their own. */

/** The JSON document the parent wrote to stdin. */
export async function readStdinJson<T>(): Promise<T> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return JSON.parse(text) as T;
}

/**
 * Peak RSS by sampling, not getrusage's maxrss: on Linux a spawned child inherits its
 * parent's maxrss, which would report the benchmark's memory instead of this process's.
 */
export function rssSampler(): { peakMB: () => number; stop: () => void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  return {
    peakMB: () => Math.max(peak, process.memoryUsage().rss) / 2 ** 20,
    stop: () => clearInterval(timer),
  };
}
