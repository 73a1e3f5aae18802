import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { checkInvariants, describeViolations } from '#tests/helpers/invariants';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes } from '#tests/helpers/route-harness';

/**
 * SPEC "Guarantees": gaps and daily caps hold under any mix of concurrent
 * shift, reject and preempt requests. 100 POST /coordinate-publication at
 * once, over 10 channels (60 minutes apart, 3 a local day, five time zones),
 * all asking for times within the next two days, with mixed policies and
 * priorities; five runs on fresh tables, each seeded so a failure replays.
 * Afterwards every invariant must hold, the gap and the cap above all.
 */

const NOW = '2026-10-24T20:00:00.000Z';
const REQUESTS = 100;
const RUNS = 5;
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const CHANNELS = Array.from({ length: 10 }, (_, i) => ({ id: `ch${i}`, timezone: ZONES[i % ZONES.length] as string, priority: i % 10 }));
const VIDEOS = Array.from({ length: 20 }, (_, i) => `vid${i}`);
const POLICIES = ['shift', 'reject', 'preempt'] as const;

/** A small seeded generator (mulberry32): the same run asks the same requests. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  return { int, pick };
}

/** The body of request `i` of a run: 1-3 channels, a time 1-48 hours ahead on 5-minute marks, any of `policies`, any priority. */
function requestBody(random: ReturnType<typeof randomFrom>, i: number, policies: readonly (typeof POLICIES)[number][]) {
  const channels = new Set<string>();
  const count = 1 + random.int(3);
  while (channels.size < count) channels.add(random.pick(CHANNELS).id);
  const staggered = random.int(4) === 0;
  return {
    video_id: VIDEOS[i % VIDEOS.length],
    channel_ids: [...channels],
    timing: staggered ? 'staggered' : 'simultaneous',
    ...(staggered ? { delay_seconds: 1800 } : {}),
    scheduled_at: new Date(Date.parse(NOW) + (12 + random.int(48 * 12)) * 5 * 60_000).toISOString(),
    priority: random.int(10),
    conflict_policy: random.pick(policies),
  };
}

describe('POST /coordinate-publication, 100 at once with mixed policies (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => dynamo.close());

  /** Registers the channels and videos on a fresh table, starts the system, sends the run's 100 requests at once and checks the world. */
  async function concurrentRun(run: number, policies: readonly (typeof POLICIES)[number][]) {
    // Prepare
    const table = await dynamo.createTable('concurrent');
    const clock = new FixedClock(NOW);
    const scheduler = new RecordingSlotScheduler();
    const queue = new RecordingTriggerQueue();
    const api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    for (const channel of CHANNELS) {
      const put = await api.call('putChannel', {
        params: { channel_id: channel.id },
        body: { name: channel.id, priority: channel.priority, publishing: { timezone: channel.timezone, slots: ['09:00', '18:00'], min_gap_minutes: 60, max_per_day: 3 } },
      });
      expect(put.status).toBe(201);
    }
    for (const id of VIDEOS) expect((await api.call('createVideo', { body: { video_id: id, title: id } })).status).toBe(201);
    expect((await api.call('start')).status).toBe(200);
    const random = randomFrom(run * 7919);
    const bodies = Array.from({ length: REQUESTS }, (_, i) => requestBody(random, i, policies));

    // Act
    const answers = await Promise.all(bodies.map((body) => api.call('coordinatePublication', { body })));

    // Assess
    const accepted = answers
      .filter((a) => a.status === 201 || a.status === 202)
      .flatMap((a) => (a.body.publications as { publication_id: string }[]).map((p) => p.publication_id));
    const statuses = answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});
    const violations = describeViolations(await checkInvariants({ table, scheduler, queue, clock, accepted }));
    console.info(`run ${run} (${policies.join('/')}): answers ${JSON.stringify(statuses)}, ${accepted.length} publications accepted, ${violations.length} violations`);
    expect(answers.filter((a) => a.status >= 500).map((a) => a.body)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
    expect(violations, violations.join('\n')).toHaveLength(0);
  }

  it.for(Array.from({ length: RUNS }, (_, run) => run + 1))('run %i: keeps every gap and daily cap, and every other invariant', async (run) => {
    await concurrentRun(run, POLICIES);
  });

  // Without preempt, to tell a failure of the mix from one of shift and reject alone.
  it('keeps every gap and daily cap when the 100 requests shift or reject, none preempting', async () => {
    await concurrentRun(RUNS + 1, ['shift', 'reject']);
  });
});
