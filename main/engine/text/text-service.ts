import type { FinderApi, ItemTextResponse, ReadTextRequest, ReadTextSummary } from '../../../preload/contract.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { SemblanceError, notFound } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { LibraryStore } from '../store/library-store.js';
import { pictureLikelyHasText } from './likely-text.js';
import { MAX_PIXELS, TextReader, languageModel, turnsFor } from './text-reader.js';

export interface TextDeps {
  store: LibraryStore;
  jobs: JobScheduler;
  events: EngineEvents;
  /** A library photo's file, under the access policy, or undefined. */
  fileOf(itemId: number): string | undefined;
  /** The embedding workers (for the text space) and the key of the text model they use now. */
  pool(): EmbedPool;
  textModel(): string;
  /** The languages chosen in the settings, and where hand-copied language models are. */
  languages(): string[];
  textModels(): string | null;
}

/** Texts embedded per request to the workers. */
const EMBED_BATCH = 16;
/** The text space's model reads this much of a text (DistilBERT's 512 tokens, roughly). */
const EMBED_CHARS = 2000;

/**
 * Text in pictures: reading the library's photos and products' pictures (labels, packaging) as
 * a job (one Tesseract worker, so search and indexing keep the other core), after a cheap test
 * for a line of letters (likely-text.ts) that passes over most photos; the text read is
 * embedded in the text space, for searches by meaning; and the text read, for the detail pane
 * and `text:` searches.
 */
export class TextService {
  private readonly reader: TextReader;

  constructor(private readonly deps: TextDeps) {
    this.reader = new TextReader(deps.textModels());
  }

  readonly api = {
    readText: (request: ReadTextRequest): Promise<ReadTextSummary> => this.readAll(request.everything === true, request.languages ?? this.deps.languages()),
    itemText: async (request: { id: number }): Promise<ItemTextResponse> => {
      if (!this.deps.store.getItems([request.id]).has(request.id)) throw notFound(`No item with id ${request.id}.`);
      const row = this.deps.store.pictureText(request.id);
      if (!row) return { id: request.id, read: false, text: '', words: [], turned: 0, problem: null, skipped: false };
      return {
        id: request.id,
        read: true,
        text: row.text,
        words: row.words.map(([text, confidence, x0, y0, x1, y1]) => ({ text, confidence, box: { x0, y0, x1, y1 } })),
        turned: row.turned,
        problem: row.problem,
        skipped: row.skipped,
      };
    },
  } satisfies Pick<FinderApi, 'readText' | 'itemText'>;

  private async readAll(everything: boolean, languages: readonly string[]): Promise<ReadTextSummary> {
    const { store } = this.deps;
    // A language whose model is not installed is refused before a job starts, saying where to get it.
    for (const code of languages) {
      try {
        languageModel(code, this.deps.textModels());
      } catch (error) {
        throw notFound(`Text cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
    return await this.deps.jobs.run({
      kind: 'read-text',
      title: 'Reading the text in pictures',
      unit: 'pictures',
      run: async (job) => {
        const started = performance.now();
        // No model, no reading: the job fails with why (a language not installed, and where to
        // get it), and nothing is recorded as unreadable.
        await this.reader.start(languages);
        const pending = store.unreadPictures(everything);
        const summary: ReadTextSummary = { state: 'done', read: 0, withText: 0, skipped: 0, embedded: 0, meaning: null, failed: [], seconds: 0 };
        for (const [done, picture] of pending.entries()) {
          if (job.signal.aborted) {
            summary.state = 'cancelled';
            break;
          }
          const file = this.deps.fileOf(picture.id);
          job.report(done, pending.length, file ?? null);
          if (!file) continue; // its folder is offline or gone: read when it is back
          try {
            const look = everything ? null : await pictureLikelyHasText(file, MAX_PIXELS);
            if (look && !look.likely) {
              store.setPictureText(picture.contentHash, { text: '', words: [], turned: 0, problem: null, skipped: true });
              summary.skipped++;
              continue;
            }
            // The look saw which way its lines run: only those turns are read.
            const reading = await this.reader.read(file, look ? turnsFor(look) : undefined);
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
        if (summary.state === 'done') {
          const embedded = await this.embedTexts(job.signal);
          summary.embedded = embedded.count;
          summary.meaning = embedded.problem;
        }
        summary.seconds = (performance.now() - started) / 1000;
        if (summary.read > 0 || summary.embedded > 0) this.deps.events.emit({ type: 'library-changed' });
        return summary;
      },
    }).result;
  }

  /**
   * Every text read that has no vector from the text model of now, embedded (in the index lane,
   * so searches go first). Without a text model, the words are still found by `text:` and by
   * plain queries; the reason is returned, for the summary.
   */
  private async embedTexts(signal: AbortSignal): Promise<{ count: number; problem: string | null }> {
    const { store } = this.deps;
    const model = this.deps.textModel();
    const texts = store.textsToEmbed(model);
    let count = 0;
    for (let at = 0; at < texts.length && !signal.aborted; at += EMBED_BATCH) {
      const batch = texts.slice(at, at + EMBED_BATCH);
      try {
        const vectors = await this.deps.pool().embedTexts(batch.map((row) => row.text.replace(/\s+/g, ' ').slice(0, EMBED_CHARS)), 'text');
        store.setTextVectors(model, batch.map((row, i) => ({ contentHash: row.contentHash, vector: vectors[i] as Float32Array })));
        count += batch.length;
      } catch (error) {
        if (error instanceof SemblanceError && error.code === 'not-found') return { count, problem: `the text read is searched by its words only: ${error.message}` };
        throw error;
      }
    }
    return { count, problem: null };
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
