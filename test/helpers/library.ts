import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Engine } from '../../main/engine/engine.js';
import { testModelEnv } from './test-models.js';
import { peek } from './peek.js';
import { tempDir } from './temp-dir.js';

/** An engine on a fresh database with the models built from code, one small worker. */
export function libraryEngine(t: { after(fn: () => unknown): void }, dir: string): Engine {
  const engine = Engine.open({
    databaseFile: path.join(dir, 'data', 'library.db'),
    env: testModelEnv(path.join(dir, 'models')),
    pool: { size: 1, threads: 1 },
  });
  t.after(() => engine.close());
  return engine;
}

/** Writes `count` (up to 256) distinct small photo-like JPEGs (a colour gradient each) into `folder`. */
export async function writePhotos(folder: string, count: number, prefix = 'photo', seed = 0, size = { width: 96, height: 72 }): Promise<string[]> {
  fs.mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = seed + i;
    const { width, height } = size;
    const pixels = Buffer.alloc(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      pixels[p * 3] = (n * 53 + (p % width) * 2) % 256;
      pixels[p * 3 + 1] = (n * 97 + Math.floor(p / width) * 3) % 256;
      pixels[p * 3 + 2] = (n * 31 + p) % 256;
    }
    const file = path.join(folder, `${prefix}-${String(n).padStart(4, '0')}.jpg`);
    await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toFile(file);
    files.push(file);
  }
  return files;
}

export interface ItemSnapshot {
  id: number;
  updatedAt: number;
  status: string;
}

/** path → (id, updated_at, status) of every item: what a re-index must not disturb. */
export function snapshot(engine: Engine): Map<string, ItemSnapshot> {
  const rows = peek(engine).prepare('SELECT id, path, updated_at AS updatedAt, status FROM items').all() as (ItemSnapshot & {
    path: string;
  })[];
  return new Map(rows.map(({ path: p, ...rest }) => [p, rest]));
}

/** The invariants of a healthy library database. */
export function checkIntegrity(engine: Engine): { integrity: string; orphanVectors: number; itemsMissingVectors: number } {
  const db = peek(engine);
  const orphanVectors = ['clip', 'visual', 'colour'].reduce((n, space) => {
    const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?").get(`vec_${space}`);
    if (!exists) return n;
    const ids = db.prepare(`SELECT rowid FROM vec_${space}`).pluck().all() as number[];
    const check = db.prepare("SELECT 1 FROM item_vectors WHERE item_id = ? AND space = ?");
    return n + ids.filter((id) => !check.get(id, space)).length;
  }, 0);
  const itemsMissingVectors = db
    .prepare(
      `SELECT count(*) FROM items i WHERE i.status = 'ok'
       AND (SELECT count(*) FROM item_vectors iv WHERE iv.item_id = i.id) < (SELECT count(*) FROM spaces)`,
    )
    .pluck()
    .get() as number;
  return { integrity: db.pragma('integrity_check', { simple: true }) as string, orphanVectors, itemsMissingVectors };
}

/** A photo of one colour with texture, so no two are the same file. */
export async function colourPhoto(file: string, rgb: [number, number, number], seed: number): Promise<void> {
  const width = 120;
  const height = 90;
  const pixels = Buffer.alloc(width * height * 3);
  let s = seed * 7919 + 1;
  for (let i = 0; i < width * height; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const jitter = ((s >>> 16) % 31) - 15;
    rgb.forEach((v, c) => (pixels[i * 3 + c] = Math.max(0, Math.min(255, v + jitter))));
  }
  await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
}

/**
 * An indexed library of `count` photos plus a symbolic link out of it (to a copy of the
 * first photo beside the folder): the case every picture-by-id door must refuse.
 */
export async function libraryWithLinkOut(
  t: { after(fn: () => unknown): void },
  dir: string,
  count: number,
): Promise<{ engine: Engine; photos: string; first: string; linkOut: string }> {
  const photos = path.join(dir, 'Pictures');
  const [first] = (await writePhotos(photos, count)) as [string];
  fs.writeFileSync(path.join(dir, 'secret.jpg'), fs.readFileSync(first));
  const linkOut = path.join(photos, 'link-out.jpg');
  fs.symlinkSync(path.join(dir, 'secret.jpg'), linkOut);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [photos] });
  return { engine, photos, first, linkOut };
}

export const RED: [number, number, number] = [205, 35, 30];
export const BLUE: [number, number, number] = [35, 45, 205];

/** Pictures/ with three red photos (red-0..2.jpg) and three blue ones (blue-0..2.jpg), indexed. */
export async function redAndBlueLibrary(t: { after(fn: () => unknown): void }): Promise<{ engine: Engine; folder: string }> {
  const dir = tempDir(t as { after(fn: () => void): void });
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(folder);
  for (let i = 0; i < 3; i++) await colourPhoto(path.join(folder, `red-${i}.jpg`), RED, i);
  for (let i = 0; i < 3; i++) await colourPhoto(path.join(folder, `blue-${i}.jpg`), BLUE, 10 + i);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  return { engine, folder };
}
