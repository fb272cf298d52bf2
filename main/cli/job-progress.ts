import cliProgress from 'cli-progress';
import type { JobProgress } from '../../preload/contract.js';
import { etaText } from './eta.js';

/** One bar per job on stderr: what it is, done of total, rate and ETA (silent off a terminal). */
export function jobProgressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: JobProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let shown: number | undefined;
  return {
    update(p) {
      if (!stream.isTTY || p.state === 'queued') return; // a log file gets the summary, not a drawing of bars
      if (shown !== p.id) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          { stream, format: ` {title} [{bar}] {value}/{total} {unit} | {rate}/s | {eta} left`, hideCursor: true, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(p.total ?? p.done, 1), p.done, payload(p));
        shown = p.id;
      }
      if (p.state === 'cancelled' || p.state === 'failed') return bar?.stop();
      bar?.setTotal(Math.max(p.total ?? p.done, 1));
      bar?.update(p.done, payload(p));
      if (p.state === 'done') bar?.stop();
    },
    stop() {
      bar?.stop();
    },
  };
}

function payload(p: JobProgress): Record<string, string> {
  return { title: p.title, unit: p.unit, rate: p.rate.toFixed(1), eta: etaText(p.etaSeconds) };
}
