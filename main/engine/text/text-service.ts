import type { FinderApi, ItemTextResponse, ReadTextSummary } from '../../../preload/contract.js';
import { notFound } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { LibraryStore } from '../store/library-store.js';
import { TextReader } from './text-reader.js';

export interface TextDeps {
  store: LibraryStore;
  jobs: JobScheduler;
  events: EngineEvents;
  /** A library photo's file, under the access policy, or undefined. */
  fileOf(itemId: number): string | undefined;
}

/**
 * Text in pictures: reading the library's photos and products' pictures (labels, packaging) as
 * a job (one Tesseract worker, so search and
 * indexing keep the other core), and the text read, for the detail pane and `text:` searches.
 */
export class TextService {
  private readonly reader = new TextReader();

  constructor(private readonly deps: TextDeps) {}

  readonly api = {
    readText: (): Promise<ReadTextSummary> => this.readAll(),
    itemText: async (request: { id: number }): Promise<ItemTextResponse> => {
      if (!this.deps.store.getItems([request.id]).has(request.id)) throw notFound(`No item with id ${request.id}.`);
      const row = this.deps.store.pictureText(request.id);
      if (!row) return { id: request.id, read: false, text: '', words: [], turned: 0, problem: null };
      return {
        id: request.id,
        read: true,
        text: row.text,
        words: row.words.map(([text, confidence, x0, y0, x1, y1]) => ({ text, confidence, box: { x0, y0, x1, y1 } })),
        turned: row.turned,
        problem: row.problem,
      };
    },
  } satisfies Pick<FinderApi, 'readText' | 'itemText'>;

  private async readAll(): Promise<ReadTextSummary> {
    const { store } = this.deps;
    return await this.deps.jobs.run({
      kind: 'read-text',
      title: 'Reading the text in pictures',
      unit: 'pictures',
      run: async (job) => {
        const started = performance.now();
        // No model, no reading: the job fails with why, and nothing is recorded as unreadable.
        await this.reader.start();
        const pending = store.unreadPictures();
        const summary: ReadTextSummary = { state: 'done', read: 0, withText: 0, failed: [], seconds: 0 };
        for (const [done, picture] of pending.entries()) {
          if (job.signal.aborted) {
            summary.state = 'cancelled';
            break;
          }
          const file = this.deps.fileOf(picture.id);
          job.report(done, pending.length, file ?? null);
          if (!file) continue; // its folder is offline or gone: read when it is back
          try {
            const reading = await this.reader.read(file);
            store.setPictureText(picture.contentHash, {
              text: reading.text,
              words: reading.words.map((w) => [w.text, Math.round(w.confidence), w.box.x0, w.box.y0, w.box.x1, w.box.y1]),
              turned: reading.turned,
              problem: null,
            });
            summary.read++;
            if (reading.words.length > 0) summary.withText++;
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            // Recorded, so the job does not try it again each time; re-indexing a changed file gives it a new content.
            store.setPictureText(picture.contentHash, { text: '', words: [], turned: 0, problem: reason });
            summary.failed.push({ path: file, reason });
          }
        }
        job.report(pending.length, pending.length, null);
        summary.seconds = (performance.now() - started) / 1000;
        if (summary.read > 0) this.deps.events.emit({ type: 'library-changed' });
        return summary;
      },
    }).result;
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
