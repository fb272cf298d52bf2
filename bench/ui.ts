import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { RENDERER_DIR } from '../main/app/renderer-dir.js';
import { Session } from '../main/app/session.js';
import { startServer } from '../main/server/http-server.js';
import { percentile } from './stats.js';

export interface UiBenchResult {
  items: number;
  /** From navigation until the grid says how many items there are. */
  firstGridMs: number;
  /** Frame times while scrolling 900 px per frame. */
  scrollFrames: { p50: number; p95: number; max: number; frames: number };
  /** Grid cells in the page while scrolling: bounded by the viewport, not by the library. */
  cellsInPage: number;
  /** From jumping to the end until the last rows have their items. */
  jumpToEndMs: number;
  /** From a click on a month in the timeline until that month's first item is in the grid, selected. */
  monthJump: { p50: number; max: number; months: number; jumps: number };
}

const CHROMIUM = process.env.SEMBLANCE_CHROMIUM ?? '/usr/bin/chromium';
const TEN_YEARS = 10 * 365.25 * 24 * 3600 * 1000;
const TEN_YEARS_AGO = Date.now() - TEN_YEARS;

/** The UI with a library of `items` products (titles only, so the grid alone is measured) in Debian's Chromium. */
export async function benchUi(options: { dir: string; items: number; log: (line: string) => void }): Promise<UiBenchResult | null> {
  const { dir, items, log } = options;
  if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    log(`  skipped: needs ${CHROMIUM} and the built UI (npm run build)`);
    return null;
  }
  const session = Session.open({ databaseFile: path.join(dir, 'ui', 'library.db'), watch: false });
  for (let start = 0; start < items; start += 10_000) {
    const count = Math.min(10_000, items - start);
    session.engine.store.writeItems(
      // Dated over ten years, oldest first (Product 0 is the oldest): the timeline has 120 months.
      Array.from({ length: count }, (_, i) => ({
        item: { kind: 'product' as const, catalogKey: `bench:${start + i}`, title: `Product ${start + i}`, attributes: {}, takenAt: TEN_YEARS_AGO + ((start + i) * TEN_YEARS) / items },
      })),
    );
  }
  const server = await startServer({ library: session, staticDir: RENDERER_DIR });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const started = performance.now();
    await page.goto(server.url);
    await page.getByTestId('result-count').filter({ hasText: `${items.toLocaleString('en-US')} items` }).waitFor({ timeout: 60_000 });
    const firstGridMs = performance.now() - started;
    // Strings, not functions: this runs in the page, and the bench compiles without DOM types.
    const scroll = (await page.evaluate(`(async () => {
      const grid = document.querySelector('[role="grid"]');
      const frames = [];
      let cells = 0;
      let last = performance.now();
      for (let i = 0; i < 300; i++) {
        grid.scrollTop += 900;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        cells = Math.max(cells, document.querySelectorAll('[role="gridcell"]').length);
      }
      return { frames, cells };
    })()`)) as { frames: number[]; cells: number };
    const jumped = performance.now();
    await page.evaluate(`(() => { const grid = document.querySelector('[role="grid"]'); grid.scrollTop = grid.scrollHeight; })()`);
    // Polled from here: the page's CSP (rightly) refuses the eval a string predicate needs.
    const lastRowsLoaded = `(() => {
      const cells = [...document.querySelectorAll('[role="gridcell"]')];
      return cells.some((c) => c.getAttribute('aria-label') === 'Product 0') && cells.every((c) => c.getAttribute('aria-label') !== 'loading');
    })()`; // newest first: the oldest, Product 0, is last
    while (!(await page.evaluate(lastRowsLoaded))) {
      if (performance.now() - jumped > 30_000) throw new Error('The last rows did not arrive within 30 s.');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const jumpToEndMs = performance.now() - jumped;

    // The timeline: a click on a month brings that month's first item into the grid, selected.
    const monthButtons = page.getByRole('navigation', { name: 'Timeline' }).locator('button.month');
    const months = await monthButtons.count();
    const selectedLoaded = `(() => {
      const cell = document.querySelector('[role="gridcell"].selected');
      return cell !== null && cell.getAttribute('aria-label') !== 'loading';
    })()`;
    const jumps: number[] = [];
    for (const at of [0.1, 0.3, 0.5, 0.7, 0.9, 0.2, 0.6, 0.8]) {
      const button = monthButtons.nth(Math.floor(at * (months - 1)));
      await button.scrollIntoViewIfNeeded();
      const clicked = performance.now();
      await button.click();
      while (!(await page.evaluate(selectedLoaded))) {
        if (performance.now() - clicked > 30_000) throw new Error('A month did not arrive within 30 s.');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      jumps.push(performance.now() - clicked);
    }
    const frames = scroll.frames.slice(5); // the first frames include the page settling
    return {
      items,
      firstGridMs,
      scrollFrames: { p50: percentile(frames, 50), p95: percentile(frames, 95), max: Math.max(...frames), frames: frames.length },
      cellsInPage: scroll.cells,
      jumpToEndMs,
      monthJump: { p50: percentile(jumps, 50), max: Math.max(...jumps), months, jumps: jumps.length },
    };
  } finally {
    await browser.close();
    await server.close();
    await session.close();
  }
}
