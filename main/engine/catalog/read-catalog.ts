import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { badInput } from '../errors.js';

export type CatalogValue = string | number | boolean | null;
export interface CatalogRow {
  /** 1-based line (CSV, JSONL) or position (JSON) of the row, for messages. */
  line: number;
  values: Record<string, CatalogValue>;
}

/**
 * The rows of a catalog file, streamed: CSV (comma or semicolon, quotes, newlines in fields,
 * a BOM), JSON Lines (one object per line) or a JSON array. A 100k-row CSV or JSONL never
 * sits in memory whole. A file that is not UTF-8 is refused with a clear message.
 */
export async function* readCatalog(file: string): AsyncGenerator<CatalogRow> {
  const ext = path.extname(file).toLowerCase();
  await checkUtf8(file);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    const delimiter = ext === '.tsv' ? '\t' : await sniffDelimiter(file);
    const parser = fs.createReadStream(file).pipe(
      parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, delimiter, trim: true, skip_empty_lines: true, info: true, cast: castNumber }),
    );
    try {
      for await (const record of parser as AsyncIterable<{ record: Record<string, CatalogValue>; info: { lines: number } }>) {
        yield { line: record.info.lines, values: record.record };
      }
    } catch (error) {
      throw badInput(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return;
  }
  if (ext === '.jsonl' || ext === '.ndjson') {
    const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      yield { line, values: parseObject(text, file, line) };
    }
    return;
  }
  if (ext === '.json') {
    let data: unknown;
    try {
      data = JSON.parse(await fs.promises.readFile(file, 'utf8'));
    } catch (error) {
      throw badInput(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const rows = Array.isArray(data) ? data : (data as { products?: unknown })?.products;
    if (!Array.isArray(rows)) throw badInput(`${file}: expected an array of products (or {"products": [...]}).`);
    for (const [i, row] of rows.entries()) {
      if (!row || typeof row !== 'object' || Array.isArray(row)) throw badInput(`${file}: product ${i + 1} is not an object.`);
      yield { line: i + 1, values: row as Record<string, CatalogValue> };
    }
    return;
  }
  throw badInput(`${file}: a catalog is a .csv, .tsv, .json or .jsonl file.`);
}

function parseObject(text: string, file: string, line: number): Record<string, CatalogValue> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badInput(`${file}, line ${line}: not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput(`${file}, line ${line}: expected an object.`);
  return value as Record<string, CatalogValue>;
}

/** Numbers stay numbers ("49.99" → 49.99), so price filters compare as numbers. */
function castNumber(value: string): CatalogValue {
  return value !== '' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** Semicolons are the CSV separator where the comma is the decimal mark: count both in the header. */
async function sniffDelimiter(file: string): Promise<string> {
  const head = await firstLine(file);
  const count = (ch: string): number => head.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

async function firstLine(file: string): Promise<string> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { end: 64 * 1024 }), crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function checkUtf8(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r').catch((error: unknown) => {
    throw badInput(`Cannot read the catalog ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const buffer = Buffer.alloc(256 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // A multi-byte character cut at the end of the sample is fine; anything else is not UTF-8.
    const sample = buffer.subarray(0, bytesRead);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(trimPartial(sample));
    } catch {
      throw badInput(
        `${file} is not UTF-8 text (perhaps Latin-1 or Windows-1252). Save it as UTF-8 (most spreadsheet apps offer "CSV UTF-8") and import again.`,
      );
    }
  } finally {
    await handle.close();
  }
}

function trimPartial(bytes: Buffer): Buffer {
  const end = bytes.length;
  for (let back = 1; back <= 3 && back <= end; back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0xc0) return bytes.subarray(0, end - back); // a lead byte whose character was cut
    if ((byte & 0xc0) !== 0x80) break;
  }
  return bytes.subarray(0, end);
}
