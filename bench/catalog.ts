/**
 * Products: import + embed throughput of a generated 10k-row catalog with the models built
 * from code (npm run models:test), and substitutes latency at 10k and 100k products with
 * the real models' dimensions (text 768, clip 512, visual 512, colour 245; random vectors,
 * since substitutes only compare stored vectors).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Engine } from '../main/engine/engine.js';
import type { ItemWrite } from '../main/engine/store/store.js';
import { percentile } from './stats.js';

export interface CatalogBenchResult {
  import: { rows: number; seconds: number; rowsPerSecond: number; withImages: number } | null;
  substitutes: { products: number; p50: number; p95: number; wherep50: number }[];
}

const WORDS = ['toaster', 'kettle', 'pants', 'jeans', 'ball', 'basketball', 'red', 'blue', 'steel', 'cotton', 'slim', 'classic', 'bread', 'food'];

export async function benchCatalog(options: { dir: string; repo: string; log: (line: string) => void; sizes: number[] }): Promise<CatalogBenchResult> {
  const { dir, log } = options;
  const models = path.join(options.repo, 'test', 'fixtures', 'models');
  let importResult: CatalogBenchResult['import'] = null;
  if (fs.existsSync(path.join(models, 'tiny-text'))) {
    const folder = path.join(dir, 'catalog');
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 50; i++) {
      await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: (i * 47) % 256, g: (i * 89) % 256, b: (i * 13) % 256 } } })
        .png()
        .toFile(path.join(folder, `p${i}.png`));
    }
    const rows = ['id,name,description,material,image,colour,category,price'];
    for (let i = 0; i < 10_000; i++) {
      const w = (k: number): string => WORDS[(i * 7 + k * 3) % WORDS.length] as string;
      rows.push(`${i},${w(0)} ${w(1)},"${w(2)} ${w(3)}, ${w(4)}",${w(5)},${i % 2 === 0 ? `p${i % 50}.png` : ''},${['red', 'navy', '#336699', 'gold'][i % 4]},${w(6)},${(i % 200) + 0.99}`);
    }
    const csv = path.join(folder, 'generated.csv');
    fs.writeFileSync(csv, `${rows.join('\n')}\n`);
    const engine = Engine.open({
      databaseFile: path.join(dir, 'catalog-import.db'),
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
      const summary = await engine.importCatalog({ file: csv });
      const seconds = (performance.now() - start) / 1000;
      importResult = { rows: summary.rows, seconds, rowsPerSecond: summary.rows / seconds, withImages: 5000 };
      log(`  import of ${summary.rows} rows (half with images) with the test models: ${seconds.toFixed(1)} s = ${importResult.rowsPerSecond.toFixed(0)} rows/s`);
    } finally {
      await engine.close();
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
  return { import: importResult, substitutes };
}
