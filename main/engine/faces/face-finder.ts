import { Worker } from 'node:worker_threads';
import type { FaceReply, FoundFace } from './face-worker.js';

/** An idle worker is stopped after this long: its networks hold about half a gigabyte. */
const IDLE_MS = 60_000;

/**
 * The face worker, seen from the engine: started when first asked (loading the networks takes
 * about two seconds), one picture at a time in the order asked, stopped when idle for a minute
 * and on close. One worker, its networks on one thread each, so search and indexing keep
 * the other.
 */
export class FaceFinder {
  private worker: Worker | null = null;
  private idle: NodeJS.Timeout | undefined;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (faces: FoundFace[]) => void; reject: (error: Error) => void }>();

  find(file: string): Promise<FoundFace[]> {
    const worker = this.start();
    clearTimeout(this.idle);
    const id = this.next++;
    // Held while a picture is being looked at, so a command line run waits for it.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, file });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./face-worker.js', import.meta.url), { workerData: { faceFinder: true } });
    worker.on('message', (reply: FaceReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('faces' in reply) waiting?.resolve(reply.faces);
      else waiting?.reject(new Error(reply.error));
      if (this.waiting.size === 0) {
        worker.unref();
        this.idle = setTimeout(() => void this.close(), IDLE_MS);
        this.idle.unref();
      }
    });
    const fail = (error: Error): void => {
      for (const waiting of this.waiting.values()) waiting.reject(new Error(`the face finder stopped: ${error.message}`));
      this.waiting.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => code !== 0 && fail(new Error(`exit code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
