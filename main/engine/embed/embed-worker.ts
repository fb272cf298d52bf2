/**
 * An embedding worker thread: holds one Embedders (one model session per space, created once)
 * and answers the pool's requests, so decoding and inference never block the main thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { toApiError } from '../errors.js';
import type { ModelConfig } from '../models/registry.js';
import { Embedders } from './embedders.js';
import type { Lane } from './embed-pool.js';
import type { WorkerReply, WorkerRequest } from './pool-protocol.js';

const { config, threads, lane } = workerData as { config: ModelConfig; threads: number; lane: Lane };
const port = parentPort;
if (!port) throw new Error('embed-worker must run in a worker thread');

/** Niceness of indexing workers: background work, below what a person waits for. */
const INDEX_NICENESS = 10;

// Indexing is background work: on Linux a thread's niceness is its own and is inherited by
// the threads it starts (onnxruntime's), so an index worker lowers its own before loading a
// model, and a query (or the UI) takes the cores first. Elsewhere setPriority would change
// the whole process, so it is left alone.
if (lane === 'index') {
  try {
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (Number.isInteger(tid) && tid !== process.pid) os.setPriority(tid, INDEX_NICENESS);
  } catch {
    // No /proc (macOS, Windows) or not permitted: indexing keeps the normal priority.
  }
}

const embedders = new Embedders({
  config,
  threads,
  onProgress: (progress) => port.postMessage({ kind: 'progress', progress } satisfies WorkerReply),
});

port.on('message', (request: WorkerRequest) => {
  void handle(request).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (error: unknown) => port.postMessage({ kind: 'result', id: request.id, ok: false, error: toApiError(error) } satisfies WorkerReply),
  );
});

async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  switch (request.kind) {
    case 'images': {
      const inputs = request.inputs.map((input) => (typeof input === 'string' ? input : Buffer.from(input)));
      const results = await embedders.embedImages(inputs, request.spaces, request.thumbnails ? { thumbnails: request.thumbnails } : {});
      const transfer = results.flatMap((r) => (r.ok ? Object.values(r.vectors).map((v) => v.buffer as ArrayBuffer) : []));
      return { reply: { kind: 'result', id: request.id, ok: true, value: results }, transfer };
    }
    case 'texts': {
      const vectors = await embedders.embedTexts(request.texts, request.space);
      return { reply: { kind: 'result', id: request.id, ok: true, value: vectors }, transfer: vectors.map((v) => v.buffer as ArrayBuffer) };
    }
    case 'prepare':
      return { reply: { kind: 'result', id: request.id, ok: true, value: await embedders.prepare(request.space) }, transfer: [] };
    case 'tokens':
      return { reply: { kind: 'result', id: request.id, ok: true, value: await embedders.countTokens(request.texts) }, transfer: [] };
    case 'close':
      await embedders.dispose();
      return { reply: { kind: 'result', id: request.id, ok: true, value: null }, transfer: [] };
  }
}
