import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SPACES, type CatalogImportSummary, type Space } from '../../../preload/contract.js';
import { swatchDescriptor } from '../embed/colour-descriptor.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { badInput } from '../errors.js';
import type { JobContext } from '../jobs/job.js';
import type { ItemWrite, LibraryStore } from '../store/library-store.js';
import { productText, resolveMapping, type ColumnMapping } from './column-mapping.js';
import { readCatalog, type CatalogRow, type CatalogValue } from './read-catalog.js';

/** Products are embedded into every space: their words, their picture, its colours. */
export const PRODUCT_SPACES: Space[] = [...SPACES];
const BATCH = 32;
const SAMPLE = 20;

export interface ImportOptions {
  store: LibraryStore;
  pool: EmbedPool;
  /** The job it runs in: progress in rows, and its cancel signal. */
  job?: Pick<JobContext, 'signal' | 'report'>;
  file: string;
  /** The catalog's name, the prefix of its products' keys (default: the file name). */
  name?: string;
  mapping?: Partial<ColumnMapping>;
}

/**
 * Imports a product catalog, streaming its rows. Each product gets one embedding per kind of
 * attribute: its text attributes joined (text space, and clip's text tower when it has no
 * image), its image (visual, clip, colour) and its colour swatch (colour, in place of the
 * image's). Re-importing updates only rows whose content changed (a hash per row, image file
 * included) and removes products that left the catalog. Several catalogs live side by side.
 */
