import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import type { ApiResult, StatusResponse, TextSearchResponse } from '../../preload/contract.js';
import { startServer } from '../../main/server/http-server.js';
import { libraryWithLinkOut } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request, so the Host header and the token can be anything a hostile page could send. */
function request(port: number, options: { method?: string; path: string; host?: string; token?: string; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: {
          host: options.host ?? `127.0.0.1:${port}`,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

test('web mode: the API answers only on 127.0.0.1, with the token and the right Host; pictures only from library folders', async (t) => {
  const { engine, photos, first } = await libraryWithLinkOut(t, tempDir(t), 3);
  const server = await startServer({ library: { api: engine, engine }, token: 'test-token' });
  t.after(() => server.close());
  const { port, token } = server;
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=test-token$/);

  const status = await request(port, { method: 'POST', path: '/api/status', token, body: '{}' });
  assert.equal(status.status, 200);
  assert.equal((JSON.parse(status.body.toString()) as ApiResult<StatusResponse>).ok, true);

  // Refused: no token, a wrong token, a foreign Host (DNS rebinding), a method the API lacks.
  assert.equal((await request(port, { method: 'POST', path: '/api/status', body: '{}' })).status, 401);
  assert.equal((await request(port, { method: 'POST', path: '/api/status', token: 'test-tokex', body: '{}' })).status, 401);
  assert.equal((await request(port, { method: 'POST', path: '/api/status', token, host: 'evil.example:80', body: '{}' })).status, 403);
  assert.equal((await request(port, { method: 'POST', path: '/api/status', token, host: `attacker.test:${port}`, body: '{}' })).status, 403);
  assert.equal((await request(port, { method: 'POST', path: '/api/constructor', token, body: '{}' })).status, 404);
  assert.equal((await request(port, { method: 'GET', path: '/api/status', token })).status, 405);

  // Payloads are validated by the contract; errors come back as {ok: false, error}.
  const bad = await request(port, { method: 'POST', path: '/api/search', token, body: JSON.stringify({ query: 'x hue:red' }) });
  assert.equal(bad.status, 400);
  assert.match((JSON.parse(bad.body.toString()) as { error: { message: string } }).error.message, /Unknown filter "hue:"/);
  assert.equal((await request(port, { method: 'POST', path: '/api/search', token, body: '{not json' })).status, 400);
  // A preset named after an object's own keys would reach the prototype of the saved presets.
  const proto = await request(port, { method: 'POST', path: '/api/saveWeightPreset', token, body: JSON.stringify({ name: '__proto__', weights: { text: 1 } }) });
  assert.equal(proto.status, 400);
  assert.match((JSON.parse(proto.body.toString()) as { error: { message: string } }).error.message, /reserved/);
  const found = await request(port, { method: 'POST', path: '/api/search', token, body: JSON.stringify({ query: 'red', k: 2 }) });
  const hits = (JSON.parse(found.body.toString()) as ApiResult<TextSearchResponse>) as { ok: true; value: TextSearchResponse };
  assert.equal(hits.value.results.length, 2);

  // Pictures by id: thumbnails and originals inside library folders; the token may be in the URL.
  const id = engine.store.itemIdByPath(first as string) as number;
  const thumb = await request(port, { path: `/thumb/${id}?token=${token}` });
  assert.deepEqual([thumb.status, thumb.headers['content-type']], [200, 'image/webp']);
  const original = await request(port, { path: `/original/${id}`, token });
  assert.deepEqual(original.body, fs.readFileSync(first as string));
  const linked = engine.store.itemIdByPath(path.join(photos, 'link-out.jpg')) as number;
  assert.ok(linked > 0, 'the link was indexed');
  assert.equal((await request(port, { path: `/original/${linked}`, token })).status, 404, 'a link out of the library is refused');
  for (const p of ['/original/..%2f..%2fetc%2fpasswd', '/original/%2e%2e/secret.jpg', '/original//etc/passwd', '/original/99999', '/thumb/-1', '/index.html%00.png', '/%00']) {
    assert.equal((await request(port, { path: p, token })).status, 404, p);
  }
});
