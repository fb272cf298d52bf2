import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A folder nobody can write to, or a reason why this machine cannot make one. Permission bits
 * stop ordinary users; root ignores them, so for root a read-only tmpfs is mounted instead.
 * Cleaned up (unmounted, removed) when the test ends.
 */
export function readOnlyDir(t: { after(fn: () => void): void }): { dir: string } | { skip: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semblance-ro-'));
  let mounted = false;
  t.after(() => {
    if (mounted) execFileSync('umount', [dir], { stdio: 'ignore' });
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  fs.chmodSync(dir, 0o555);
  if (!isWritable(dir)) return { dir };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = true;
  } catch {
    return { skip: 'running as root, and this machine does not allow mounting a read-only tmpfs' };
  }
  return isWritable(dir) ? { skip: 'could not make a read-only folder here' } : { dir };
}

function isWritable(dir: string): boolean {
  const probe = path.join(dir, '.probe');
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}
