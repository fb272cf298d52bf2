import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SPACES, type CatalogImportSummary, type CatalogMappingRequest, type CatalogPreview, type Space } from '../../../preload/contract.js';
import { swatchDescriptor } from '../embed/colour-descriptor.js';
import { colourName } from '../embed/colour-names.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { contentHash } from '../library/content-hash.js';
import { badInput } from '../errors.js';
import type { JobContext } from '../jobs/job.js';
import type { CatalogStore, ItemWrite, SavedCatalog } from '../store/library-store.js';
import { ROLES, productText, resolveMapping, type ColumnMapping } from './column-mapping.js';
import { DEFAULT_FETCH_LIMITS, PictureFetcher, isLink, type FetchLimits } from './fetch-pictures.js';
import { readCatalog, scanCatalog, type BadRow, type CatalogRecord, type CatalogRow, type CatalogValue } from './read-catalog.js';

/** Products are embedded into every space: their words, their picture, its colours. */
export const PRODUCT_SPACES: Space[] = [...SPACES];
const BATCH = 32;
/** Rows read before the columns are guessed: enough to see what a column holds. */
const SAMPLE = 50;
/** Unreadable rows kept in a summary with their text (the count goes on past it). */
const MAX_UNREADABLE_KEPT = 1000;

export interface ImportOptions {
  store: CatalogStore;
  pool: EmbedPool;
  /** The job it runs in: progress in rows, and its cancel signal. */
  job?: Pick<JobContext, 'signal' | 'report'>;
  file: string;
  /** The catalog's name, the prefix of its products' keys (default: the file name). */
  name?: string;
  /** Columns named by the user (the rest guessed); else the mapping saved by the last import. */
  mapping?: CatalogMappingRequest;
  /** Fetch pictures given as links into `picturesDir`. */
  fetchImages?: boolean;
  picturesDir?: string;
  fetchLimits?: FetchLimits;
  /** Relative picture paths may leave the catalog's folder. */
  allowOutsidePictures?: boolean;
}

export function catalogName(file: string, name?: string): string {
  const catalog = name ?? path.basename(file, path.extname(file));
  if (!/^[\w.-]+$/.test(catalog)) throw badInput(`A catalog name holds letters, digits, '.', '_' and '-' only, not "${catalog}". Give one with --name.`);
  return catalog;
}

/**
 * The mapping to read a catalog with: the user's columns, else the one saved by the last
 * import of this catalog (when its columns are all still in the file), with the rest guessed.
 */
function chooseMapping(columns: string[], sample: Record<string, CatalogValue>[], given: CatalogMappingRequest | undefined, saved: SavedCatalog | undefined, requireId = true) {
  const savedFits = saved?.mapping && [saved.mapping.id, ...ROLES.map((r) => saved.mapping?.[r]), ...saved.mapping.text, ...saved.mapping.fields].every((c) => !c || columns.includes(c));
  const override = given ?? (savedFits && saved?.mapping ? { ...saved.mapping } : undefined);
  const { format: _format, ...request } = (override ?? {}) as CatalogMappingRequest & { format?: unknown };
  const guess = resolveMapping(columns, sample, request, { requireId });
  return { ...guess, source: given ? ('given' as const) : savedFits ? ('saved' as const) : ('guessed' as const) };
}

