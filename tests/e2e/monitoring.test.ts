import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSimulator, type GitHubSimulatorOptions } from '#infra/local/github-simulator';
import { LocalServer } from '#tests/helpers/local-server';

/**
 * Issue 10's end-to-end: a scripted day through `npm start` with the GitHub
 * simulator, then the old guide's reads over HTTP, as written there:
 * dashboard['system']['status']['running'], dashboard['channels']['active'],
 * dashboard['statistics']['overall']['total'], dashboard['schedules']['pending'],
 * result['total_distributed'], result['by_filters'], result['by_schedule'],
 * result['synced'], result['errors'].
 */
const SECRET = 'e2e-monitoring-secret';
const FAILING_REPO = 'mon-fail';
let api: LocalServer;
let github: Awaited<ReturnType<typeof startGitHubSimulator>>;
const simulatorOptions: GitHubSimulatorOptions = {
  startAfterMs: 200,
  completeAfterMs: 800,
  // One channel's workflow fails; every other succeeds.
  conclusion: (run) => (run.repo === FAILING_REPO ? 'failure' : 'success'),
};

type Json = Record<string, any>;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 600)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const repo = (name: string) => ({ owner: 'acme', repo: name, workflow: 'publish.yml', ref: 'main' });
const SLOTS = ['00:00', '06:00', '12:00', '18:00'];
const publishing = { timezone: 'UTC', slots: SLOTS, min_gap_minutes: 60, max_per_day: 4 };

/** The fleet: three active channels with repositories (one whose runs fail), one filtered, one without a repository, one paused, one inactive. */
const CHANNELS: Json[] = [
  { id: 'mon-a', name: 'A', github: repo('mon-a'), publishing, config: { lang: 'en', tags: ['a'] } },
  { id: 'mon-b', name: 'B', github: repo('mon-b'), publishing, config: { tags: ['b'], lang: 'fr' } },
  { id: 'mon-fail', name: 'Fails', github: repo(FAILING_REPO), publishing },
  { id: 'mon-cats', name: 'Cats', github: repo('mon-cats'), publishing, filters: { tags_any: ['cats'] } },
  { id: 'mon-local', name: 'No repository', publishing, filters: { tags_any: ['local-only'] } },
  { id: 'mon-paused', name: 'Paused', status: 'paused', publishing },
  { id: 'mon-off', name: 'Inactive', status: 'inactive', github: repo('mon-broken'), publishing, config: { x: 1 } },
];

beforeAll(async () => {
  github = await startGitHubSimulator(simulatorOptions);
  api = await LocalServer.start({
    env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: 'e2e-token', GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_DISPATCHES_PER_MINUTE: '60' },
  });
  simulatorOptions.webhook = { url: `${api.url}/webhooks/github`, secret: SECRET };
});
afterAll(async () => {
  await api?.stop();
  await github?.close();
});

