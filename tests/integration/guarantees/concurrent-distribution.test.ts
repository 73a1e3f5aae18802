import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTable, startEmbeddedDynamo, type EmbeddedDynamo } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { checkInvariants, describeViolations, LIVE_STATUSES } from '#tests/helpers/invariants';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes } from '#tests/helpers/route-harness';

/**
 * Issue 10's acceptance: 20 concurrent POST /distribute-videos never give one
 * video twice to one channel and never break a gap or a daily cap (dynalite).
 * Three channels with filters that overlap and three without (60 minutes
 * apart, three a local day, three time zones), 40 videos, 20 calls of 6 at
 * once: they race for the same videos (claims) and the same ledgers.
 */

const NOW = '2026-06-01T06:00:00.000Z';
const CALLS = 20;
const NO_FILTERS = { tags_any: [], tags_none: [], languages: [], categories: [], min_duration_seconds: null, max_duration_seconds: null };
const SLOTS = ['08:00', '09:00', '12:00', '15:00', '18:00', '21:00'];
const CHANNELS = [
  { id: 'fr', filters: { ...NO_FILTERS, languages: ['fr'] }, timezone: 'Europe/Paris' },
  { id: 'cooking', filters: { ...NO_FILTERS, tags_any: ['cooking'] }, timezone: 'America/New_York' },
  { id: 'short', filters: { ...NO_FILTERS, max_duration_seconds: 120, tags_none: ['long-form'] }, timezone: 'Asia/Tokyo' },
  { id: 'general-a', filters: null, timezone: 'UTC' },
  { id: 'general-b', filters: null, timezone: 'Europe/Paris' },
  { id: 'general-c', filters: null, timezone: 'America/New_York' },
];
const VIDEOS = Array.from({ length: 40 }, (_, i) => ({
  video_id: `v${String(i).padStart(2, '0')}`,
  title: `video ${i}`,
  language: ['fr', 'en', 'de'][i % 3],
  tags: i % 4 === 0 ? ['cooking'] : ['news'],
  duration_seconds: 60 + (i % 5) * 40,
}));

describe('POST /distribute-videos, 20 at once (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => dynamo.close());

  it('never gives a video twice to a channel, keeps every gap and daily cap, and books exactly what the answers report', async () => {
    // Prepare
    const table = await dynamo.createTable('distribution');
    const clock = new FixedClock(NOW);
    const scheduler = new RecordingSlotScheduler();
    const queue = new RecordingTriggerQueue();
    const api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    for (const c of CHANNELS) {
      const body = { name: c.id, filters: c.filters, publishing: { timezone: c.timezone, slots: SLOTS, min_gap_minutes: 60, max_per_day: 3 } };
      expect((await api.call('putChannel', { params: { channel_id: c.id }, body })).status).toBe(201);
    }
    for (const video of VIDEOS) expect((await api.call('createVideo', { body: video })).status).toBe(201);
    expect((await api.call('start')).status).toBe(200);

    // Act
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: CALLS }, () => api.call('distributeVideos', { body: { limit: 6 } })));

    console.info(`${CALLS} calls in ${Date.now() - started} ms`);
    // Assess
    expect(answers.filter((a) => a.status !== 200).map((a) => a.raw)).toEqual([]);
    const assignments = answers.flatMap((a) => a.body.assignments as { video_id: string; channel_id: string; publication_id: string; reason: string }[]);
    for (const a of answers) expect(a.body.total_distributed).toBe(a.body.by_filters + a.body.by_schedule);
    // Each video was held by one call at most.
    const callsOf = new Map<string, Set<number>>();
    answers.forEach((a, i) => {
      for (const x of a.body.assignments as { video_id: string }[]) callsOf.set(x.video_id, new Set([...(callsOf.get(x.video_id) ?? []), i]));
    });
    expect([...callsOf].filter(([, calls]) => calls.size > 1)).toEqual([]);
    // The table holds exactly the publications the answers report, never one video twice on one channel.
    const publications = (await scanTable(table)).filter((item) => item.entity === 'publication' || String(item.pk).startsWith('PUB#'));
    const live = publications.filter((p) => LIVE_STATUSES.includes(p.status as never));
    expect(live.map((p) => p.publication_id).sort()).toEqual(assignments.map((a) => a.publication_id).sort());
    const pairs = live.map((p) => `${String(p.video_id)}>${String(p.channel_id)}`);
    expect(pairs.length - new Set(pairs).size).toBe(0);
    // Every filter match was booked (the filtered channels have room for a year of them): 14 French, 10 cooking, 16 short.
    expect(assignments.filter((a) => a.reason === 'filters').length).toBe(40);
    // The channels without filters have 9 free slots in the next 24 h between them; two calls planning the same slot leave the loser's video for later.
    const bySchedule = assignments.filter((a) => a.reason === 'schedule').length;
    expect(bySchedule).toBeGreaterThan(0);
    expect(bySchedule).toBeLessThanOrEqual(9);
    const violations = describeViolations(await checkInvariants({ table, scheduler, queue, clock, accepted: assignments.map((a) => a.publication_id) }));
    expect(violations, violations.join('\n')).toEqual([]);
  });
});