/** The catalog's first rows and the mapping an import would use: what the import window shows. */
export async function previewCatalog(options: { store: Pick<CatalogStore, 'catalog'>; file: string; name?: string; mapping?: CatalogMappingRequest; rows?: number }): Promise<CatalogPreview> {
  const file = path.resolve(options.file);
  if (!fs.existsSync(file)) throw badInput(`There is no catalog at ${file}.`);
  const catalog = catalogName(file, options.name);
  // A file that is not UTF-8 is said before any column is shown, not after the user chose them.
  await scanCatalog(file);
  const wanted = options.rows ?? 10;
  const rows: CatalogRow[] = [];
  const unreadable: BadRow[] = [];
  for await (const record of readCatalog(file)) {
    if (record.kind === 'row') rows.push(record);
    else if (record.kind === 'bad') unreadable.push(record);
    else break;
    if (rows.length >= Math.max(wanted, SAMPLE)) break;
  }
  if (rows.length === 0) throw badInput(`${file} has no products that can be read${unreadable[0] ? ` (line ${unreadable[0].line}: ${unreadable[0].reason})` : ''}.`);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  const saved = await options.store.catalog(catalog);
  const { mapping, warnings, source } = chooseMapping(
    columns,
    rows.map((r) => r.values),
    options.mapping,
    saved,
    false,
  );
  const pictureLinks = mapping.image ? rows.filter((r) => typeof r.values[mapping.image as string] === 'string' && isLink(r.values[mapping.image as string] as string)).length : 0;
  return {
    file,
    catalog,
    columns,
    rows: rows.slice(0, wanted).map(({ line, values }) => ({ line, values })),
    unreadable: unreadable.slice(0, wanted).map(({ line, reason, raw }) => ({ line, reason, raw })),
    mapping,
    source: source === 'saved' ? 'saved' : 'guessed',
    warnings,
    pictureLinks,
  };
}

/**
 * Imports a product catalog, streaming its rows. Each product gets one embedding per kind of
 * attribute: its text attributes joined (text space, and clip's text tower when it has no
 * picture), its picture (visual, clip, colour) and its colour swatch (colour, in place of the
 * picture's). A row that cannot be read is recorded with its line, reason and text, and the
 * rest import. Re-importing updates only rows whose content changed (a hash per row, picture
 * file included) and removes products that left the catalog, and only after a whole read.
 * Several catalogs live side by side; each keeps the mapping it was imported with.
 */