export async function importCatalog(options: ImportOptions): Promise<CatalogImportSummary> {
  const { store, pool } = options;
  const file = path.resolve(options.file);
  if (!fs.existsSync(file)) throw badInput(`There is no catalog at ${file}.`);
  const catalog = options.name ?? path.basename(file, path.extname(file));
  if (!/^[\w.-]+$/.test(catalog)) throw badInput(`A catalog name holds letters, digits, '.', '_' and '-' only, not "${catalog}".`);
  const existing = store.catalogItems(catalog);
  const summary: CatalogImportSummary = { catalog, file, state: 'done', rows: 0, added: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0, problems: [] };
  const seen = new Map<string, number>();
  let mapping: ColumnMapping | null = null;
  let pending: CatalogRow[] = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0 || !mapping) return;
    await importBatch(pending, mapping);
    pending = [];
  };

  async function importBatch(rows: CatalogRow[], map: ColumnMapping): Promise<void> {
    const work: { row: CatalogRow; id: string; key: string; hash: string; image: string | null; imageError: string | null }[] = [];
    for (const row of rows) {
      const id = String(row.values[map.id] ?? '').trim();
      if (!id) {
        summary.problems.push({ line: row.line, id: null, reason: `no value in the id column "${map.id}"; row skipped` });
        summary.skipped++;
        continue;
      }
      const first = seen.get(id);
      if (first !== undefined) {
        summary.problems.push({ line: row.line, id, reason: `duplicate id (first on line ${first}); row skipped` });
        summary.skipped++;
        continue;
      }
      seen.set(id, row.line);
      const { image, imageError } = imageOf(row.values, map, file);
      const stat = image ? fs.statSync(image, { throwIfNoEntry: false }) : undefined;
      const hash = createHash('sha256')
        .update(JSON.stringify(row.values))
        .update(stat ? `${stat.size}:${stat.mtimeMs}` : '')
        .digest('hex');
      const key = `${catalog}:${id}`;
      if (existing.get(key)?.rowHash === hash) {
        summary.unchanged++;
        continue;
      }
      work.push({ row, id, key, hash, image, imageError });
    }
    if (work.length === 0) return;

    const withImage = work.filter((w) => w.image && !w.imageError);
    const images = await pool.embedImages(
      withImage.map((w) => w.image as string),
      ['visual', 'clip', 'colour'],
    );
    const imageVectors = new Map(withImage.map((w, i) => [w, images[i]]));
    const texts = work.map((w) => productText(w.row.values, map) || w.id);
    const textVectors = await pool.embedTexts(texts, 'text');
    const clipTexts = await pool.embedTexts(texts, 'clip');

    const writes: ItemWrite[] = work.map((w, i) => {
      const result = imageVectors.get(w);
      let imageError = w.imageError;
      if (result && !result.ok) imageError = `image ${path.relative(path.dirname(file), w.image as string)}: ${result.reason}`;
      const vectors: ItemWrite['vectors'] = { text: textVectors[i] as Float32Array };
      if (result?.ok) Object.assign(vectors, result.vectors);
      else vectors.clip = clipTexts[i] as Float32Array; // no picture: its words stand in clip's space
      const swatch = map.colour ? w.row.values[map.colour] : null;
      if (typeof swatch === 'string' && swatch.trim()) {
        try {
          vectors.colour = swatchDescriptor(swatch);
        } catch (error) {
          summary.problems.push({ line: w.row.line, id: w.id, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      if (imageError) summary.problems.push({ line: w.row.line, id: w.id, reason: `${imageError}; imported with its text and colour` });
      if (existing.has(w.key)) summary.updated++;
      else summary.added++;
      return {
        item: {
          kind: 'product',
          catalogKey: w.key,
          title: map.name ? String(w.row.values[map.name] ?? w.id) : w.id,
          // The user's fields exactly as the file has them; Semblance's own facts go in columns.
          attributes: fields(w.row.values, map),
          catalog,
          catalogFolder: path.dirname(file),
          rowId: w.id,
          rowHash: w.hash,
          picture: w.image,
          pictureError: imageError,
          status: 'ok',
          error: null,
        },
        vectors,
        replaceVectors: true,
      };
    });
    store.writeItems(writes);
  }

  const { job } = options;
  const total = job ? await estimateRows(file) : null;
  const sample: CatalogRow[] = [];
  for await (const row of readCatalog(file)) {
    // Cancelled: the batches written so far stay; nothing is removed, since the rest was not read.
    if (job?.signal.aborted) {
      summary.state = 'cancelled';
      break;
    }
    summary.rows++;
    if (!mapping) {
      sample.push(row);
      if (sample.length < SAMPLE) continue;
      mapping = mappingFor(sample, options.mapping);
      pending.push(...sample);
    } else {
      pending.push(row);
    }
    if (pending.length >= BATCH) {
      await flush();
      job?.report(summary.rows, total === null ? null : Math.max(total, summary.rows), null);
    }
  }
  if (summary.state === 'cancelled') {
    if (!mapping && sample.length > 0) pending.push(...sample.splice(0));
    mapping ??= pending.length > 0 ? mappingFor(pending, options.mapping) : null;
    await flush();
    return summary;
  }
  if (!mapping && sample.length > 0) {
    mapping = mappingFor(sample, options.mapping);
    pending.push(...sample);
  }
  await flush();
  if (summary.rows === 0) throw badInput(`${file} has no products.`);

  job?.report(summary.rows, summary.rows, null);
  const gone = [...existing].filter(([key]) => !seen.has(key.slice(catalog.length + 1))).map(([, item]) => item.id);
  summary.removed = store.removeItems(gone);
  return summary;
}

function mappingFor(sample: CatalogRow[], override: Partial<ColumnMapping> | undefined): ColumnMapping {
  const columns = [...new Set(sample.flatMap((row) => Object.keys(row.values)))];
  return resolveMapping(
    columns,
    sample.map((r) => r.values),
    override,
  );
}

/** The image file of a row: relative paths are relative to the catalog file; URLs are refused. */
function imageOf(values: Record<string, CatalogValue>, map: ColumnMapping, catalogFile: string): { image: string | null; imageError: string | null } {
  const value = map.image ? values[map.image] : null;
  if (value === null || value === undefined || String(value).trim() === '') return { image: null, imageError: null };
  const text = String(value).trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return { image: null, imageError: `image ${text} is a URL; Semblance works offline, so images must be local files (download them next to the catalog)` };
  }
  const image = path.resolve(path.dirname(catalogFile), text);
  if (!fs.existsSync(image)) return { image: null, imageError: `image ${text} not found next to the catalog` };
  return { image, imageError: null };
}

/** Typed fields for filters: numbers stay numbers. */
function fields(values: Record<string, CatalogValue>, map: ColumnMapping): Record<string, CatalogValue> {
  return Object.fromEntries(map.fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f] ?? null]));
}

/** About how many rows a catalog has (its lines, less a header), for progress; null for a JSON array. */
async function estimateRows(file: string): Promise<number | null> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return null;
  let lines = 0;
  let last = 10;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
  }
  if (last !== 10) lines++;
  return ext === '.jsonl' || ext === '.ndjson' ? lines : Math.max(0, lines - 1);
}
