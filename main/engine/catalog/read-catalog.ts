import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse';
import { badInput } from '../errors.js';

/** A field as the file has it: text for CSV and TSV (never cast), JSON's own types for JSON. */
export type CatalogValue = string | number | boolean | null;

export interface CatalogRow {
  kind: 'row';
  /** 1-based line (CSV, JSONL) or position (JSON) of the row, for messages. */
  line: number;
  values: Record<string, CatalogValue>;
}

/** A row that could not be read: the rest of the file still is. */
export interface BadRow {
  kind: 'bad';
  line: number;
  reason: string;
  /** The row's text as the file has it (cut to RAW_SHOWN characters). */
  raw: string;
  /** A delimited row with the wrong number of fields: its fields, the header and the separator. */
  misfit?: { fields: string[]; header: string[]; delimiter: string };
}

/** Reading stopped before the end of the file: what was read stays, nothing is removed. */
export interface StoppedReading {
  kind: 'stopped';
  line: number;
  reason: string;
}

export type CatalogRecord = CatalogRow | BadRow | StoppedReading;

/** A record (row) of more than this many bytes is refused: no product needs a megabyte of text. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** A JSON array is parsed whole; past this size JSON Lines is the format to use. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;
const RAW_SHOWN = 300;

/**
 * The rows of a catalog file, streamed: CSV (comma, semicolon or tab, quotes, newlines in
 * fields, a BOM), JSON Lines (one object per line) or a JSON array. A 100k-row CSV or JSONL
 * never sits in memory whole. A row that cannot be read is yielded as a BadRow with its line,
 * reason and text, and reading goes on; where the file cannot be read past a point (a quote
 * never closed, a record over MAX_RECORD_BYTES), a StoppedReading says where.
 *
 * Call `scanCatalog` first: it refuses a file that is not UTF-8 anywhere in it, before any
 * row is imported.
 */
export async function* readCatalog(file: string): AsyncGenerator<CatalogRecord> {
  const format = catalogFormat(file);
  if (format === 'csv' || format === 'tsv') yield* readDelimited(file, format === 'tsv' ? '\t' : await sniffDelimiter(file));
  else if (format === 'jsonl') yield* readJsonLines(file);
  else if (format === 'xml') yield* readXmlFeed(file);
  else yield* readJsonArray(file);
}

export function catalogFormat(file: string): 'csv' | 'tsv' | 'jsonl' | 'json' | 'xml' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.tsv') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  if (ext === '.xml') return 'xml';
  throw badInput(`${file}: a catalog is a .csv, .tsv, .json, .jsonl or .xml (a Google Merchant feed) file.`);
}

async function* readDelimited(file: string, delimiter: string): AsyncGenerator<CatalogRecord> {
  const skipped: CatalogRecord[] = [];
  let stopped = false;
  // Reading stops at a row it cannot get past: the parser would otherwise go on through the
  // rest of the file (50 MB of a field never closed) before saying so.
  const stop = (record: StoppedReading): void => {
    skipped.push(record);
    stopped = true;
    source.destroy();
    parser.destroy();
  };
  const source = fs.createReadStream(file);
  const parser = source.pipe(
    parse({
      bom: true,
      delimiter,
      // Fields as written (spaces too): a row mended from extra fields reads back exactly.
      trim: false,
      skip_empty_lines: true,
      // Rows with too many or too few fields come through, to be refused one by one below.
      relax_column_count: true,
      // A quote inside an unquoted field is a character (as spreadsheet apps read it).
      relax_quotes: true,
      max_record_size: MAX_RECORD_BYTES,
      skip_records_with_error: true,
      raw: true,
      info: true,
      on_skip: (error: (Error & { code?: string; lines?: number }) | undefined, raw?: string) => {
        if (!error) return;
        const line = error.lines ?? 0;
        if (error.code === 'CSV_MAX_RECORD_SIZE') {
          // csv-parse cannot find the next record after an oversized one.
          stop({ kind: 'stopped', line, reason: `a row of more than ${MAX_RECORD_BYTES / 2 ** 20} MB (a quote never closed, or a field that never ends); the rows after it were not read` });
        } else if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
          stop({ kind: 'stopped', line, reason: 'a quote opened in this row is never closed; the rows after it were not read' });
        } else {
          skipped.push({ kind: 'bad', line, reason: error.message, raw: shown(raw ?? '') });
        }
      },
    }),
  );
  let header: string[] | null = null;
  try {
    for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      yield* skipped.splice(0);
      if (!header) {
        header = record.map((h) => h.trim());
        const duplicate = header.find((h, i) => header?.indexOf(h) !== i);
        if (duplicate !== undefined) throw badInput(`${file}: the header names the column "${duplicate}" twice; rename one and import again.`);
        continue;
      }
      // The line a record starts on (info.lines is where it ends, and fields may hold newlines).
      const body = raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
      const line = info.lines - (body.match(/\r\n|\r|\n/g)?.length ?? 0);
      if (record.length !== header.length) {
        const hint = record.length > header.length ? ` (an unquoted ${delimiter === ',' ? 'comma' : delimiter === ';' ? 'semicolon' : 'separator'} in a field?)` : '';
        yield { kind: 'bad', line, reason: `${record.length} fields where the header has ${header.length}${hint}`, raw: shown(raw), misfit: { fields: record, header, delimiter } };
        continue;
      }
      const values: Record<string, CatalogValue> = {};
      header.forEach((column, i) => (values[column] = record[i] as string));
      yield { kind: 'row', line, values };
    }
  } catch (error) {
    if (!stopped) {
      if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) throw badInput(`${file}: ${error.message}`);
      throw error;
    }
  }
  yield* skipped.splice(0);
}

