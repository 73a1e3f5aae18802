import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectPageErrors, describeViolations, eventually, launchBrowser, newContext, screenshot, seriousViolations, type Device } from '#tests/helpers/browser';
import { LocalServer } from '#tests/helpers/local-server';

/**
 * The console (issue 11) in real headless Chromium against `npm start`: one
 * server and one browser for the file, a context a test. The operator's
 * scenarios run in order, each from the state the one before left: start,
 * a channel through the form, a wave previewed and booked, pause and held
 * work, resume, the activity log. Then every page at both widths (screenshot,
 * axe-core), the keyboard, and a second server that requires a token.
 */
let api: LocalServer;
let browser: Browser;
let origin: string;
const contexts: BrowserContext[] = [];

const CHANNELS = [
  { id: 'cooking-fr', name: 'Cooking FR', timezone: 'Europe/Paris', priority: 7 },
  { id: 'tech-daily', name: 'Tech Daily', timezone: 'America/New_York', priority: 5 },
] as const;
const VIDEOS = ['vid-001', 'vid-002', 'vid-003'] as const;
const NEW_CHANNEL = { id: 'news-de', name: 'News DE', timezone: 'Europe/Berlin' };

/** Every page of the console: its hash route, its h1, and the name of its screenshot. */
const PAGES = [
  { name: 'status', route: '#/', h1: 'Status board' },
  { name: 'channels', route: '#/channels', h1: 'Channels' },
  { name: 'channel-new', route: '#/channels/new', h1: 'New channel' },
  { name: 'channel', route: `#/channels/${CHANNELS[0].id}`, h1: CHANNELS[0].name },
  { name: 'channel-edit', route: `#/channels/${CHANNELS[0].id}/edit`, h1: 'Edit channel' },
  { name: 'timeline', route: '#/timeline', h1: 'Timeline' },
  { name: 'coordinate', route: '#/coordinate', h1: 'Coordinate a video' },
  { name: 'wave', route: '#/wave', h1: 'Schedule a wave' },
  { name: 'publications', route: '#/publications', h1: 'Publications' },
  { name: 'runs', route: '#/runs', h1: 'Pipeline runs' },
  { name: 'activity', route: '#/activity', h1: 'Activity' },
] as const;
const NAV_LINKS = ['Status', 'Channels', 'Timeline', 'Coordinate', 'Wave', 'Publications', 'Pipeline runs', 'Activity'] as const;

/** A page in a fresh context (tracked, closed in afterAll even when a test fails), and the errors it throws. */
async function openPage(device: Device = 'desktop'): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, device);
  contexts.push(context);
  const errors = collectPageErrors(context);
  const page = await context.newPage();
  return { page, errors };
}

/** Goes to a hash route of the console and waits for its page's h1. */
async function visit(page: Page, route: string, h1: string): Promise<void> {
  await page.goto(`${origin}/${route}`);
  await heading(page, h1);
}

async function heading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

/** Waits for the text of `[data-testid=system-state]` to match. */
async function systemState(page: Page, state: RegExp): Promise<string> {
  return eventually(() => page.getByTestId('system-state').innerText(), (text) => state.test(text), { what: `system state ${state}` });
}

/** The API's view, to check what the console did. */
const status = async () => (await api.request('GET', '/status')).body as { status: string; held_publications: number };

beforeAll(async () => {
  [api, browser] = await Promise.all([LocalServer.start({ startTimeoutMs: 60_000 }), launchBrowser()]);
  origin = new URL(api.url).origin;
  for (const channel of CHANNELS) {
    const put = await api.request('PUT', `/channels/${channel.id}`, {
      body: { name: channel.name, priority: channel.priority, publishing: { timezone: channel.timezone, slots: ['09:00', '18:00'], min_gap_minutes: 0 } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
  }
  for (const id of VIDEOS) {
    const post = await api.request('POST', '/videos', { body: { video_id: id, title: `Video ${id}`, tags: ['demo'], language: 'en', duration_seconds: 300 } });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
  }
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((context) => context.close()));
  await browser?.close().catch(() => {});
  await api?.stop();
});

describe('Console: an operator drives the system in the browser', () => {
  it('starts the system with the Start button and sees the state change', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/', 'Status board');
    await systemState(page, /stopped/i);

    await page.getByRole('button', { name: 'Start', exact: true }).click();

    await systemState(page, /running/i);
    expect((await status()).status).toBe('running');
    expect(errors).toEqual([]);
  });

  it('creates a channel through the form, after showing the error of a bad time zone', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/channels/new', 'New channel');
    await page.getByLabel('Channel ID', { exact: true }).fill(NEW_CHANNEL.id);
    await page.getByLabel('Name', { exact: true }).fill(NEW_CHANNEL.name);
    const timeZone = page.getByLabel('Time zone', { exact: true });
    await timeZone.fill('Mars/Olympus_Mons');

    await page.getByRole('button', { name: 'Save channel' }).click();

    // The field is marked invalid and the error reads `code: message`.
    await page.locator('[aria-invalid="true"]').first().waitFor();
    expect(await timeZone.getAttribute('aria-invalid')).toBe('true');
    const alert = page.getByRole('alert').filter({ hasText: /\S/ }).first();
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/^[a-z_]+: .*time ?zone/im);
    expect((await api.request('GET', `/channels/${NEW_CHANNEL.id}`)).status).toBe(404);

    await timeZone.fill(NEW_CHANNEL.timezone);
    await page.getByRole('button', { name: 'Save channel' }).click();

    await heading(page, NEW_CHANNEL.name);
    expect(page.url()).toContain(`#/channels/${NEW_CHANNEL.id}`);
    const saved = await api.request('GET', `/channels/${NEW_CHANNEL.id}`);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ name: NEW_CHANNEL.name, publishing: { timezone: NEW_CHANNEL.timezone } });
    expect(errors).toEqual([]);
  });

  it('previews a wave, books it, and finds it on the timeline', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/wave', 'Schedule a wave');
    // TODO(console-app): fill the wave form once its fields are known.
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Book wave' }).click();
    await visit(page, '#/timeline', 'Timeline');
    await page.getByTestId('timeline').waitFor();
    expect(errors).toEqual([]);
  });

  it('pauses, sees the held work, and resumes', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/', 'Status board');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await systemState(page, /paused/i);
    expect((await status()).status).toBe('paused');

    // A publication due now, booked while paused: its slot fires at once and the work is held.
    const booked = await api.request('POST', '/coordinate-publication', { body: { video_id: VIDEOS[2], channel_ids: [CHANNELS[1].id], timing: 'simultaneous' } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    await eventually(status, (s) => s.held_publications === 1, { what: 'one held publication', timeoutMs: 15_000 });

    await page.reload();
    const held = page.getByTestId('held-work');
    await held.getByRole('heading', { name: 'Held work' }).waitFor();
    await held.getByText(CHANNELS[1].id).first().waitFor();

    await page.getByRole('button', { name: 'Resume', exact: true }).click();

    await systemState(page, /running/i);
    await eventually(status, (s) => s.status === 'running' && s.held_publications === 0, { what: 'held work released' });
    expect(errors).toEqual([]);
  });

  it('reads the entries of the activity log', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/activity', 'Activity');
    const entries = page.locator('main li');
    for (const action of ['system.started', 'system.paused', 'system.resumed', 'channel.created', 'wave.scheduled']) {
      await entries.filter({ hasText: action }).first().waitFor();
    }
    expect(errors).toEqual([]);
  });
});

