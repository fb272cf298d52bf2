import cliProgress from 'cli-progress';
import type { DownloadProgress } from '../engine/models/load-models.js';

/**
 * A progress bar on stderr for model downloads, one bar per file (cli-progress draws it,
 * and draws nothing when stderr is not a terminal).
 */
export function downloadProgressBar(stream: NodeJS.WriteStream = process.stderr): {
  update: (progress: DownloadProgress) => void;
  stop: () => void;
} {
  let bars: cliProgress.MultiBar | undefined;
  const start = (): cliProgress.MultiBar =>
    new cliProgress.MultiBar(
    {
      stream,
      format: ' {space} {file} [{bar}] {percentage}% {size}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const byFile = new Map<string, cliProgress.SingleBar>();
  return {
    update(progress) {
      if (!stream.isTTY) return; // a log file gets the summary, not a drawing of bars
      const key = `${progress.model}/${progress.file}`;
      const payload = {
        space: progress.space.padEnd(6),
        file: progress.file,
        size: `${(progress.loaded / 2 ** 20).toFixed(1)}/${(progress.total / 2 ** 20).toFixed(1)} MB`,
      };
      let bar = byFile.get(key);
      if (!bar) {
        bars ??= start();
        bar = bars.create(Math.max(1, progress.total), progress.loaded, payload);
        byFile.set(key, bar);
      } else {
        bar.setTotal(Math.max(1, progress.total));
        bar.update(progress.loaded, payload);
      }
    },
    stop() {
      bars?.stop();
    },
  };
}