describe('Local server with the GitHub simulator: a day of work, then the dashboard, distribution and config sync', () => {
  it('the dashboard, monitor-channels, distribute-videos and sync-configs answer what the day did', async () => {
    // Prepare: the fleet, the videos, the system running.
    for (const { id, ...channel } of CHANNELS) {
      const put = await api.request('PUT', `/channels/${id}`, { body: channel });
      expect([200, 201], JSON.stringify(put.body)).toContain(put.status);
    }
    const videos: Json[] = [
      { video_id: 'mon-w1', title: 'wave now' },
      { video_id: 'mon-w2', title: 'wave later' },
      { video_id: 'mon-cat', title: 'a cat', tags: ['cats'] },
      { video_id: 'mon-dog', title: 'a dog', tags: ['dogs'] },
    ];
    for (const video of videos) expect((await api.request('POST', '/videos', { body: video })).status).toBe(201);
    expect((await api.request('POST', '/start')).status).toBe(200);

    // Act 1: a wave due now on three channels; one channel's run fails.
    const now = await api.request('POST', '/schedule-wave', {
      body: { video_ids: ['mon-w1'], channel_ids: ['mon-a', 'mon-b', 'mon-fail'], wave_config: { timing: 'simultaneous', scheduled_at: new Date(Date.now() + 2_000).toISOString() } },
    });
    expect(now.status, JSON.stringify(now.body)).toBe(201);
    const runs = await until(
      "the first wave's runs",
      async () => (await api.request('GET', '/pipeline-runs?limit=10')).body.items as Json[],
      (items) => items.length === 3 && items.every((r) => r.status === 'succeeded' || r.status === 'failed'),
    );
    expect(runs.filter((r) => r.status === 'failed').map((r) => r.channel_id)).toEqual(['mon-fail']);
    // A wave two days ahead: pending, within the dashboard's 7 days.
    const later = await api.request('POST', '/schedule-wave', {
      body: { video_ids: ['mon-w2'], channel_ids: ['mon-a', 'mon-b'], wave_config: { timing: 'simultaneous', scheduled_at: new Date(Date.now() + 2 * 86_400_000).toISOString() } },
    });
    expect(later.status, JSON.stringify(later.body)).toBe(201);

    // Assert: the dashboard, as the old guide reads it.
    const dashboard = (await api.request('GET', '/dashboard')).body as Json;
    expect(dashboard['system']['status']['running']).toBe(true);
    expect(dashboard['channels']['total']).toBe(7);
    expect(dashboard['channels']['active']).toBe(5);
    expect(dashboard['channels']['paused']).toBe(1);
    expect(dashboard['channels']['inactive']).toBe(1);
    expect(dashboard['statistics']['overall']['total']).toBe(3);
    expect(dashboard['statistics']['overall']['succeeded']).toBe(2);
    expect(dashboard['statistics']['overall']['failed']).toBe(1);
    expect(dashboard['statistics']['overall']['success_rate']).toBe(0.6667); // 2 / 3, to 4 decimals
    expect(dashboard['statistics']['overall']['period_days']).toBe(30);
    expect(dashboard['schedules']['pending']).toBe(2);
    expect(dashboard['recent_activity'].length).toBeGreaterThan(0);

    // Assert: monitor-channels, checked live, shows the failing channel's run and the others' success.
    const monitor = await api.request('GET', '/monitor-channels?refresh=true');
    expect(monitor.status, JSON.stringify(monitor.body)).toBe(200);
    const byId = new Map((monitor.body.channels as Json[]).map((c) => [c.channel_id, c]));
    expect(byId.size).toBe(7);
    expect(byId.get('mon-fail')!.statistics).toMatchObject({ total: 1, succeeded: 0, failed: 1, success_rate: 0 });
    expect(byId.get('mon-fail')!.health.status).not.toBe('healthy');
    expect(byId.get('mon-a')!.statistics).toMatchObject({ total: 1, succeeded: 1, failed: 0, success_rate: 1 });
    expect(byId.get('mon-a')!.health.status).toBe('healthy');
    expect(byId.get('mon-a')!.last_publication_at).toEqual(expect.any(String));
    expect(byId.get('mon-local')!.statistics).toMatchObject({ total: 0, success_rate: null });

    // Act 2: distribution of the two videos still available.
    const result = (await api.request('POST', '/distribute-videos', { body: {} })).body as Json;
    expect(result['total_distributed']).toBe(result['by_filters'] + result['by_schedule']);
    expect(result['by_filters']).toBeGreaterThanOrEqual(1);
    const assignments = result.assignments as Json[];
    expect(assignments).toHaveLength(result['total_distributed']);
    const pairs = assignments.map((a) => `${a.video_id}>${a.channel_id}`);
    expect(pairs).toContain('mon-cat>mon-cats');
    expect(pairs).not.toContain('mon-dog>mon-cats');
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const a of assignments) expect(['mon-paused', 'mon-off', 'mon-local']).not.toContain(a.channel_id);
    // Every assignment is a scheduled publication at one of its channel's slots, and each channel's gap and cap still hold.
    for (const a of assignments) {
      expect(SLOTS).toContain(a.scheduled_at.slice(11, 16));
      expect(Date.parse(a.scheduled_at)).toBeGreaterThan(Date.now());
      const publication = await api.request('GET', `/publications/${a.publication_id}`);
      expect(publication.status).toBe(200);
      expect(publication.body).toMatchObject({ status: 'scheduled', channel_id: a.channel_id, video_id: a.video_id, scheduled_at: a.scheduled_at });
    }
    for (const channel of new Set(assignments.map((a) => a.channel_id as string))) {
      const list = (await api.request('GET', `/publications?channel_id=${channel}&status=scheduled&limit=100`)).body.items as Json[];
      const times = list.map((p) => Date.parse(p.scheduled_at)).sort((x, y) => x - y);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(publishing.min_gap_minutes * 60_000);
      const perDay = new Map<string, number>();
      for (const t of times) perDay.set(new Date(t).toISOString().slice(0, 10), (perDay.get(new Date(t).toISOString().slice(0, 10)) ?? 0) + 1);
      for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(publishing.max_per_day);
    }
    // The dashboard's pending count follows the new bookings due within 7 days.
    const dueSoon = assignments.filter((a) => Date.parse(a.scheduled_at) < Date.now() + 7 * 86_400_000).length;
    expect(((await api.request('GET', '/dashboard')).body as Json)['schedules']['pending']).toBe(2 + dueSoon);

    // Act 3: config sync; the inactive channel's repository refuses the token.
    github.misbehave({ path: '/repos/acme/mon-broken/', status: 401, times: 100 });
    const ids = ['mon-a', 'mon-b', 'mon-local', 'mon-off'];
    const sync = (await api.request('POST', '/sync-configs', { body: { channel_ids: ids } })).body as Json;
    expect(sync['synced']).toBe(2);
    expect(sync['errors']).toEqual([{ channel_id: 'mon-off', error: expect.stringContaining('401') }]);
    expect(sync.skipped).toEqual([{ channel_id: 'mon-local', reason: 'no_repository' }]);
    expect(github.commits.map((c) => c.repo).sort()).toEqual(['mon-a', 'mon-b']);
    // A second run with nothing changed commits nothing.
    const again = (await api.request('POST', '/sync-configs', { body: { channel_ids: ids } })).body as Json;
    expect(again).toMatchObject({ synced: 0, unchanged: 2 });
    expect(github.commits).toHaveLength(2);
  }, 90_000);
});