export async function importCatalog(options: ImportOptions): Promise<CatalogImportSummary> {
  const { store, pool, job } = options;
  const file = path.resolve(options.file);
  if (!fs.existsSync(file)) throw badInput(`There is no catalog at ${file}.`);
  const catalog = catalogName(file, options.name);
  const folder = path.dirname(file);
  // The whole file is checked as UTF-8 (and its rows counted) before a row is imported.
  const total = await scanCatalog(file);
  const existing = await store.catalogItems(catalog);
  const saved = await store.catalog(catalog);
  const summary: CatalogImportSummary = {
    catalog,
    file,
    state: 'done',
    rows: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    skipped: 0,
    unreadable: [],
    stopped: null,
    mapping: null as unknown as ColumnMapping,
    warnings: [],
    problems: [],
    pictures: options.fetchImages ? { fetched: 0, cached: 0, failed: 0 } : null,
  };
  let unreadableCount = 0;
  let continuations = 0;
  const unknownColours = new Map<string, number>();
  const noColour = new Map<string, number>();
  const seen = new Map<string, number>();
  let mapping: ColumnMapping | null = null;
  let columns: string[] = [];
  const buffered: CatalogRecord[] = [];
  let pending: CatalogRow[] = [];
  const signal = job?.signal ?? new AbortController().signal;

  const unreadable = (bad: BadRow): void => {
    unreadableCount++;
    if (summary.unreadable.length < MAX_UNREADABLE_KEPT) summary.unreadable.push({ line: bad.line, reason: bad.reason, raw: bad.raw });
  };

  /** A row with extra fields, when the mapping names the column they belong to. */
  const mend = (bad: BadRow): CatalogRow | null => {
    const misfit = bad.misfit;
    if (!misfit || !mapping?.overflow || misfit.fields.length <= misfit.header.length) return null;
    const at = misfit.header.indexOf(mapping.overflow);
    if (at < 0) return null;
    const extra = misfit.fields.length - misfit.header.length;
    const fields = [...misfit.fields.slice(0, at), misfit.fields.slice(at, at + extra + 1).join(misfit.delimiter), ...misfit.fields.slice(at + extra + 1)];
    return { kind: 'row', line: bad.line, values: Object.fromEntries(misfit.header.map((column, i) => [column, fields[i] ?? ''])) };
  };

  const fetcher = options.fetchImages ? new PictureFetcher(options.picturesDir ?? path.join(folder, '.semblance-pictures'), signal, options.fetchLimits ?? DEFAULT_FETCH_LIMITS) : null;

  const take = async (record: CatalogRecord): Promise<void> => {
    if (record.kind === 'stopped') {
      summary.stopped = { line: record.line, reason: record.reason };
      return;
    }
    summary.rows++;
    const row = record.kind === 'row' ? record : mend(record);
    if (!row) return unreadable(record as BadRow);
    // Its picture starts coming now, while earlier rows are embedded.
    const link = fetcher && mapping ? pictureOf(row.values, mapping, folder, options).link : null;
    if (link) void fetcher?.get(link);
    pending.push(row);
    if (pending.length >= BATCH) await flush();
  };

  /**
   * Batches run one after another, but reading (and fetching pictures for) the next batch
   * goes on while one is embedded: at most two batches are in flight.
   */
  let previous: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    if (pending.length === 0 || !mapping) return;
    const rows = pending;
    const map = mapping;
    pending = [];
    const before = previous;
    previous = (async () => {
      await before;
      await importBatch(rows, map);
      job?.report(summary.rows, total === null ? null : Math.max(total, summary.rows), null);
    })();
    // Its failure is thrown where it is awaited (the next flush, or the end), not lost meanwhile.
    previous.catch(() => undefined);
    await before;
  };

  const decide = (): void => {
    const good = buffered.filter((r): r is CatalogRow => r.kind === 'row');
    columns = good.length > 0 ? [...new Set(good.flatMap((r) => Object.keys(r.values)))] : (buffered.find((r): r is BadRow => r.kind === 'bad' && Boolean(r.misfit))?.misfit?.header ?? []);
    if (columns.length === 0) return;
    const chosen = chooseMapping(
      columns,
      good.map((r) => r.values),
      options.mapping,
      saved,
    );
    mapping = chosen.mapping;
    summary.mapping = mapping;
    summary.warnings.push(...chosen.warnings);
  };

  async function importBatch(rows: CatalogRow[], map: ColumnMapping): Promise<void> {
    const work: { row: CatalogRow; id: string; key: string; picture: string | null; link: string | null; pictureError: string | null }[] = [];
    for (const row of rows) {
      const id = String(row.values[map.id] ?? '').trim();
      if (!id) {
        summary.problems.push({ line: row.line, id: null, reason: `no value in the id column "${map.id}"; row skipped` });
        summary.skipped++;
        continue;
      }
      const first = seen.get(id);
      // Exports list a product's variants and extra pictures as rows of its id with no name.
      if (first !== undefined && map.name && String(row.values[map.name] ?? '').trim() === '') {
        continuations++;
        summary.skipped++;
        continue;
      }
      if (first !== undefined) {
        summary.problems.push({ line: row.line, id, reason: `duplicate id (first on line ${first}); row skipped` });
        summary.skipped++;
        continue;
      }
      seen.set(id, row.line);
      work.push({ row, id, key: `${catalog}:${id}`, ...pictureOf(row.values, map, folder, options) });
    }
    // Links are fetched (or found in the cache) before the rows are hashed: a changed picture is a changed row.
    const links = work.filter((w) => w.link).map((w) => w.link as string);
    if (links.length > 0 && fetcher) {
      const fetched = new Map(await Promise.all(links.map(async (link) => [link, await fetcher.get(link)] as const)));
      fetcher.forget(links);
      for (const w of work) {
        const result = w.link ? fetched.get(w.link) : undefined;
        if (!result || !summary.pictures) continue;
        if (result.ok) {
          w.picture = result.file;
          summary.pictures[result.cached ? 'cached' : 'fetched']++;
        } else {
          w.pictureError = `picture ${w.link}: ${result.reason}`;
          summary.pictures.failed++;
        }
      }
    }
    // What makes a product: its row and the columns read for it (not where extra fields go, nor the format's name).
    const { overflow: _overflow, format: _format, ...used } = map;
    const hashed = work.flatMap((w) => {
      const stat = w.picture ? fs.statSync(w.picture, { throwIfNoEntry: false }) : undefined;
      const hash = createHash('sha256')
        .update(JSON.stringify(w.row.values))
        .update(JSON.stringify(used))
        .update(stat ? `${stat.size}:${stat.mtimeMs}` : '')
        .digest('hex');
      if (existing.get(w.key)?.rowHash === hash) {
        summary.unchanged++;
        return [];
      }
      return [{ ...w, hash }];
    });
    if (hashed.length === 0) return;

    const withPicture = hashed.filter((w) => w.picture && !w.pictureError);
    const images = await pool.embedImages(
      withPicture.map((w) => w.picture as string),
      ['visual', 'clip', 'colour'],
    );
    const imageVectors = new Map(withPicture.map((w, i) => [w, images[i]]));
    // A picture's content and perceptual hashes: the same product listed twice (duplicates/) shares or nears them.
    const pictureHashes = new Map<(typeof hashed)[number], string>();
    for (const w of withPicture) {
      const result = imageVectors.get(w);
      if (!result?.ok) continue;
      const hash = await contentHash(w.picture as string).catch(() => null);
      if (hash) pictureHashes.set(w, hash);
    }
    await store.setPictureHashes(withPicture.flatMap((w) => {
      const result = imageVectors.get(w);
      const hash = pictureHashes.get(w);
      return result?.ok && hash ? [{ contentHash: hash, hashes: result.hashes }] : [];
    }));
    const texts = hashed.map((w) => productText(w.row.values, map) || w.id);
    const textVectors = await pool.embedTexts(texts, 'text');
    const clipTexts = await pool.embedTexts(texts, 'clip');

    const writes: ItemWrite[] = hashed.map((w, i) => {
      const result = imageVectors.get(w);
      let pictureError = w.pictureError;
      if (result && !result.ok) pictureError = `picture ${path.relative(folder, w.picture as string)}: ${result.reason}`;
      const vectors: ItemWrite['vectors'] = { text: textVectors[i] as Float32Array };
      if (result?.ok) Object.assign(vectors, result.vectors);
      else vectors.clip = clipTexts[i] as Float32Array; // no picture: its words stand in clip's space
      const swatch = map.colour ? w.row.values[map.colour] : null;
      if (typeof swatch === 'string' && swatch.trim()) {
        const named = colourName(swatch);
        const tally = named.kind === 'none' ? noColour : named.kind === 'unknown' ? unknownColours : null;
        if (tally) tally.set(swatch.trim(), (tally.get(swatch.trim()) ?? 0) + 1);
        else vectors.colour = swatchDescriptor(swatch);
      }
      if (pictureError) summary.problems.push({ line: w.row.line, id: w.id, reason: `${pictureError}; imported with its words and colour` });
      if (existing.has(w.key)) summary.updated++;
      else summary.added++;
      return {
        item: {
          kind: 'product',
          catalogKey: w.key,
          title: map.name ? String(w.row.values[map.name] ?? '').trim() || w.id : w.id,
          // The user's fields exactly as the file has them; Semblance's own facts go in columns.
          attributes: fieldsOf(w.row.values, map),
          roles: Object.fromEntries(ROLES.map((role) => [role, valueOf(w.row.values, map[role])])),
          catalog,
          catalogFolder: folder,
          rowId: w.id,
          rowHash: w.hash,
          picture: pictureError ? null : w.picture,
          contentHash: pictureError ? null : (pictureHashes.get(w) ?? null),
          pictureError,
          status: 'ok',
          error: null,
        },
        vectors,
        replaceVectors: true,
      };
    });
    await store.writeItems(writes);
  }

  for await (const record of readCatalog(file)) {
    // Cancelled: the batches written so far stay; nothing is removed, since the rest was not read.
    if (signal.aborted) {
      summary.state = 'cancelled';
      break;
    }
    if (!mapping) {
      buffered.push(record);
      if (buffered.filter((r) => r.kind === 'row').length < SAMPLE && record.kind !== 'stopped') continue;
      decide();
      for (const early of buffered.splice(0)) await take(early);
    } else {
      await take(record);
    }
    if (summary.stopped) break;
  }
  if (!mapping && buffered.length > 0) {
    decide();
    for (const early of buffered.splice(0)) await take(early);
  }
  if (!mapping) {
    const first = buffered.find((r): r is BadRow => r.kind === 'bad');
    throw badInput(`${file} has no products${first ? ` that can be read (line ${first.line}: ${first.reason})` : ''}.`);
  }
  await flush();
  await previous;
  if (seen.size === 0 && summary.state === 'done' && summary.rows > 0 && unreadableCount === summary.rows) {
    throw badInput(`No row of ${file} could be read (line ${summary.unreadable[0]?.line}: ${summary.unreadable[0]?.reason}); nothing was imported.`);
  }

  if (unreadableCount > summary.unreadable.length) summary.warnings.push(`${unreadableCount} rows could not be read; the first ${summary.unreadable.length} are listed.`);
  const tallied = (counts: Map<string, number>): string =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([name, n]) => `"${name}" (${n} ${n === 1 ? 'row' : 'rows'})`)
      .join(', ') + (counts.size > 20 ? ` and ${counts.size - 20} more` : '');
  if (continuations > 0) summary.warnings.push(`${continuations} rows repeat a product's id without a name (its variants or extra pictures): each product was imported from its first row.`);
  if (unknownColours.size > 0) summary.warnings.push(`Colour names not known, so those products' colours come from their pictures: ${tallied(unknownColours)}.`);
  if (noColour.size > 0) summary.warnings.push(`Colours that name no single colour (no swatch; the picture's colours are used): ${tallied(noColour)}.`);
  if (summary.state === 'done' && !summary.stopped) {
    job?.report(summary.rows, summary.rows, null);
    const gone = [...existing].filter(([key]) => !seen.has(key.slice(catalog.length + 1))).map(([, item]) => item.id);
    summary.removed = await store.removeItems(gone);
  } else if (summary.stopped) {
    summary.warnings.push(`Reading stopped at line ${summary.stopped.line}: ${summary.stopped.reason}. No product was removed.`);
  }
  await store.saveCatalog({ name: catalog, file, mapping, columns, summary, importedAt: Date.now() });
  return summary;
}

