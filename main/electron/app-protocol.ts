import path from 'node:path';
import { PAGE_CSP } from '../app/page-policy.js';

export const SCHEME = 'semblance';

/** Registered before the app is ready: a standard, secure scheme that fetch and media can use. */
export const SCHEME_PRIVILEGES = {
  scheme: SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

export interface PictureFiles {
  thumbnailFile(id: number): string | undefined;
  originalFile(id: number): string | undefined;
  /** The viewer's picture: a bounded copy of a huge original, else the original. */
  previewFile(id: number): string | undefined;
}

export type Resolution = { file: string; page: boolean } | { status: number; message: string };

/**
 * What a semblance:// URL may reach: the built UI (`semblance://app/...`, only inside its
 * folder) and pictures by item id (`semblance://thumb/<id>`, `semblance://original/<id>`),
 * whose paths the engine resolves and checks against the library folders. Nothing else: no
 * path ever comes from the page.
 */
export function resolveAppUrl(rawUrl: string, files: PictureFiles, rendererDir: string): Resolution {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 400, message: 'Malformed URL.' };
  }
  if (url.protocol !== `${SCHEME}:`) return { status: 400, message: 'Wrong scheme.' };
  if (url.host === 'thumb' || url.host === 'original' || url.host === 'preview') {
    const match = /^\/(\d{1,15})$/.exec(url.pathname);
    if (!match) return { status: 400, message: 'Pictures are asked for by item id only.' };
    const id = Number(match[1]);
    const file = url.host === 'thumb' ? files.thumbnailFile(id) : url.host === 'preview' ? files.previewFile(id) : files.originalFile(id);
    return file ? { file, page: false } : { status: 404, message: `No picture for item ${id}.` };
  }
  if (url.host === 'app') {
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      return { status: 400, message: 'Malformed path.' };
    }
    if (relative === '/' || relative === '') relative = '/index.html';
    const root = path.resolve(rendererDir);
    const file = path.resolve(root, '.' + relative);
    if (!file.startsWith(root + path.sep)) return { status: 403, message: 'Outside the app.' };
    if (file.includes('\0')) return { status: 404, message: 'Not found.' };
    return { file, page: path.extname(file) === '.html' };
  }
  return { status: 404, message: 'Unknown place.' };
}

/** The protocol handler: resolves, then streams the file with our headers (CSP on pages). */
export function appProtocolHandler(
  files: PictureFiles,
  rendererDir: string,
  fetchFile: (file: string) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const resolved = resolveAppUrl(request.url, files, rendererDir);
    if ('status' in resolved) return new Response(resolved.message, { status: resolved.status, headers: { 'content-type': 'text/plain' } });
    let fetched: Response;
    try {
      fetched = await fetchFile(resolved.file);
    } catch {
      return new Response('Not found.', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
    const headers = new Headers(fetched.headers);
    headers.set('x-content-type-options', 'nosniff');
    headers.set('content-security-policy', resolved.page ? PAGE_CSP : "default-src 'none'");
    return new Response(fetched.body, { status: fetched.status, headers });
  };
}
