import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';

type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

/**
 * axe-core's checks over the page as it is now, as "impact rule: what, where" lines (empty
 * when it passes). By default every WCAG 2 A and AA rule, whatever its impact; `impacts`
 * keeps only those, and `bestPractice` adds axe's best-practice rules (landmarks, one h1).
 * axe runs through the debugging protocol, so the app's strict CSP stays as users get it.
 */
export async function accessibilityViolations(page: Page, options: { impacts?: Impact[]; bestPractice?: boolean } = {}): Promise<string[]> {
  const source = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', ...(options.bestPractice ? ['best-practice'] : [])];
  const violations = await page.evaluate(async (values) => {
    type Result = { violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values } });
    return result.violations.map((v) => ({ impact: v.impact, line: `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})` }));
  }, tags);
  return violations.filter((v) => !options.impacts || options.impacts.includes(v.impact as Impact)).map((v) => v.line);
}

/**
 * The contrast ratio (WCAG 2) of an element's text against what is behind it, as the browser
 * computes both now: under the pointer or with the focus, states axe does not look at.
 * Transparent backgrounds are looked through to the first ancestor that paints one.
 */
export function textContrast(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const parse = (css: string): [number, number, number, number] => {
      const rgb = /rgba?\(([^)]+)\)/.exec(css);
      if (rgb) {
        const [r, g, b, a] = (rgb[1] as string).split(/[\s,/]+/).filter(Boolean).map(Number);
        return [r as number, g as number, b as number, a ?? 1];
      }
      const srgb = /color\(srgb ([^)]+)\)/.exec(css);
      if (srgb) {
        const [r, g, b, a] = (srgb[1] as string).split(/[\s/]+/).filter(Boolean).map(Number);
        return [(r as number) * 255, (g as number) * 255, (b as number) * 255, a ?? 1];
      }
      throw new Error(`a colour the test cannot read: ${css}`);
    };
    const over = (top: number[], bottom: number[]): [number, number, number, number] => {
      const a = top[3] as number;
      return [0, 1, 2].map((i) => (top[i] as number) * a + (bottom[i] as number) * (1 - a)).concat(1) as [number, number, number, number];
    };
    // Backgrounds from the page down to the element, each painted over the one below it.
    const layers: number[][] = [];
    for (let node: Element | null = element; node; node = node.parentElement) layers.unshift(parse(getComputedStyle(node).backgroundColor));
    let background: number[] = [255, 255, 255, 1];
    for (const layer of layers) background = over(layer, background);
    const text = over(parse(getComputedStyle(element).color), background);
    const luminance = (c: number[]): number => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [high, low] = [luminance(text), luminance(background)].sort((x, y) => y - x) as [number, number];
    return (high + 0.05) / (low + 0.05);
  });
}

/** Text contrast with the pointer over the element (and the pointer moved away after). */
export async function hoverContrast(page: Page, locator: Locator): Promise<number> {
  await locator.hover();
  // Past any transition of the hover colours.
  await page.waitForTimeout(250);
  const ratio = await textContrast(locator);
  await page.mouse.move(0, 0);
  return ratio;
}

/** What has the keyboard's focus, in words ("BUTTON Add folder…"); "BODY" when it was lost. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'BODY';
    const name = element.getAttribute('aria-label') ?? (element as HTMLElement).innerText?.trim().slice(0, 40) ?? '';
    return `${element.tagName}${element.getAttribute('role') ? `[${element.getAttribute('role')}]` : ''} ${name}`.trim();
  });
}
