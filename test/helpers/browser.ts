import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiResult } from '../../preload/contract.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CHROMIUM = process.env.SEMBLANCE_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumMissing = fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium)`;
export const RESULTS_DIR = path.join(REPO, 'test-results');

export interface Served {
  url: string;
  port: number;
  child: ChildProcess;
  stop: () => Promise<number | null>;
  /** Calls the served API as the page does (with the run's token); throws the error's message. */
  api: <T>(method: string, body: unknown) => Promise<T>;
  /** The same call, its whole answer and HTTP status (to check an error's code). */
  call: (method: string, body: unknown) => Promise<{ status: number; result: ApiResult<unknown> }>;
  token: string;
}

/** `semblance serve` as a user runs it, on a free port; resolves with the URL it printed. */
export async function serve(
  t: { after(fn: () => unknown): void },
  args: { db?: string; env: NodeJS.ProcessEnv; port?: number; /** More of serve's options (--store …). */ options?: string[] },
): Promise<Served> {
  const portArgs = args.port === undefined ? [] : ['--port', String(args.port)];
  const dbArgs = args.db === undefined ? [] : ['--db', args.db];
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'semblance.js'), ...dbArgs, '--json', 'serve', ...portArgs, ...(args.options ?? [])], {
    env: { ...process.env, ...args.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = (): Promise<number | null> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  t.after(stop);
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
    child.once('exit', (code) => reject(new Error(`semblance serve exited with ${code}: ${stderr}`)));
  });
  const { url, port } = JSON.parse(first) as { url: string; port: number };
  const token = new URL(url).hash.replace('#token=', '');
  const call = async (method: string, body: unknown): Promise<{ status: number; result: ApiResult<unknown> }> => {
    const response = await fetch(`http://127.0.0.1:${port}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, result: (await response.json()) as ApiResult<unknown> };
  };
  const api = async <T>(method: string, body: unknown): Promise<T> => {
    const { result } = await call(method, body);
    if (!result.ok) throw new Error(result.error.message);
    return result.value as T;
  };
  return { url, port, child, stop, api, call, token };
}

export async function launchChromium(t: { after(fn: () => unknown): void }): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  t.after(() => browser.close());
  return browser;
}

/** Saves a screenshot under test-results/ (a CI artifact) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Chromium on the served app, as a user opens it: a page of this size with the app loaded,
 * and the page's uncaught errors collected (a test ends by asserting there were none).
 */
export async function openApp(
  t: { after(fn: () => unknown): void },
  served: Served,
  viewport: { width: number; height: number } = { width: 1440, height: 900 },
): Promise<{ page: Page; pageErrors: string[] }> {
  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(served.url);
  return { page, pageErrors };
}
