import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** How far Semblance goes for one picture link. */
export interface FetchLimits {
  /** Downloads at once. */
  concurrency: number;
  /** For one picture, from the request to its last byte (a server that hangs is given up on). */
  timeoutMs: number;
  /** Bytes of one picture (a server that sends gigabytes is cut off there). */
  maxBytes: number;
  /** Redirects followed for one picture. */
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { concurrency: 6, timeoutMs: 30_000, maxBytes: 40 * 2 ** 20, maxRedirects: 5 };

export type FetchedPicture = { ok: true; file: string; cached: boolean } | { ok: false; reason: string };

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/avif': '.avif',
  'image/tiff': '.tif',
  'image/bmp': '.bmp',
  'image/heic': '.heic',
  'image/heif': '.heif',
};

/** A link's cache file name (without extension): the same link is fetched once, whatever ran before. */
function cacheName(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 40);
}

/** A picture fetched before (an earlier import, or one cancelled half way) is used as it is. */
function cached(dir: string, url: string): string | null {
  const name = cacheName(url);
  for (const ext of new Set(Object.values(EXTENSIONS))) {
    const file = path.join(dir, name + ext);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/**
 * Fetches picture links into `dir` as they are asked for, at most `limits.concurrency` at
 * once, each link once, each bounded in time, size and redirects and accepted only when the
 * server says it is an image. An import asks for a row's picture as soon as the row is read,
 * so the pictures of the next rows come while the previous ones are embedded. Cancelling
 * stops what is in flight; what was fetched stays for next time (a file appears only whole).
 */
export class PictureFetcher {
  private readonly answers = new Map<string, Promise<FetchedPicture>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private folder: Promise<unknown> | undefined;

  constructor(
    private readonly dir: string,
    private readonly signal: AbortSignal,
    private readonly limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  ) {}

  get(url: string): Promise<FetchedPicture> {
    let answer = this.answers.get(url);
    if (!answer) {
      answer = this.fetch(url);
      this.answers.set(url, answer);
    }
    return answer;
  }

  /** Forgets the answers kept for these links (their rows are done). */
  forget(urls: Iterable<string>): void {
    for (const url of urls) this.answers.delete(url);
  }

  private async fetch(url: string): Promise<FetchedPicture> {
    if (this.running >= Math.max(1, this.limits.concurrency)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      if (this.signal.aborted) return { ok: false, reason: 'cancelled' };
      await (this.folder ??= fs.promises.mkdir(this.dir, { recursive: true }));
      return await fetchPicture(url, this.dir, this.signal, this.limits);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export async function fetchPicture(url: string, dir: string, signal: AbortSignal, limits: FetchLimits = DEFAULT_FETCH_LIMITS): Promise<FetchedPicture> {
  const known = cached(dir, url);
  if (known) return { ok: true, file: known, cached: true };
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const seconds = Math.round(limits.timeoutMs / 1000);
  const temporary = path.join(dir, `.${cacheName(url)}.${process.pid}.part`);
  try {
    let target = new URL(url);
    let response: Response | null = null;
    for (let hop = 0; ; hop++) {
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return { ok: false, reason: `${target.protocol.replace(':', '')} links are not fetched, only http and https` };
      response = await fetch(target, { redirect: 'manual', signal: both, headers: { accept: 'image/*' } });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hop >= limits.maxRedirects) return { ok: false, reason: `more than ${limits.maxRedirects} redirects` };
        target = new URL(location, target);
        continue;
      }
      break;
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `the server answered ${response.status} ${response.statusText}`.trim() };
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const ext = EXTENSIONS[type];
    if (!ext) {
      await response.body?.cancel();
      return { ok: false, reason: `the server sent ${type || 'something without a type'}, not a picture` };
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await response.body?.cancel();
      return { ok: false, reason: `the picture is ${megabytes(declared)}, over the ${megabytes(limits.maxBytes)} limit` };
    }
    if (!response.body) return { ok: false, reason: 'the server sent an empty file' };
    const out = await fs.promises.open(temporary, 'w');
    let bytes = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        if (bytes > limits.maxBytes) {
          await response.body?.cancel().catch(() => undefined);
          return { ok: false, reason: `the picture is over the ${megabytes(limits.maxBytes)} limit` };
        }
        await out.write(chunk);
      }
    } finally {
      await out.close();
    }
    if (bytes === 0) return { ok: false, reason: 'the server sent an empty file' };
    const file = path.join(dir, cacheName(url) + ext);
    await fs.promises.rename(temporary, file);
    return { ok: true, file, cached: false };
  } catch (error) {
    if (signal.aborted) return { ok: false, reason: 'cancelled' };
    if (timeout.aborted) return { ok: false, reason: `no whole answer within ${seconds} s` };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
    return { ok: false, reason: `could not be fetched (${cause ?? (error instanceof Error ? error.message : String(error))})` };
  } finally {
    await fs.promises.rm(temporary, { force: true });
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MB`;
}

/** Is this picture value a link to fetch (rather than a file next to the catalog)? */
export function isLink(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim());
}