describe('Console: every page, at 1440 and 375 wide', () => {
  for (const device of ['desktop', 'phone'] as const) {
    it(`renders every page on a ${device}, saves its screenshot, and has no serious or critical axe violations`, async () => {
      const { page, errors } = await openPage(device);
      const found: string[] = [];
      for (const { name, route, h1 } of PAGES) {
        await visit(page, route, h1);
        await page.waitForLoadState('networkidle');
        await screenshot(page, name);
        const violations = await seriousViolations(page);
        if (violations.length > 0) found.push(`${route} (${name}, ${page.viewportSize()?.width} px):\n${describeViolations(violations)}`);
      }
      expect(found, `axe-core found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});

describe('Console: the keyboard', () => {
  it('tabs through the main navigation, shows where the focus is, and follows a link with Enter', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/', 'Status board');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const seen: string[] = [];
    // Tab from the top of the page until the focus has crossed every link of the nav.
    for (let presses = 0; presses < 40 && seen.length < NAV_LINKS.length; presses += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const active = (globalThis as any).document.activeElement;
        return active?.closest('nav[aria-label="Main"]') ? (active.textContent as string).trim() : null;
      });
      if (focused && !seen.includes(focused)) seen.push(focused);
      if (focused === 'Channels') {
        // The focused link is visibly marked: an outline or a box shadow under :focus-visible.
        const style = await page.evaluate(() => {
          const active = (globalThis as any).document.activeElement;
          const computed = (globalThis as any).getComputedStyle(active);
          return { focusVisible: active.matches(':focus-visible') as boolean, outline: `${computed.outlineStyle} ${computed.outlineWidth}`, shadow: computed.boxShadow as string };
        });
        expect(style.focusVisible).toBe(true);
        expect(style.outline.startsWith('none') && style.shadow === 'none', `no visible focus style: ${JSON.stringify(style)}`).toBe(false);
        await page.keyboard.press('Enter');
        break;
      }
    }
    expect(seen.slice(0, 2)).toEqual(['Status', 'Channels']);
    await heading(page, 'Channels');
    expect(page.url()).toMatch(/#\/channels$/);
    expect(await nav.getByRole('link', { name: 'Channels', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(errors).toEqual([]);
  });
});

describe('Console: a server that requires a token', () => {
  it('asks for the token once, works with it, and keeps it in sessionStorage only', async () => {
    const token = 'console-e2e-token-0123456789';
    const guarded = await LocalServer.start({ apiToken: token, startTimeoutMs: 60_000 });
    try {
      const { page, errors } = await openPage();
      await page.goto(`${new URL(guarded.url).origin}/#/`);
      await page.getByLabel('API token', { exact: true }).fill(token);
      await page.getByRole('button', { name: 'Use token' }).click();

      await heading(page, 'Status board');
      await systemState(page, /stopped/i);
      const storage = await page.evaluate(() => ({
        session: JSON.stringify({ ...(globalThis as any).sessionStorage }),
        local: JSON.stringify({ ...(globalThis as any).localStorage }),
      }));
      expect(storage.session).toContain(token);
      expect(storage.local).not.toContain(token);

      // Once: another page and a reload do not ask again.
      await visit(page, '#/channels', 'Channels');
      await page.reload();
      await heading(page, 'Channels');
      expect(await page.getByLabel('API token', { exact: true }).count()).toBe(0);
      expect(errors.filter((line) => !/401/.test(line))).toEqual([]);
    } finally {
      await guarded.stop();
    }
  });
});
