import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { REQUEST_SCHEMAS, type ApiResult, type FinderApi, type FinderEvent, type FinderMethod } from '../../preload/contract.js';
import { PAGE_CSP } from '../app/page-policy.js';
import { dispatch } from '../engine/dispatch.js';

/** What the server needs: the API, pictures by id, and (for a UI) events. */
export interface ServedLibrary {
  api: FinderApi;
  /** A picture's file by item id (looked up in the database where the library lives there). */
  engine: {
    thumbnailFile(id: number): string | undefined | Promise<string | undefined>;
    originalFile(id: number): string | undefined | Promise<string | undefined>;
    previewFile(id: number): string | undefined | Promise<string | undefined>;
  };
  subscribe?: (listener: (event: FinderEvent) => void) => () => void;
}

export interface ServeOptions {
  library: ServedLibrary;
  /** The built renderer (index.html and its assets), served without a token: it holds no data. */
  staticDir?: string;
  /** 0 picks a free port. */
  port?: number;
  /** For tests; a random 32-byte token otherwise. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close: () => Promise<void>;
}

const MAX_BODY = 1 << 20;
const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Seconds between keep-alive comments on the event stream, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * Web mode: the built UI, and the FinderApi as JSON over HTTP: `POST /api/<method>` with the
 * request as the body, answered with `{ok, value}` or `{ok: false, error}`; pictures by item
 * id at `/thumb/<id>` and `/original/<id>`; events as a server-sent stream at `/api/events`.
 *
 * Only this computer can reach it (127.0.0.1), every API and picture request must carry the
 * per-run token (`Authorization: Bearer …`, or `?token=` where a browser cannot set a header:
 * image URLs, EventSource), and the Host header must name this server, so a web page
 * elsewhere cannot use it through DNS rebinding. The token reaches the page in the URL's
 * fragment, which browsers never send to a server or put in a Referer.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const { library } = options;
  const { api: finder, engine } = library;
  const subscribe = library.subscribe?.bind(library);
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : undefined;
  let port = options.port ?? 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', message: String(error) } });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      send(res, 403, { ok: false, error: { code: 'bad-input', message: 'Forbidden host.' } });
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const isApi = url.pathname.startsWith('/api/') || /^\/(thumb|original|preview)\//.test(url.pathname);
    if (!isApi && staticDir && (req.method === 'GET' || req.method === 'HEAD')) {
      serveStatic(res, staticDir, url.pathname);
      return;
    }
    if (!authorised(req, url, token)) {
      send(res, 401, { ok: false, error: { code: 'unauthorised', message: 'Missing or wrong token: use the URL `semblance serve` printed.' } });
      return;
    }
    if (url.pathname === '/api/events' && subscribe) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      const unsubscribe = subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
      const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
      req.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
      return;
    }
    const api = /^\/api\/([A-Za-z]+)$/.exec(url.pathname);
    if (api) {
      const method = api[1] as string;
      if (req.method !== 'POST') {
        send(res, 405, { ok: false, error: { code: 'bad-input', message: 'Use POST with a JSON body.' } });
        return;
      }
      if (!Object.hasOwn(REQUEST_SCHEMAS, method)) {
        send(res, 404, { ok: false, error: { code: 'not-found', message: `Unknown method "${method}".` } });
        return;
      }
      const body = await readBody(req);
      if (body === null) {
        send(res, 400, { ok: false, error: { code: 'bad-input', message: 'The body must be JSON of at most 1 MB.' } });
        return;
      }
      const result: ApiResult<unknown> = await dispatch(finder, method as FinderMethod, body);
      const status = result.ok ? 200 : ({ 'bad-input': 400, 'not-found': 404, cancelled: 409, unavailable: 503, unsupported: 501 } as Partial<Record<string, number>>)[result.error.code] ?? 500;
      send(res, status, result);
      return;
    }
    const picture = /^\/(thumb|original|preview)\/(\d{1,15})$/.exec(url.pathname);
    if (picture && req.method === 'GET') {
      const id = Number(picture[2]);
      const file = await (picture[1] === 'thumb' ? engine.thumbnailFile(id) : picture[1] === 'preview' ? engine.previewFile(id) : engine.originalFile(id));
      if (!file) {
        send(res, 404, { ok: false, error: { code: 'not-found', message: `No picture for item ${id}.` } });
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      });
      fs.createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    send(res, 404, {
      ok: false,
      error: { code: 'not-found', message: 'Not found. The API is POST /api/<method>; pictures are at /thumb/<id> and /original/<id>.' },
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A file of the built UI; index.html for the page itself (and any path without an extension). */
function serveStatic(res: http.ServerResponse, root: string, pathname: string): void {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    relative = '';
  }
  if (relative === '/' || relative === '' || !path.extname(relative)) relative = '/index.html';
  const file = path.resolve(root, '.' + relative);
  // A NUL byte can be in no file name (and makes fs throw): not found, like any such path.
  const stat = file.startsWith(root + path.sep) && !file.includes('\0') ? fs.statSync(file, { throwIfNoEntry: false }) : undefined;
  if (!stat?.isFile()) {
    const missing = relative === '/index.html' ? 'The web UI is not built: run `npm run build`.' : 'Not found.';
    send(res, 404, { ok: false, error: { code: 'not-found', message: missing } });
    return;
  }
  const isPage = path.extname(file) === '.html';
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stat.size,
    // Built assets carry a content hash in their names; the page itself must be fresh.
    'cache-control': isPage ? 'no-store' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(isPage ? { 'content-security-policy': PAGE_CSP, 'x-frame-options': 'DENY' } : {}),
  });
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

function authorised(req: http.IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
