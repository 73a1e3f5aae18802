import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSimulator, type GitHubSimulatorOptions } from '#infra/local/github-simulator';
import { LocalServer } from '#tests/helpers/local-server';

/**
 * Issue 9's end-to-end: `npm start` dispatching to the GitHub simulator
 * (GITHUB_API_URL), which runs each workflow for a moment and sends its
 * signed workflow_run webhooks back to the server's webhook route.
 */
const SECRET = 'e2e-webhook-secret';
let api: LocalServer;
let github: Awaited<ReturnType<typeof startGitHubSimulator>>;
const simulatorOptions: GitHubSimulatorOptions = { startAfterMs: 300, completeAfterMs: 1_200, conclusion: 'success' };

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      const deliveries = github?.deliveries.map((d) => `${d.action}:${d.status ?? d.error}`).join(', ');
      throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 400)}; deliveries: ${deliveries}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  github = await startGitHubSimulator(simulatorOptions);
  api = await LocalServer.start({
    env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: 'e2e-token', GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_DISPATCHES_PER_MINUTE: '60' },
  });
  // The server's port is known only now: the simulator sends its webhooks there from here on.
  simulatorOptions.webhook = { url: `${api.url}/webhooks/github`, secret: SECRET };
});
afterAll(async () => {
  await api?.stop();
  await github?.close();
});

describe('Local server with the GitHub simulator: a wave all the way', () => {
  it('a simultaneous wave of 3 videos on 2 channels fires, becomes 2 workflow runs, both complete by webhook, and every read shows it', async () => {
    // Prepare
    for (const id of ['gh-a', 'gh-b']) {
      const put = await api.request('PUT', `/channels/${id}`, {
        body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 0 }, github: { owner: 'acme', repo: id, workflow: 'publish.yml', ref: 'main' } },
      });
      expect([200, 201]).toContain(put.status);
    }
    for (const id of ['gh-v1', 'gh-v2', 'gh-v3']) expect((await api.request('POST', '/videos', { body: { video_id: id, title: id } })).status).toBe(201);
    expect((await api.request('POST', '/start')).status).toBe(200);

    // Act
    const wave = await api.request('POST', '/schedule-wave', {
      body: { video_ids: ['gh-v1', 'gh-v2', 'gh-v3'], channel_ids: ['gh-a', 'gh-b'], wave_config: { timing: 'simultaneous', scheduled_at: new Date(Date.now() + 2_000).toISOString() } },
    });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    expect(wave.body).toMatchObject({ total_publications: 6, slots: 1 });

    // Assert: two runs (one per channel for the slot), both succeeded through the webhook.
    const runs = await until(
      "the wave's runs",
      async () => (await api.request('GET', '/pipeline-runs?limit=10')).body.items as { run_id: string; status: string; channel_id: string; github: { run_id: number | null } }[],
      (items) => items.length === 2 && items.every((r) => r.status === 'succeeded'),
    );
    expect(runs.map((r) => r.channel_id).sort()).toEqual(['gh-a', 'gh-b']);
    expect(github.dispatches).toHaveLength(2);
    for (const run of runs) {
      const one = await api.request('GET', `/pipeline-runs/${run.run_id}`);
      expect(one.body).toMatchObject({ status: 'succeeded', conclusion: 'success', route: 'github_actions' });
      expect(one.body.publications).toHaveLength(3);
      expect(one.body.github.run_id).toEqual(expect.any(Number));
    }
    const publications = (await api.request('GET', `/publications?group_id=${wave.body.wave_id}&limit=10`)).body.items as { status: string; run_id: string }[];
    expect(publications).toHaveLength(6);
    expect(publications.every((p) => p.status === 'succeeded' && runs.some((r) => r.run_id === p.run_id))).toBe(true);
    for (const id of ['gh-v1', 'gh-v2', 'gh-v3']) expect((await api.request('GET', `/videos/${id}`)).body.status).toBe('published');
    const activity = (await api.request('GET', '/activity?limit=50')).body.items as { type: string }[];
    const types = activity.map((e) => e.type);
    expect(types.filter((t) => t === 'pipeline.dispatched')).toHaveLength(2);
    expect(types.filter((t) => t === 'pipeline.succeeded')).toHaveLength(2);
  }, 60_000);
});
