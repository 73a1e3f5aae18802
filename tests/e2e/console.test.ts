import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeViolations, eventually, launchBrowser, newContext, screenshot, seriousViolations, settled, watchPages, type Device } from '#tests/helpers/browser';
import { LocalServer } from '#tests/helpers/local-server';

/**
 * The console (issue 11) in real headless Chromium against `npm start`: one
 * server and one browser for the file, a context a test. The operator's
 * scenarios run in order, each from the state the one before left: start,
 * a channel through the form, a wave previewed and booked, pause and held
 * work, resume, the activity log, Stop behind its dialog. Then every page at
 * both widths (screenshot, one h1, axe-core), the keyboard, and a second
 * server that requires a token.
 */
let api: LocalServer;
/** The second server, with ORCHESTRATOR_API_TOKEN: spawned once the first is up, awaited by the last test. */
let guarded: Promise<LocalServer> | undefined;
const TOKEN = 'console-e2e-token-0123456789';
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
  const errors = watchPages(context);
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

/** The section a heading opens (whatever its role: the booked notice is a live status region). */
function section(page: Page, title: string) {
  return page.locator('section', { has: page.getByRole('heading', { name: title, exact: true }) });
}

/** Waits for the text of `[data-testid=system-state]` to match. */
async function systemState(page: Page, state: RegExp): Promise<string> {
  return eventually(() => page.getByTestId('system-state').innerText(), (text) => state.test(text), { what: `system state ${state}` });
}

/** The API's view, to check what the console did. */
const status = async () => (await api.request('GET', '/status')).body as { status: string; held_publications: number };

beforeAll(async () => {
  // Each assigned as soon as it is up, so afterAll closes whichever started when the other failed.
  await Promise.all([
    LocalServer.start({ startTimeoutMs: 60_000 }).then((server) => (api = server)),
    launchBrowser().then((launched) => (browser = launched)),
  ]);
  origin = new URL(api.url).origin;
  // The second server starts meanwhile, and builds its console before its test needs it.
  guarded = LocalServer.start({ apiToken: TOKEN, startTimeoutMs: 60_000 }).then(async (server) => {
    await fetch(`${new URL(server.url).origin}/assets/app.js`).then((answer) => answer.arrayBuffer()).catch(() => {});
    return server;
  });
  guarded.catch(() => {}); // its failure is the token test's to report
  const built = fetch(`${origin}/assets/app.js`).then((answer) => answer.arrayBuffer());
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
  await built;
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((context) => context.close()));
  await browser?.close().catch(() => {});
  await Promise.allSettled([api?.stop(), guarded?.then((server) => server.stop())]);
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
    const violations = await seriousViolations(page);
    expect(violations, `the form with its error:\n${describeViolations(violations)}`).toEqual([]);

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
    // Two videos on two channels, an hour apart, from tomorrow noon (the page's clock is UTC).
    const noon = new Date(Date.now() + 86_400_000);
    noon.setUTCHours(12, 0, 0, 0);
    await page.getByLabel('Video IDs', { exact: true }).fill(`${VIDEOS[0]}, ${VIDEOS[1]}`);
    await page.getByLabel('Channel IDs', { exact: true }).fill(CHANNELS.map((c) => c.id).join('\n'));
    await page.getByLabel('Timing', { exact: true }).selectOption('staggered');
    await page.getByLabel('Scheduled at', { exact: true }).fill(noon.toISOString().slice(0, 16));
    await page.getByLabel('Delay between (seconds)', { exact: true }).fill('3600');

    await page.getByRole('button', { name: 'Preview', exact: true }).click();

    const plan = page.getByRole('region', { name: 'Plan (dry run, nothing booked)', exact: true });
    await plan.waitFor();
    expect(await plan.getByRole('row', { name: /^Publications/ }).innerText()).toMatch(/4/);
    expect(await plan.getByRole('row', { name: /^Slots/ }).innerText()).toMatch(/2/);
    expect((await api.request('GET', '/waves')).body.items).toEqual([]);

    await page.getByRole('button', { name: 'Book wave', exact: true }).click();

    const booked = section(page, 'Booked');
    await booked.waitFor();
    const waveId = (await booked.locator('code').first().innerText()).trim();
    const wave = await api.request('GET', `/waves/${waveId}`);
    expect(wave.status, JSON.stringify(wave.body)).toBe(200);
    expect(wave.body).toMatchObject({ total_publications: 4 });

    await booked.getByRole('link', { name: 'See it on the timeline' }).click();
    await heading(page, 'Timeline');
    const timeline = page.getByTestId('timeline');
    await timeline.filter({ hasText: /4 publications on 2 channels/ }).waitFor();
    for (const channel of CHANNELS) {
      const row = timeline.getByRole('region', { name: new RegExp(`^${channel.id}`) });
      await row.waitFor();
      expect(await row.locator('li code').allInnerTexts()).toEqual([VIDEOS[0], VIDEOS[1]]);
    }
    expect(errors).toEqual([]);
  });

  it('pauses, sees the held work, and resumes', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/', 'Status board');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await systemState(page, /paused/i);
    expect((await status()).status).toBe('paused');

    // A video coordinated now, while paused: its slot fires at once and the work is held.
    await visit(page, '#/coordinate', 'Coordinate a video');
    await page.getByLabel('Video ID', { exact: true }).fill(VIDEOS[2]);
    await page.getByLabel('Channel IDs', { exact: true }).fill(CHANNELS[1].id);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await section(page, 'Plan (dry run, nothing booked)').waitFor();
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await section(page, 'Booked').waitFor();
    await eventually(status, (s) => s.held_publications === 1, { what: 'one held publication', timeoutMs: 15_000 });

    await visit(page, '#/', 'Status board');
    const held = page.getByTestId('held-work');
    await held.getByRole('heading', { name: 'Held work' }).waitFor();
    await held.getByText(`${CHANNELS[1].id} · ${VIDEOS[2]}`).waitFor();

    await page.getByRole('button', { name: 'Resume', exact: true }).click();

    await systemState(page, /running/i);
    await eventually(status, (s) => s.status === 'running' && s.held_publications === 0, { what: 'held work released' });
    await held.getByText(`${CHANNELS[1].id} · ${VIDEOS[2]}`).waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('reads the entries of the activity log', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/activity', 'Activity');
    const entries = page.locator('main li');
    for (const action of ['system.started', 'channel.created', 'wave.scheduled', 'system.paused', 'publication.coordinated', 'publications.held', 'system.resumed', 'publications.released']) {
      await entries.filter({ hasText: action }).first().waitFor();
    }
    expect(errors).toEqual([]);
  });

  it('stops only once the dialog is confirmed', async () => {
    const { page, errors } = await openPage();
    await visit(page, '#/', 'Status board');
    await systemState(page, /running/i);
    const dialog = page.getByRole('dialog', { name: 'Stop the orchestration?' });

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await status()).status).toBe('running');

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await dialog.getByRole('button', { name: 'Confirm stop', exact: true }).click();

    await systemState(page, /stopped/i);
    expect((await status()).status).toBe('stopped');
    expect(errors).toEqual([]);
  });
});

