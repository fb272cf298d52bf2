import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { RENDERER_DIR } from '../main/app/renderer-dir.js';
import { Session } from '../main/app/session.js';
import { startServer } from '../main/server/http-server.js';
import { clusterMap } from '../main/engine/map/clusters.js';
import { seeded } from '../main/engine/map/umap-worker.js';
import { percentile } from './stats.js';

export interface MapUiBenchResult {
  items: number;
  /** From the click on "Map of the library" until the map says how many items it shows. */
  openMs: number;
  /** Frame times (requestAnimationFrame intervals) while the map is dragged, and while zoomed by the wheel. */
  panFrames: { p50: number; p95: number; max: number; frames: number; drawn: number };
  zoomFrames: { p50: number; p95: number; max: number; frames: number; drawn: number };
}

const CHROMIUM = process.env.SEMBLANCE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The map view with `items` points in Debian's Chromium (headless, software WebGL: no GPU here):
 * a library of products with clip vectors and a layout of clustered points written straight to
 * the store (the layout's own time is `benchMap`'s), then frame times while panning and zooming.
 */
export async function benchMapUi(options: { dir: string; items: number; log: (line: string) => void }): Promise<MapUiBenchResult | null> {
  const { dir, items, log } = options;
  if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    log(`  skipped: needs ${CHROMIUM} and the built UI (npm run build)`);
    return null;
  }
  const session = Session.open({ databaseFile: path.join(dir, 'map-ui', 'library.db'), watch: false });
  const { store } = session.engine;
  store.setSpaceModel('clip', 'bench-clip@fp32', 8);
  const random = seeded(3);
  // Thirty groups of products, each with a word of its own in its titles (what names its cluster).
  const groupOf = Array.from({ length: items }, () => Math.floor(random() * 30));
  const words = 'amber birch cedar dune ember fjord grove harbour iris jade kelp lagoon meadow nectar orchid pebble quartz reef sage thistle umber violet willow xenon yarrow zinnia aurora basalt coral delta'.split(' ');
  const ids: number[] = [];
  for (let start = 0; start < items; start += 10_000) {
    const count = Math.min(10_000, items - start);
    ids.push(
      ...store.writeItems(
        Array.from({ length: count }, (_, i) => {
          const vector = Array.from({ length: 8 }, () => random() - 0.5);
          const norm = Math.hypot(...vector);
          const title = `${words[groupOf[start + i] as number] as string} lamp ${start + i}`;
          return { item: { kind: 'product' as const, catalogKey: `bench:${start + i}`, title, attributes: {} }, vectors: { clip: vector.map((v) => v / norm) } };
        }),
      ),
    );
  }
  const model = store.spaceModel('clip');
  const points = ids.map((itemId, i) => {
    const cluster = groupOf[i] as number;
    const [cx, cy] = [Math.cos(cluster * 2.4) * (cluster + 3), Math.sin(cluster * 2.4) * (cluster + 3)];
    return { itemId, x: cx + (random() - 0.5) * 3, y: cy + (random() - 0.5) * 3, placed: false, region: -1, leaf: -1 };
  });
  // Its clusters too, so their names are drawn while the map moves, as in the app.
  const found = clusterMap(Float32Array.from(points.flatMap((p) => [p.x, p.y])));
  points.forEach((p, i) => Object.assign(p, { region: found.region[i], leaf: found.leaf[i] }));
  store.saveMapLayout(
    {
      name: 'clip',
      weights: { clip: 1 },
      models: { clip: { model: model?.modelId ?? '', generation: model?.generation ?? 0 } },
      logSeq: store.vectorLog().head,
      computedAt: Date.now(),
      sampled: items,
      seconds: 0,
      mean: new Float32Array(8),
      clusteredAt: Date.now(),
    },
    points,
    found.clusters.map((c) => ({ cluster: c.id, level: c.level, parent: c.parent, size: c.size, x: c.x, y: c.y, radius: c.radius, label: null, confidence: null, words: [] })),
  );
  const server = await startServer({ library: session, staticDir: RENDERER_DIR });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('result-count').filter({ hasText: `${items.toLocaleString('en-US')} items` }).waitFor({ timeout: 60_000 });
    const clicked = performance.now();
    await page.getByRole('button', { name: 'Map of the library' }).click();
    await page.getByTestId('map-count').filter({ hasText: `${items.toLocaleString('en-US')} items` }).waitFor({ timeout: 120_000 });
    const openMs = performance.now() - clicked;
    const box = (await page.getByRole('application').boundingBox()) as { x: number; y: number; width: number; height: number };
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    // Frames recorded in the page while the pointer moves (strings: the bench compiles without DOM types).
    const record = `(() => { window.__frames = []; window.__recording = true; let last = performance.now();
      const tick = () => { const now = performance.now(); window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
      requestAnimationFrame(tick); })()`;
    const stop = `(() => { window.__recording = false; return window.__frames; })()`;
    const measure = async (move: () => Promise<void>): Promise<MapUiBenchResult['panFrames']> => {
      await page.evaluate(record);
      await move();
      // The points the map drew in its last frame while moving (it draws fewer while frames run late).
      const drawn = Number(await page.getByTestId('map-canvas').getAttribute('data-drawn'));
      const frames = ((await page.evaluate(stop)) as number[]).slice(3);
      return { p50: percentile(frames, 50), p95: percentile(frames, 95), max: Math.max(...frames), frames: frames.length, drawn };
    };
    await page.mouse.move(cx, cy);
    const panFrames = await measure(async () => {
      await page.mouse.down();
      for (let i = 0; i < 150; i++) await page.mouse.move(cx + 200 * Math.sin(i / 12), cy + 120 * Math.cos(i / 15));
      await page.mouse.up();
    });
    const zoomFrames = await measure(async () => {
      for (let i = 0; i < 60; i++) await page.mouse.wheel(0, i < 30 ? -60 : 60);
    });
    return { items, openMs, panFrames, zoomFrames };
  } finally {
    await browser.close();
    await server.close();
    await session.close();
  }
}
