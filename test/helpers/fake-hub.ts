import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A stand-in for the model hub on 127.0.0.1: same URL layout, real HTTP, real bytes. With
 * `chunkDelayMs`, each file arrives in four pieces that far apart, so a progress bar can be seen.
 */
export async function fakeHub(
  t: { after(fn: () => unknown): void },
  repo: string,
  folder: string,
  options: { chunkDelayMs?: number } = {},
): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const prefix = `/${repo}/resolve/main/`;
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    requests.push(url);
    const file = url.startsWith(prefix) ? path.join(folder, url.slice(prefix.length)) : '';
    if (!file.startsWith(folder) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    const delay = options.chunkDelayMs ?? 0;
    if (delay === 0) {
      res.end(body);
      return;
    }
    const piece = Math.ceil(body.length / 4);
    const send = (offset: number): void => {
      if (offset >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(offset, offset + piece));
      setTimeout(() => send(offset + piece), delay);
    };
    send(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