async function* readJsonLines(file: string): AsyncGenerator<CatalogRecord> {
  let line = 0;
  for await (const text of splitLines(file)) {
    line++;
    if (text === null) {
      yield { kind: 'bad', line, reason: `a line of more than ${MAX_RECORD_BYTES / 2 ** 20} MB`, raw: '' };
      continue;
    }
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { kind: 'bad', line, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})`, raw: shown(text) };
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield { kind: 'bad', line, reason: 'expected an object, as {"id": "A1", "name": "Toaster"}', raw: shown(text) };
      continue;
    }
    yield objectRow(value as Record<string, unknown>, line, text);
  }
}

async function* readJsonArray(file: string): AsyncGenerator<CatalogRecord> {
  const size = (await fs.promises.stat(file)).size;
  if (size > MAX_JSON_BYTES) {
    throw badInput(`${file} is ${(size / 2 ** 20).toFixed(0)} MB: a JSON array that large is read whole, so save it as JSON Lines (.jsonl, one product a line) instead.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(await fs.promises.readFile(file, 'utf8'));
  } catch (error) {
    throw badInput(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rows = Array.isArray(data) ? data : (data as { products?: unknown })?.products;
  if (!Array.isArray(rows)) throw badInput(`${file}: expected an array of products (or {"products": [...]}).`);
  for (const [i, row] of rows.entries()) {
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      yield { kind: 'bad', line: i + 1, reason: 'product is not an object', raw: shown(JSON.stringify(row) ?? '') };
      continue;
    }
    yield objectRow(row as Record<string, unknown>, i + 1, null);
  }
}

/**
 * A product feed in XML: RSS 2.0 (<channel><item>, as Google Merchant Center's) or Atom
 * (<feed><entry>). Namespace prefixes are dropped (g:image_link is image_link); values stay
 * the text the file has; nested elements (g:shipping) are kept as their JSON.
 */
