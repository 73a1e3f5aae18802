/**
 * docs/images/console-status-board.png: the status board at 1440 wide with a
 * few channels and some activity, taken in headless Chromium against a fresh
 * `npm start`. Run `npx tsx tests/helpers/console-screenshot.ts` after a
 * change to the status board, and commit the PNG.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, launchBrowser, newContext, settled, watchPages } from './browser';
import { LocalServer } from './local-server';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const OUTPUT = fileURLToPath(new URL('../../docs/images/console-status-board.png', import.meta.url));

const CHANNELS = [
  { id: 'cooking-fr', name: 'Cooking FR', status: 'active', priority: 7, timezone: 'Europe/Paris' },
  { id: 'cooking-ca', name: 'Cooking CA', status: 'active', priority: 6, timezone: 'America/Toronto' },
  { id: 'tech-daily', name: 'Tech Daily', status: 'active', priority: 5, timezone: 'America/New_York' },
  { id: 'travel-jp', name: 'Travel JP', status: 'active', priority: 4, timezone: 'Asia/Tokyo' },
  { id: 'kids-uk', name: 'Kids UK', status: 'paused', priority: 3, timezone: 'Europe/London' },
  { id: 'archive-us', name: 'Archive US', status: 'inactive', priority: 1, timezone: 'America/Los_Angeles' },
];
const VIDEOS = ['vid-101', 'vid-102', 'vid-103', 'vid-104'];

async function call(api: LocalServer, method: string, route: string, body?: unknown) {
  const answer = await api.request(method, route, body === undefined ? {} : { body });
  if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const api = await LocalServer.start({ startTimeoutMs: 60_000 });
const browser = await launchBrowser();
try {
  for (const c of CHANNELS) {
    await call(api, 'PUT', `/channels/${c.id}`, { name: c.name, status: c.status, priority: c.priority, publishing: { timezone: c.timezone, slots: ['09:00', '18:00'], min_gap_minutes: 30, max_per_day: 6 } });
  }
  for (const [k, id] of VIDEOS.entries()) {
    await call(api, 'POST', '/videos', { video_id: id, title: `Episode ${k + 1}`, tags: ['demo'], language: 'en', duration_seconds: 420 + 60 * k });
  }
  await call(api, 'POST', '/start');
  const active = CHANNELS.filter((c) => c.status === 'active').map((c) => c.id);
  // Published now (dispatched to the processing queue), and some booked ahead.
  await call(api, 'POST', '/coordinate-publication', { video_id: VIDEOS[0], channel_ids: active.slice(0, 2), timing: 'simultaneous' });
  const tomorrow = new Date(Date.now() + 24 * 3600_000);
  tomorrow.setUTCHours(17, 0, 0, 0);
  await call(api, 'POST', '/schedule-wave', {
    video_ids: VIDEOS.slice(1),
    channel_ids: active,
    wave_config: { timing: 'staggered', scheduled_at: tomorrow.toISOString(), delay_seconds: 3600, stagger_by: 'video' },
  });
  await call(api, 'POST', '/coordinate-publication', { video_id: VIDEOS[0], channel_ids: active.slice(2), timing: 'independent' });
  // The processing queue's runs finish: one success, one failure, for the statistics.
  const runs = await eventually(
    async () => (await call(api, 'GET', '/pipeline-runs?limit=10')).items as { run_id: string; status: string }[],
    (items) => items.filter((run) => run.status === 'dispatched').length >= 2,
    { what: 'two dispatched runs', timeoutMs: 20_000 },
  );
  const dispatched = runs.filter((run) => run.status === 'dispatched');
  await call(api, 'POST', `/pipeline-runs/${dispatched[0]!.run_id}/complete`, { conclusion: 'success' });
  await call(api, 'POST', `/pipeline-runs/${dispatched[1]!.run_id}/complete`, { conclusion: 'failure', details: { error: 'render timed out' } });
  // A live health check, so the board shows each channel's health rather than "not evaluated yet".
  await call(api, 'GET', '/monitor-channels?refresh=true');

  const context = await newContext(browser, 'desktop');
  watchPages(context);
  const page = await context.newPage();
  await page.goto(`${new URL(api.url).origin}/#/`);
  await page.getByRole('heading', { level: 1, name: 'Status board' }).waitFor();
  await settled(page);
  await mkdir(path.dirname(OUTPUT), { recursive: true });
  await page.screenshot({ path: OUTPUT, fullPage: true, animations: 'disabled' });
  console.log(`written: ${path.relative(process.cwd(), OUTPUT)}`);
} finally {
  await browser.close().catch(() => {});
  await api.stop();
}