describe('Console: every page, at 1440 and 375 wide', () => {
  // Both widths at once: each in its own context (and renderer), while the other waits on the server.
  for (const device of ['desktop', 'phone'] as const) {
    it.concurrent(`renders every page on a ${device}, saves its screenshot, and has no serious or critical axe violations`, async ({ expect }) => {
      const { page, errors } = await openPage(device);
      const found: string[] = [];
      for (const { name, route, h1 } of PAGES) {
        await visit(page, route, h1);
        await settled(page);
        if ((await page.locator('h1').count()) !== 1) found.push(`${route}: ${await page.locator('h1').count()} h1 elements, not one`);
        await screenshot(page, name);
        const violations = await seriousViolations(page);
        if (violations.length > 0) found.push(`${route} (${name}, ${page.viewportSize()?.width} px):\n${describeViolations(violations)}`);
      }
      expect(found, `one h1 a page, and no serious or critical axe-core violation:\n${found.join('\n')}`).toEqual([]);
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
          return {
            focusVisible: active.matches(':focus-visible') as boolean,
            outline: `${computed.outlineStyle} ${computed.outlineWidth} ${computed.outlineColor}`,
            outlined: computed.outlineStyle !== 'none' && Number.parseFloat(computed.outlineWidth) >= 1,
            shadow: computed.boxShadow as string,
          };
        });
        expect(style.focusVisible).toBe(true);
        expect(style.outlined || style.shadow !== 'none', `no visible focus style: ${JSON.stringify(style)}`).toBe(true);
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
    const server = await guarded!;
    expect((await fetch(`${server.url}/status`)).status).toBe(401);
    const { page, errors } = await openPage();
    await page.goto(`${new URL(server.url).origin}/#/`);
    await page.getByLabel('API token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();

    await heading(page, 'Status board');
    await systemState(page, /stopped/i);
    const storage = await page.evaluate(() => ({
      session: JSON.stringify({ ...(globalThis as any).sessionStorage }),
      local: JSON.stringify({ ...(globalThis as any).localStorage }),
    }));
    expect(storage.session).toContain(TOKEN);
    expect(storage.local).not.toContain(TOKEN);

    // Once: another page and a reload do not ask again.
    await visit(page, '#/channels', 'Channels');
    await page.reload();
    await heading(page, 'Channels');
    expect(await page.getByLabel('API token', { exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
