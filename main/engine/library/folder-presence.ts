import fs from 'node:fs';

/**
 * What a watched folder looks like from outside: whether it can be read, which device and
 * inode it is (a drive unmounted from it, or the folder replaced, changes them), and the
 * device of each drive mounted inside it. Any change calls for a full reconcile.
 */
export async function folderFingerprint(folder: string, mountPoints: Iterable<string> = []): Promise<{ present: boolean; fingerprint: string }> {
  const stat = await fs.promises.stat(folder).catch(() => null);
  const readable = stat?.isDirectory()
    ? await fs.promises.access(folder, fs.constants.R_OK | fs.constants.X_OK).then(
        () => true,
        () => false,
      )
    : false;
  if (!stat || !readable) return { present: false, fingerprint: 'absent' };
  const mounts = await Promise.all([...mountPoints].map(async (mount) => `${mount}=${(await fs.promises.stat(mount).catch(() => null))?.dev ?? '-'}`));
  return { present: true, fingerprint: [`${stat.dev}:${stat.ino}`, ...mounts.sort()].join('|') };
}

export interface PresenceOptions {
  folder: string;
  /** Drives mounted inside the folder, as the last scan found them. */
  mountPoints: () => Iterable<string>;
  /** The folder changed (went, came back, a drive in it came or went): reconcile it. */
  onChange: (present: boolean) => Promise<void>;
  /** How often to look while the folder is there; while it is away, the wait doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
}

/**
 * Looks at a watched folder now and then, because file watchers say nothing useful when the
 * file system under them goes away (an unplugged drive, an unmounted share): the watcher
 * just falls silent, and an unref'd process would even exit. Its timer keeps the process
 * alive on purpose: watching is what the process is for.
 */
export class FolderPresence {
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;
  private delay: number;
  private closed = false;
  private checking: Promise<void> = Promise.resolve();

  constructor(private readonly options: PresenceOptions) {
    this.delay = options.intervalMs ?? 2000;
  }

  async start(): Promise<void> {
    this.last = (await folderFingerprint(this.options.folder, this.options.mountPoints())).fingerprint;
    this.schedule();
  }

  /** Looks now (a watcher reported an error). */
  checkNow(): Promise<void> {
    clearTimeout(this.timer);
    return this.check();
  }

  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    return this.checking;
  }

  private check(): Promise<void> {
    this.checking = this.checking.then(async () => {
      if (this.closed) return;
      const { present, fingerprint } = await folderFingerprint(this.options.folder, this.options.mountPoints());
      const base = this.options.intervalMs ?? 2000;
      this.delay = present ? base : Math.min(this.delay * 2, this.options.maxIntervalMs ?? 60_000);
      if (fingerprint !== this.last) {
        this.last = fingerprint;
        await this.options.onChange(present).catch(() => undefined);
        // what the reconcile saw (a new mount point inside) is the new normal
        this.last = (await folderFingerprint(this.options.folder, this.options.mountPoints())).fingerprint;
      }
      this.schedule();
    });
    return this.checking;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.delay);
  }
}
