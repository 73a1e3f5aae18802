import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { buildConsole } from '../../console/build';
import { launchBrowser, newContext } from '#tests/helpers/browser';
import { LocalServer } from '#tests/helpers/local-server';

/**
 * The console (issue 11) in numbers: what its JavaScript weighs gzipped, and
 * how long the status board takes to show its channel health list with 10 and
 * with 1,000 channels, in headless Chromium against `npm start`.
 */

/** The budget for the console's JavaScript, gzipped. */
export const JS_BUDGET_BYTES = 150 * 1024;
/** The status board's list of channels and their health, as the page marks it. */
export const CHANNEL_HEALTH_LIST = 'section[aria-labelledby="health-heading"] ul.health-list';

export interface ConsoleFileSize {
  path: string;
  contentType: string;
  bytes: number;
  gzipBytes: number;
}

export interface ConsoleSizes {
  files: ConsoleFileSize[];
  /** Every JavaScript file together. */
  js: { bytes: number; gzipBytes: number; underBudget: boolean; budgetBytes: number };
}

export interface RenderMeasure {
  channels: number;
  /** Navigation start to the channel health list visible, each load (a fresh context each: nothing cached). */
  loadsMs: number[];
  medianMs: number;
  /** Rows the list showed at the first load. */
  rowsShown: number;
  /** The two reads the board waits on, timed alone from Node (median of `loads`): how much of the time is the API's. */
  /** Each GET alone, median: the board's first health page (limit=50), every channel in one answer, the dashboard. */
  apiMs: { monitorChannelsFirstPage: number; monitorChannels: number; dashboard: number };
}

export interface ConsoleMeasure {
  sizes: ConsoleSizes;
  render: RenderMeasure[];
}

const isJavaScript = (file: { path: string; contentType: string }) => /javascript/.test(file.contentType) || /\.m?js$/.test(file.path);

/** The median of a list of numbers (the mean of the middle two when even); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Raw and gzipped sizes of each file, and the JavaScript's total against the budget. */
export function sizeFiles(files: readonly { path: string; contentType: string; body: Uint8Array }[], budgetBytes = JS_BUDGET_BYTES): ConsoleSizes {
  const sized = files.map((file) => ({ path: file.path, contentType: file.contentType, bytes: file.body.byteLength, gzipBytes: gzipSync(file.body).byteLength }));
  const js = sized.filter(isJavaScript);
  const bytes = js.reduce((sum, file) => sum + file.bytes, 0);
  const gzipBytes = js.reduce((sum, file) => sum + file.gzipBytes, 0);
  return { files: sized, js: { bytes, gzipBytes, underBudget: gzipBytes < budgetBytes, budgetBytes } };
}

/** The console as shipped (minified) and its sizes. */
export async function measureConsoleSizes(): Promise<ConsoleSizes> {
  const { files } = await buildConsole({ minify: true });
  return sizeFiles(files);
}

/** A channel definition for PUT /channels/{id}: spread over a few zones and statuses. */
export function benchChannel(index: number) {
  const zones = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC'];
  return {
    name: `Bench channel ${String(index).padStart(4, '0')}`,
    status: index % 10 === 9 ? 'paused' : 'active',
    priority: index % 10,
    publishing: { timezone: zones[index % zones.length], slots: ['09:00', '18:00'], min_gap_minutes: 60, max_per_day: 4 },
  };
}

/** Creates channels bench-<from>..bench-<to - 1> with PUTs, `parallel` at a time. */
export async function createChannels(api: LocalServer, from: number, to: number, parallel = 25): Promise<void> {
  for (let start = from; start < to; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, to - start) }, (_, k) => start + k);
    await Promise.all(
      batch.map(async (index) => {
        const id = `bench-${String(index).padStart(4, '0')}`;
        const response = await fetch(`${api.url}/channels/${id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(benchChannel(index)),
        });
        if (response.status !== 201 && response.status !== 200) throw new Error(`PUT /channels/${id}: ${response.status} ${await response.text()}`);
      }),
    );
  }
}

/**
 * Opens the status board in a fresh context and returns the time from
 * navigation start to the channel health list being visible with at least
 * one row, read on the page's own clock (performance.now(), checked every
 * animation frame), and the rows it shows.
 */
export async function timeStatusBoard(browser: Browser, consoleUrl: string): Promise<{ ms: number; rows: number }> {
  const context = await newContext(browser, 'desktop');
  try {
    const page = await context.newPage();
    await page.goto(`${consoleUrl}#/`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      (selector) => {
        const doc = (globalThis as any).document;
        const list = doc.querySelector(selector);
        if (!list) return false;
        const box = list.getBoundingClientRect();
        const rows = list.querySelectorAll('li, tr, [role="row"]').length;
        if (box.width === 0 || box.height === 0 || rows === 0) return false;
        return { ms: (globalThis as any).performance.now() as number, rows };
      },
      CHANNEL_HEALTH_LIST,
      { polling: 'raf', timeout: 60_000 },
    );
    return (await handle.jsonValue()) as { ms: number; rows: number };
  } finally {
    await context.close();
  }
}

/** Median wall time of `runs` GETs of `route` (relative to the API's base). */
async function timeGet(api: LocalServer, route: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const response = await fetch(`${api.url}${route}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${route}: ${response.status}`);
    times.push(performance.now() - started);
  }
  return Math.round(median(times));
}

/** The sizes, then the status board's render time at each channel count (median of `loads`). */
export async function measureConsole({ channelCounts = [10, 1000], loads = 3, log = (_line: string) => {} } = {}): Promise<ConsoleMeasure> {
  const sizes = await measureConsoleSizes();
  const api = await LocalServer.start({ startTimeoutMs: 60_000 });
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await api.stop();
    throw error;
  });
  const render: RenderMeasure[] = [];
  try {
    const consoleUrl = `${new URL(api.url).origin}/`;
    // The server builds the console on its first request for it: built before the first load is timed.
    await fetch(`${consoleUrl}assets/app.js`).then((response) => response.arrayBuffer());
    let created = 0;
    for (const channels of [...channelCounts].sort((a, b) => a - b)) {
      const started = Date.now();
      await createChannels(api, created, channels);
      created = channels;
      log(`${channels} channels created in ${Date.now() - started} ms`);
      const runs: { ms: number; rows: number }[] = [];
      for (let load = 0; load < loads; load += 1) runs.push(await timeStatusBoard(browser, consoleUrl));
      const apiMs = {
        monitorChannelsFirstPage: await timeGet(api, '/monitor-channels?limit=50', loads),
        monitorChannels: await timeGet(api, '/monitor-channels', loads),
        dashboard: await timeGet(api, '/dashboard', loads),
      };
      render.push({ channels, loadsMs: runs.map((run) => Math.round(run.ms)), medianMs: Math.round(median(runs.map((run) => run.ms))), rowsShown: runs[0]?.rows ?? 0, apiMs });
    }
  } finally {
    await browser.close().catch(() => {});
    await api.stop();
  }
  return { sizes, render };
}
