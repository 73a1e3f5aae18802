import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import { AxeBuilder } from '@axe-core/playwright';
import axe, { type Result } from 'axe-core';
import { chromium as playwright, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

/**
 * The console's browser tests and bench: the npm-shipped headless Chromium
 * (@sparticuz/chromium, no download) driven by playwright-core, and axe-core.
 * One browser a file (beforeAll/afterAll), one context a test.
 */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where screenshots land: reports/console/<page>-<width>.png. */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'reports', 'console');

export const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 375, height: 812 },
} as const;
export type Device = keyof typeof VIEWPORTS;

/**
 * Launches headless Chromium (the first call unpacks it to /tmp/chromium,
 * ~4 s) with @sparticuz/chromium's arguments but `--single-process`: that one
 * is for Lambda, and with it closing a context brought the whole browser down
 * here (the next newPage failed with "Target page, context or browser has
 * been closed").
 */
export async function launchBrowser(): Promise<Browser> {
  const args = chromium.args.filter((arg) => arg !== '--single-process');
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/**
 * A fresh context (its own storage) at a desktop (1440x900) or phone (375x812)
 * viewport. Locale and time zone are fixed: the sandbox's default locale may be
 * `en-US@posix`, and dates on screen should not depend on the machine.
 */
export async function newContext(browser: Browser, device: Device): Promise<BrowserContext> {
  return browser.newContext({
    viewport: VIEWPORTS[device],
    locale: 'en-US',
    timezoneId: 'UTC',
    ...(device === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 1 } : {}),
  });
}

/** Saves the viewport as reports/console/<name>-<width>.png and returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const width = page.viewportSize()?.width ?? 0;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * axe-core's violations of impact serious or critical on the page as it
 * stands (every rule axe-core runs by default).
 *
 * axe-core is evaluated into a document once, not at every check: the
 * console's pages are hash routes of one document, and evaluating axe's
 * 500 KB again for each of them (AxeBuilder's default) took a second or two a
 * page on this machine. Legacy mode runs axe in the page itself; the default
 * opens a blank page for every check to merge the results of cross-origin
 * frames, which the console does not have.
 */
export async function seriousViolations(page: Page): Promise<Result[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axe.source);
  const results = await new AxeBuilder({ page, axeSource: '/* axe-core is already in the page */' })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** One line a violation and a line a node: rule id, impact, help, then each target. */
export function describeViolations(violations: readonly Result[]): string {
  return violations
    .map((violation) =>
      [
        `${violation.id} (${violation.impact}): ${violation.help}`,
        ...violation.nodes.map((node) => `  at ${node.target.map(String).join(' > ')}${node.failureSummary ? `: ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
      ].join('\n'),
    )
    .join('\n');
}

/** The requests each watched page has in flight (see `watchPages`). */
const inFlight = new WeakMap<Page, Set<Request>>();

/**
 * Watches every page of a context: returns the list its uncaught errors and
 * console.error lines go to, so a test can assert the console threw nothing
 * while it drove it, and keeps count of each page's requests in flight for
 * `settled`. Chromium's own "Failed to load resource" line for every 4xx
 * answer is left out: the console shows those errors to the operator, as it
 * should.
 */
export function watchPages(context: BrowserContext): string[] {
  const errors: string[] = [];
  const watch = (page: Page) => {
    const requests = new Set<Request>();
    inFlight.set(page, requests);
    page.on('request', (request) => requests.add(request));
    page.on('requestfinished', (request) => requests.delete(request));
    page.on('requestfailed', (request) => requests.delete(request));
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console.error: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}

/**
 * Waits until the page has finished loading what it shows: no request in
 * flight (pages of a context passed to `watchPages`), nothing marked
 * aria-busy, no "Loading ..." paragraph, and the status board's state read.
 * The console's pages are hash routes of one document, so the browser's own
 * load states say nothing about them.
 */
export async function settled(page: Page, timeoutMs = 30_000): Promise<void> {
  const requests = inFlight.get(page) ?? new Set<Request>();
  const pending = () => [...requests].map((request) => `${request.method()} ${request.url()}`);
  // What still keeps the page from being settled: '' once nothing does.
  const blocker = async () => {
    if (requests.size > 0) return `requests in flight: ${pending().join(', ')}`;
    const onPage = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      if (doc.querySelector('[aria-busy="true"]')) return 'an element is aria-busy';
      const texts: string[] = Array.from(doc.querySelectorAll('main p, main span') as ArrayLike<{ textContent: string | null }>, (el) => (el.textContent ?? '').trim());
      const loading = texts.find((text) => /^Loading\b/.test(text));
      if (loading) return `the page says "${loading}"`;
      const state = doc.querySelector('[data-testid="system-state"]');
      return state && state.textContent.trim() === 'loading' ? 'the system state is not read yet' : '';
    });
    return onPage || (requests.size > 0 ? `requests in flight: ${pending().join(', ')}` : '');
  };
  await eventually(blocker, (reason) => reason === '', { timeoutMs, intervalMs: 50, what: `${page.url()} to settle` });
}

/**
 * Calls `read` until `accept` holds on its value (or it stops throwing), then
 * returns the value; after `timeoutMs` throws with the last value seen.
 */
export async function eventually<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean = () => true,
  { timeoutMs = 10_000, intervalMs = 100, what = 'the condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: { value?: T; error?: unknown } = {};
  for (;;) {
    try {
      const value = await read();
      if (accept(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen = 'error' in last ? `threw ${(last.error as Error)?.message ?? String(last.error)}` : `last value ${JSON.stringify(last.value)}`;
      throw new Error(`${what} did not hold within ${timeoutMs} ms (${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
