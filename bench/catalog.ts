/**
 * Products: import + embed throughput of a generated 10k-row catalog with the models built
 * from code (npm run models:test), without pictures, with local ones and with links fetched
 * from a server on this machine, and substitutes latency at 10k and 100k products with
 * the real models' dimensions (text 768, clip 512, visual 512, colour 245; random vectors,
 * since substitutes only compare stored vectors).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { Engine } from '../main/engine/engine.js';
import type { ItemWrite } from '../main/engine/store/store.js';
import { percentile } from './stats.js';

export interface CatalogBenchResult {
  /** Import of a 10k-row catalog: words only, a local picture per row, a picture link per row (fetched). */
  imports: { mode: string; rows: number; seconds: number; rowsPerSecond: number; problems: number }[];
  substitutes: { products: number; p50: number; p95: number; wherep50: number }[];
}

const WORDS = ['toaster', 'kettle', 'pants', 'jeans', 'ball', 'basketball', 'red', 'blue', 'steel', 'cotton', 'slim', 'classic', 'bread', 'food'];

export async function benchCatalog(options: { dir: string; repo: string; log: (line: string) => void; sizes: number[] }): Promise<CatalogBenchResult> {
  const { dir, log } = options;
  const models = path.join(options.repo, 'test', 'fixtures', 'models');
  const imports: CatalogBenchResult['imports'] = [];
  if (fs.existsSync(path.join(models, 'tiny-text'))) {
    const folder = path.join(dir, 'catalog');
    fs.mkdirSync(folder, { recursive: true });
    const pictures: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const png = await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: (i * 47) % 256, g: (i * 89) % 256, b: (i * 13) % 256 } } })
        .png()
        .toBuffer();
      fs.writeFileSync(path.join(folder, `p${i}.png`), png);
      pictures.push(png);
    }
    // The same pictures by link, from a server on this machine: every row its own address, so each is fetched.
    const server = http.createServer((req, res) => {
      const n = Number(/\/p\/(\d+)/.exec(req.url ?? '')?.[1] ?? -1);
      const png = pictures[n % 50];
      if (png) res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ROWS = 10_000;
    const write = (name: string, picture: (i: number) => string): string => {
      const rows = ['id,name,description,material,image,colour,category,price'];
      for (let i = 0; i < ROWS; i++) {
        const w = (k: number): string => WORDS[(i * 7 + k * 3) % WORDS.length] as string;
        rows.push(`${i},${w(0)} ${w(1)},"${w(2)} ${w(3)}, ${w(4)}",${w(5)},${picture(i)},${['red', 'navy', '#336699', 'gold'][i % 4]},${w(6)},$${(i % 200) + 0.99}`);
      }
      const csv = path.join(folder, `${name}.csv`);
      fs.writeFileSync(csv, `${rows.join('\n')}\n`);
      return csv;
    };
    const runs = [
      { mode: 'words only (no pictures)', csv: write('words', () => ''), fetch: false },
      { mode: 'a local picture per row', csv: write('local', (i) => `p${i % 50}.png`), fetch: false },
      { mode: 'a picture link per row, fetched', csv: write('links', (i) => `${base}/p/${i}.png`), fetch: true },
    ];
    try {
      for (const run of runs) {
        const engine = Engine.open({
          databaseFile: path.join(dir, `catalog-import-${imports.length}.db`),
          env: {
            SEMBLANCE_MODELS_DIR: path.join(dir, 'models'),
            SEMBLANCE_OFFLINE: '1',
            SEMBLANCE_MODEL_CLIP: path.join(models, 'tiny-clip'),
            SEMBLANCE_MODEL_VISUAL: path.join(models, 'tiny-visual'),
            SEMBLANCE_MODEL_TEXT: path.join(models, 'tiny-text'),
          },
        });
        try {
          const start = performance.now();
          const summary = await engine.importCatalog({ file: run.csv, fetchImages: run.fetch });
          const seconds = (performance.now() - start) / 1000;
          const result = { mode: run.mode, rows: summary.rows, seconds, rowsPerSecond: summary.rows / seconds, problems: summary.problems.length };
          imports.push(result);
          const ratio = imports[0] ? ` (${(result.rowsPerSecond / imports[0].rowsPerSecond).toFixed(2)}x the words-only rate)` : '';
          log(`  import of ${summary.rows} rows, ${run.mode}, test models: ${seconds.toFixed(1)} s = ${result.rowsPerSecond.toFixed(0)} rows/s${ratio}; ${result.problems} problems`);
        } finally {
          await engine.close();
        }
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const substitutes: CatalogBenchResult['substitutes'] = [];
  for (const products of options.sizes) {
    const engine = Engine.open({ databaseFile: path.join(dir, `substitutes-${products}.db`), env: { SEMBLANCE_OFFLINE: '1', SEMBLANCE_MODELS_DIR: path.join(dir, 'models') } });
    try {
      const dims = { text: 768, clip: 512, visual: 512, colour: 245 } as const;
      for (const [space, d] of Object.entries(dims)) engine.store.setSpaceModel(space as keyof typeof dims, `bench/${space}`, d);
      let seed = 1;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed / 4294967296 - 0.5;
      };
      const centres = Object.fromEntries(Object.entries(dims).map(([s, d]) => [s, Array.from({ length: 100 }, () => Float32Array.from({ length: d }, random))]));
      for (let start = 0; start < products; start += 1000) {
        const writes: ItemWrite[] = [];
        for (let i = start; i < Math.min(products, start + 1000); i++) {
          const vectors = Object.fromEntries(
            Object.entries(dims).map(([s, d]) => {
              const centre = (centres[s] as Float32Array[])[(i * 31) % 100] as Float32Array;
              return [s, Float32Array.from({ length: d }, (_, j) => (centre[j] as number) + 0.7 * random())];
            }),
          );
          writes.push({
            item: { kind: 'product', catalogKey: `bench:${i}`, title: `product ${i}`, attributes: { category: WORDS[i % WORDS.length], price: i % 200 } },
            vectors,
          });
        }
        engine.store.writeItems(writes);
      }
      await engine.substitutes({ product: 'bench:1', preset: 'balanced' }); // loads the index
      const times: number[] = [];
      const whereTimes: number[] = [];
      for (let q = 0; q < 20; q++) {
        const product = `bench:${(q * 977) % products}`;
        let t = performance.now();
        await engine.substitutes({ product, preset: (['balanced', 'same-function', 'same-look', 'product-not-scene'] as const)[q % 4] });
        times.push(performance.now() - t);
        t = performance.now();
        await engine.substitutes({ product, preset: 'balanced', where: 'category = toaster and price <= 50' });
        whereTimes.push(performance.now() - t);
      }
      const row = { products, p50: percentile(times, 50), p95: percentile(times, 95), wherep50: percentile(whereTimes, 50) };
      substitutes.push(row);
      log(
        `  substitutes among ${products} products (4 spaces, real dimensions): p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms; ` +
          `with "category = toaster and price <= 50": p50 ${row.wherep50.toFixed(1)} ms`,
      );
    } finally {
      await engine.close();
    }
  }
  return { imports, substitutes };
}