async function* readXmlFeed(file: string): AsyncGenerator<CatalogRecord> {
  const size = (await fs.promises.stat(file)).size;
  if (size > MAX_JSON_BYTES) throw badInput(`${file} is ${(size / 2 ** 20).toFixed(0)} MB: an XML feed that large is read whole; export it as TSV instead.`);
  const { XMLParser } = await import('fast-xml-parser');
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, removeNSPrefix: true, isArray: (name) => name === 'item' || name === 'entry' });
  let data: Record<string, unknown>;
  try {
    data = parser.parse(await fs.promises.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw badInput(`${file} is not a readable XML feed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rss = data['rss'] as { channel?: { item?: unknown[] } } | undefined;
  const atom = data['feed'] as { entry?: unknown[] } | undefined;
  const items = rss?.channel?.item ?? atom?.entry;
  if (!Array.isArray(items)) throw badInput(`${file}: expected a product feed (RSS <channel><item> or Atom <feed><entry>), found none.`);
  for (const [i, item] of items.entries()) {
    if (!item || typeof item !== 'object') {
      yield { kind: 'bad', line: i + 1, reason: 'product is empty', raw: shown(String(item)) };
      continue;
    }
    yield objectRow(item as Record<string, unknown>, i + 1, null);
  }
}

/** An object's fields: scalars kept, nested values as their JSON text, oversized ones refused. */
function objectRow(object: Record<string, unknown>, line: number, text: string | null): CatalogRecord {
  const values: Record<string, CatalogValue> = {};
  for (const [key, value] of Object.entries(object)) {
    const kept = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
    if (typeof kept === 'string' && Buffer.byteLength(kept) > MAX_RECORD_BYTES) {
      return { kind: 'bad', line, reason: `the field "${key}" holds more than ${MAX_RECORD_BYTES / 2 ** 20} MB`, raw: shown(text ?? '') };
    }
    values[key] = kept ?? null;
  }
  return { kind: 'row', line, values };
}

/** A file's lines, streamed; a line longer than MAX_RECORD_BYTES comes as null (its bytes dropped). */
async function* splitLines(file: string): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (!tooLong && length + piece.length <= MAX_RECORD_BYTES) parts.push(piece);
      else tooLong = true;
      yield tooLong ? null : Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
      parts = [];
      length = 0;
      tooLong = false;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (!tooLong && length + rest.length <= MAX_RECORD_BYTES) {
      parts.push(rest);
      length += rest.length;
    } else {
      tooLong = true;
      parts = [];
    }
  }
  if (tooLong) yield null;
  else if (length > 0) yield Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
}

function shown(raw: string): string {
  const text = raw.replace(/[\r\n]+$/, '');
  return text.length > RAW_SHOWN ? `${text.slice(0, RAW_SHOWN)}…` : text;
}

/** Semicolons are the CSV separator where the comma is the decimal mark: count both in the header. */
async function sniffDelimiter(file: string): Promise<string> {
  const head = await firstLine(file);
  const count = (ch: string): number => head.split(ch).length - 1;
  const [best] = [',', ';', '\t'].sort((a, b) => count(b) - count(a));
  return best as string;
}

async function firstLine(file: string): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return text.split(/\r?\n/, 1)[0] ?? '';
  } finally {
    await handle.close();
  }
}

/**
 * One streaming pass over the whole file before anything is imported: it must be UTF-8 from
 * its first byte to its last (a Latin-1 row at the end would otherwise be stored garbled),
 * and its lines are counted for progress. Returns about how many rows it has (null for a
 * JSON array).
 */
export async function scanCatalog(file: string): Promise<number | null> {
  const format = catalogFormat(file);
  let lines = 0;
  let last = 10;
  let carry: Buffer = Buffer.alloc(0);
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(file, fs.constants.R_OK);
    stream = fs.createReadStream(file);
  } catch (error) {
    throw badInput(`Cannot read the catalog ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for await (const piece of stream as AsyncIterable<Buffer>) {
    // A character cut at the end of a chunk is completed by the next one.
    const chunk = carry.length > 0 ? Buffer.concat([carry, piece]) : piece;
    const cut = partialTail(chunk);
    const whole = chunk.subarray(0, chunk.length - cut);
    carry = Buffer.from(chunk.subarray(chunk.length - cut));
    if (!isUtf8(whole)) throw notUtf8(file, lines + firstBadLine(whole));
    for (let i = whole.indexOf(10); i !== -1; i = whole.indexOf(10, i + 1)) lines++;
    last = whole[whole.length - 1] ?? last;
  }
  if (carry.length > 0) throw notUtf8(file, lines + 1);
  if (last !== 10) lines++;
  if (format === 'json' || format === 'xml') return null;
  return format === 'jsonl' ? lines : Math.max(0, lines - 1);
}

function notUtf8(file: string, line: number): Error {
  return badInput(
    `${file} is not UTF-8 text (line ${line} is perhaps Latin-1 or Windows-1252). Save it as UTF-8 (most spreadsheet apps offer "CSV UTF-8") and import again; nothing was imported.`,
  );
}

/** The 1-based line, within a chunk, of its first byte that is not UTF-8. */
function firstBadLine(chunk: Buffer): number {
  let line = 1;
  let start = 0;
  for (let nl = chunk.indexOf(10); ; nl = chunk.indexOf(10, start)) {
    const end = nl === -1 ? chunk.length : nl;
    if (!isUtf8(chunk.subarray(start, end))) return line;
    if (nl === -1) return line;
    line++;
    start = nl + 1;
  }
}

/** How many bytes at the end of a chunk begin a character the chunk does not finish. */
function partialTail(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && back <= end; back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    if ((byte & 0xc0) !== 0xc0) return 0; // ASCII: nothing cut
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return needed > back ? back : 0;
  }
  return 0;
}
