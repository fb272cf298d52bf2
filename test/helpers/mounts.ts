import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Real mounts for the tests of unplugged drives: a tmpfs, where the tests run as root (CI
 * does). Elsewhere the tests that need one are skipped, saying why.
 */
export function canMount(): string | null {
  if (process.platform !== 'linux') return 'mounting a tmpfs needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (run the tests as root to include them)';
  return null;
}

export interface Mounts {
  mount(dir: string): void;
  unmount(dir: string): void;
}

/** Mounts that are undone when the test ends, whatever happens. */
export function mounts(t: { after(fn: () => unknown): void }): Mounts {
  const mounted = new Set<string>();
  t.after(() => {
    for (const dir of mounted) execFileSync('umount', ['-l', dir]);
  });
  return {
    mount(dir) {
      fs.mkdirSync(dir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir]);
      mounted.add(dir);
    },
    unmount(dir) {
      execFileSync('umount', [dir]);
      mounted.delete(dir);
    },
  };
}