/**
 * A row's picture: a link (fetched when asked, else a recorded problem), or a file relative to
 * the catalog's folder, which it may not leave unless the user allows it.
 */
function pictureOf(
  values: Record<string, CatalogValue>,
  map: ColumnMapping,
  folder: string,
  options: Pick<ImportOptions, 'fetchImages' | 'allowOutsidePictures'>,
): { picture: string | null; link: string | null; pictureError: string | null } {
  const value = map.image ? values[map.image] : null;
  const none = { picture: null, link: null, pictureError: null };
  if (value === null || value === undefined || String(value).trim() === '') return none;
  // Exports list several pictures in one cell (WooCommerce: "a.jpg, b.jpg"): the first is the product's.
  const text = String(value).split(/\s*[,|]\s*(?=[a-z][a-z0-9+.-]*:\/\/)|\s*\|\s*/i)[0]?.trim() ?? '';
  if (isLink(text)) {
    if (options.fetchImages) return { picture: null, link: text, pictureError: null };
    return { ...none, pictureError: `picture ${text} is a link; import with "fetch pictures" (--fetch-images) to download it` };
  }
  const picture = path.resolve(folder, text);
  const inside = picture.startsWith(folder + path.sep);
  if (!inside && !path.isAbsolute(text) && !options.allowOutsidePictures) {
    return { ...none, pictureError: `picture ${text} lies outside the catalog's folder; it was not opened (allow it with --allow-outside-pictures)` };
  }
  if (!fs.existsSync(picture)) return { ...none, pictureError: `picture ${text} not found next to the catalog` };
  return { picture, link: null, pictureError: null };
}

function valueOf(values: Record<string, CatalogValue>, column: string | null): string | null {
  if (!column) return null;
  const value = values[column];
  return value === null || value === undefined ? null : String(value);
}

/** The fields kept with the product, exactly as the file wrote them. */
function fieldsOf(values: Record<string, CatalogValue>, map: ColumnMapping): Record<string, CatalogValue> {
  return Object.fromEntries(map.fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f] ?? null]));
}
