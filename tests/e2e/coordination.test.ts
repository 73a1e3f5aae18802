import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer, temporaryDataDir } from '#tests/helpers/local-server';

/**
 * SPEC "Coordination" over HTTP against `npm start`: the in-process scheduler
 * fires slots on time, the in-process queue hands triggers to the consumer,
 * pause holds and resume releases. Waits on the wall clock: slots are real timers here.
 */
let api: LocalServer;
let data: { dir: string; remove: () => Promise<void> };

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function publicationsOf(waveId: string): Promise<{ status: string; scheduled_at: string; updated_at: string }[]> {
  const { body } = await api.request('GET', '/publications?limit=100');
  return body.items.filter((p: { wave_id: string }) => p.wave_id === waveId);
}

/** Polls until every publication of the wave is in `status` (or the time runs out). */
async function waitForStatus(waveId: string, status: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const items = await publicationsOf(waveId);
    if (items.length > 0 && items.every((p) => p.status === status)) return items;
    if (Date.now() > until) throw new Error(`wave ${waveId} not all ${status}: ${JSON.stringify(items.map((p) => p.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const given = {
  twoChannelsAndAVideo: async () => {
    for (const id of ['e2e-a', 'e2e-b']) {
      const put = await api.request('PUT', `/channels/${id}`, { body: { name: id, publishing: { timezone: 'Europe/Paris', min_gap_minutes: 0 } } });
      expect([200, 201]).toContain(put.status);
    }
    for (const id of ['e2e-v1', 'e2e-v2', 'e2e-v3']) await api.request('POST', '/videos', { body: { video_id: id, title: id } });
  },
  theSystemRuns: async () => {
    expect((await api.request('POST', '/start')).status).toBe(200);
  },
};

const when = {
  aWaveIsScheduled: async (videoId: string, secondsAhead: number) => {
    const scheduledAt = inSeconds(secondsAhead);
    const answer = await api.request('POST', '/schedule-wave', {
      body: { video_ids: [videoId], channel_ids: ['e2e-a', 'e2e-b'], wave_config: { timing: 'simultaneous', scheduled_at: scheduledAt } },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ total_publications: 2, slots: 1, schedules_created: 1 });
    return { waveId: answer.body.wave_id as string, scheduledAt };
  },
};

beforeAll(async () => {
  data = await temporaryDataDir();
  api = await LocalServer.start({ dataDir: data.dir });
  await given.twoChannelsAndAVideo();
  await given.theSystemRuns();
});
afterAll(async () => {
  await api?.stop();
  await data?.remove();
});

describe('Local server: coordination over HTTP', () => {
  it('a wave scheduled 5 s ahead fires on time and its publications leave scheduled, dispatched', async () => {
    const { waveId, scheduledAt } = await when.aWaveIsScheduled('e2e-v1', 5);
    expect((await publicationsOf(waveId)).map((p) => p.status)).toEqual(['scheduled', 'scheduled']);
    // Fired, then dispatched: these channels have no repository, so each run goes to the processing queue.
    const fired = await waitForStatus(waveId, 'dispatched');
    for (const p of fired) {
      const lateBy = Date.parse(p.updated_at) - Date.parse(scheduledAt);
      expect(lateBy).toBeGreaterThanOrEqual(0); // never early
      expect(lateBy).toBeLessThan(5_000); // on time, give or take a busy machine
    }
    const wave = await api.request('GET', `/waves/${waveId}`);
    expect(wave.body.slots[0]).toMatchObject({ status: 'fired', dispatched: 2 });
  });

  it('while paused the publications are held; after resume they go on', async () => {
    expect((await api.request('POST', '/pause')).status).toBe(200);
    const { waveId } = await when.aWaveIsScheduled('e2e-v2', 3);
    await waitForStatus(waveId, 'held');
    expect((await api.request('GET', '/status')).body.held_publications).toBe(2);
    expect((await api.request('POST', '/resume')).status).toBe(200);
    await waitForStatus(waveId, 'dispatched', 5_000);
    expect((await api.request('GET', '/status')).body.held_publications).toBe(0);
  });

  it('a server restarted on the same DATA_DIR re-arms its pending slots', async () => {
    const { waveId } = await when.aWaveIsScheduled('e2e-v3', 6);
    expect(await api.stop()).toBe(0);
    api = await LocalServer.start({ dataDir: data.dir });
    expect((await api.request('GET', '/status')).body.status).toBe('running');
    await waitForStatus(waveId, 'dispatched');
  });
});
