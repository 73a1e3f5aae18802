import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotTable, startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { checkInvariants, describeViolations } from '#tests/helpers/invariants';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

/**
 * POST /distribute-videos through the middy stack on dynalite (SPEC
 * "Distribution and configuration", "Details"): by_filters and by_schedule,
 * every assignment a publication booked on a free slot (gaps and caps held),
 * a dry run writing nothing, bad input 4xx writing nothing, the activity entry.
 */

/** 08:00 in Paris, 06:00 UTC. */
const NOW = '2026-06-01T06:00:00.000Z';
const NO_FILTERS = { tags_any: [], tags_none: [], languages: [], categories: [], min_duration_seconds: null, max_duration_seconds: null };

const CHANNELS = {
  // Filters: French videos; two a Paris day, 09:00 and 18:00.
  'fr-food': { filters: { ...NO_FILTERS, languages: ['fr'] }, publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 60, max_per_day: 2 } },
  // Filters: English tech videos of at most 10 minutes.
  'en-tech': { filters: { ...NO_FILTERS, languages: ['en'], tags_any: ['tech'], max_duration_seconds: 600 }, publishing: { timezone: 'UTC', slots: ['12:00'], min_gap_minutes: 0, max_per_day: 1 } },
  // No filters: fills its free slots of the next 24 h (10:00 and 14:00 UTC today; the cap of 2 holds 20:00 back).
  general: { filters: null, publishing: { timezone: 'UTC', slots: ['10:00', '14:00', '20:00'], min_gap_minutes: 120, max_per_day: 2 } },
} as const;

const VIDEOS = [
  { video_id: 'fr-1', title: 'fr 1', language: 'fr', tags: ['food'] },
  { video_id: 'fr-2', title: 'fr 2', language: 'fr', tags: ['food'] },
  { video_id: 'en-tech-1', title: 'en 1', language: 'en', tags: ['Tech'], duration_seconds: 300 },
  { video_id: 'de-1', title: 'de 1', language: 'de' },
  { video_id: 'de-2', title: 'de 2', language: 'de' },
  { video_id: 'de-3', title: 'de 3', language: 'de' },
];

describe('Handler: POST /distribute-videos', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => dynamo.close());

  /** A fresh table with the three channels and six videos, the system started. */
  async function world(options: { start?: boolean } = {}) {
    const table = await dynamo.createTable('distribute');
    const clock = new FixedClock(NOW);
    const scheduler = new RecordingSlotScheduler();
    const queue = new RecordingTriggerQueue();
    const api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    for (const [id, channel] of Object.entries(CHANNELS)) {
      expect((await api.call('putChannel', { params: { channel_id: id }, body: { name: id, ...channel } })).status).toBe(201);
    }
    // Created a second apart, so the catalogue's order (oldest first) is the list's.
    for (const video of VIDEOS) {
      expect((await api.call('createVideo', { body: video })).status).toBe(201);
      clock.advance(1000);
    }
    clock.set(NOW);
    if (options.start ?? true) expect((await api.call('start')).status).toBe(200);
    return { table, clock, scheduler, queue, api };
  }

  const distribute = (api: RouteCaller, body: unknown, headers: Record<string, string> = {}) => api.call('distributeVideos', { body, headers });

  it('books by_filters and by_schedule publications, each in its channel\'s next free slot; the old guide reads result["total_distributed"]', async () => {
    // Prepare
    const { table, clock, scheduler, queue, api } = await world();

    // Act
    const answer = await distribute(api, {});

    // Assess
    expect(answer.status, answer.raw).toBe(200);
    const result = answer.body;
    expect(result).toMatchObject({ total_distributed: 5, by_filters: 3, by_schedule: 2, dry_run: false, wave_id: expect.stringMatching(/^wave_/) });
    expect(result.total_distributed).toBe(result.by_filters + result.by_schedule);
    const pairs = result.assignments.map((a: any) => `${a.video_id}>${a.channel_id}@${a.scheduled_at}:${a.reason}`).sort();
    expect(pairs).toEqual([
      'de-1>general@2026-06-01T10:00:00.000Z:schedule',
      'de-2>general@2026-06-01T14:00:00.000Z:schedule',
      'en-tech-1>en-tech@2026-06-01T12:00:00.000Z:filters',
      'fr-1>fr-food@2026-06-01T07:00:00.000Z:filters',
      'fr-2>fr-food@2026-06-01T16:00:00.000Z:filters',
    ]);
    expect(result.skipped).toEqual([{ video_id: 'de-3', reason: 'no_free_slot', channel_id: null }]);
    // Every assignment is a scheduled publication of the wave, on a slot with its schedule.
    for (const a of result.assignments) {
      const publication = await api.call('getPublication', { params: { publication_id: a.publication_id } });
      expect(publication.body).toMatchObject({ video_id: a.video_id, channel_id: a.channel_id, scheduled_at: a.scheduled_at, status: 'scheduled', wave_id: result.wave_id });
    }
    expect(scheduler.schedules.size).toBe(5);
    const violations = describeViolations(await checkInvariants({ table, scheduler, queue, clock, accepted: result.assignments.map((a: any) => a.publication_id) }));
    expect(violations, violations.join('\n')).toEqual([]);
    // The booked videos are assigned, the one left over is still available; the call is one activity entry.
    expect((await api.call('getVideo', { params: { video_id: 'fr-1' } })).body.status).toBe('assigned');
    expect((await api.call('getVideo', { params: { video_id: 'de-3' } })).body.status).toBe('available');
    const entries = (await api.call('listActivity', { query: { type: 'videos.distributed' } })).body.items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: { type: 'wave', id: result.wave_id }, details: { total_distributed: 5, by_filters: 3, by_schedule: 2, videos: 5 } });
  });

  it('gives nothing twice: a second call finds only the video no slot took, and no free slot for it', async () => {
    // Prepare
    const { api } = await world();
    expect((await distribute(api, {})).body.total_distributed).toBe(5);

    // Act
    const second = await distribute(api, {});

    // Assess
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ total_distributed: 0, by_filters: 0, by_schedule: 0, wave_id: null, assignments: [] });
    expect(second.body.skipped).toEqual([{ video_id: 'de-3', reason: 'no_free_slot', channel_id: null }]);
    expect((await api.call('listActivity', { query: { type: 'videos.distributed' } })).body.items).toHaveLength(1);
  });

  it('answers a dry run with the plan a real call then books, writing nothing', async () => {
    // Prepare
    const { table, scheduler, api } = await world();
    const before = await snapshotTable(table);

    // Act
    const dry = await distribute(api, { dry_run: true, limit: 4 });

    // Assess
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, wave_id: null, total_distributed: 4, by_filters: 3, by_schedule: 1 });
    expect(dry.body.assignments.every((a: any) => a.publication_id === null)).toBe(true);
    expect(await snapshotTable(table)).toEqual(before);
    expect(scheduler.schedules.size).toBe(0);
    const real = await distribute(api, { limit: 4 });
    const strip = (list: any[]) => list.map(({ publication_id: _, ...rest }) => rest);
    expect(strip(real.body.assignments)).toEqual(strip(dry.body.assignments));
  });

  it('takes only the named channels, and at most `limit` videos, oldest first', async () => {
    const { api } = await world();
    const answer = await distribute(api, { channel_ids: ['general'], limit: 2 });
    expect(answer.body).toMatchObject({ total_distributed: 2, by_filters: 0, by_schedule: 2 });
    // The two oldest videos, French ones included: without its filtered channels in the call, the general one takes them.
    expect(answer.body.assignments.map((a: any) => a.video_id).sort()).toEqual(['fr-1', 'fr-2']);
  });

  it('replays a retry with the same Idempotency-Key, booking nothing again', async () => {
    const { api, scheduler } = await world();
    const first = await distribute(api, {}, { 'idempotency-key': 'distribute-once' });
    const retry = await distribute(api, {}, { 'idempotency-key': 'distribute-once' });
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(scheduler.schedules.size).toBe(5);
  });

  it('refuses while the orchestration is stopped (409), writing nothing', async () => {
    const { table, api } = await world({ start: false });
    const before = await snapshotTable(table);
    const answer = await distribute(api, {});
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('orchestration_stopped');
    expect(await snapshotTable(table)).toEqual(before);
  });

  const refusals = [
    { what: 'unknown channel ids: 404 naming them', body: { channel_ids: ['general', 'ghost', 'phantom'] }, status: 404, code: 'channel_not_found', details: { channel_ids: ['ghost', 'phantom'] } },
    { what: 'a negative limit: 400', body: { limit: -1 }, status: 400, code: 'validation_failed', fields: ['body:limit'] },
    { what: 'a limit of 0: 400', body: { limit: 0 }, status: 400, code: 'validation_failed', fields: ['body:limit'] },
    { what: 'a limit over 1,000: 400', body: { limit: 1001 }, status: 400, code: 'validation_failed', fields: ['body:limit'] },
    { what: 'a fractional limit: 400', body: { limit: 2.5 }, status: 400, code: 'validation_failed', fields: ['body:limit'] },
    { what: 'an unknown field: 400 naming it', body: { dry_run: false, everything: true }, status: 400, code: 'validation_failed', fields: ['body:everything'] },
    { what: 'dry_run not a boolean: 400', body: { dry_run: 'yes' }, status: 400, code: 'validation_failed', fields: ['body:dry_run'] },
    { what: 'an empty channel_ids: 400', body: { channel_ids: [] }, status: 400, code: 'validation_failed', fields: ['body:channel_ids'] },
  ];
  describe('bad input', () => {
    // One world for every refusal: each must leave it exactly as it found it.
    let bad: Awaited<ReturnType<typeof world>>;
    beforeAll(async () => {
      bad = await world();
    });

    for (const refusal of refusals) {
      it(`refuses ${refusal.what}, writing nothing`, async () => {
        // Prepare
        const { table, api, scheduler } = bad;
        const before = await snapshotTable(table);

        // Act
        const answer = await distribute(api, refusal.body, { 'idempotency-key': `bad-${refusal.what.length}` });

        // Assess
        expect(answer.status).toBe(refusal.status);
        expect(answer.body.error).toEqual({ code: refusal.code, message: expect.any(String), details: expect.any(Object) });
        if (refusal.details) expect(answer.body.error.details).toMatchObject(refusal.details);
        if (refusal.fields) expect(answer.body.error.details.fields.map((f: { in: string; field: string }) => `${f.in}:${f.field}`)).toEqual(refusal.fields);
        expect(await snapshotTable(table)).toEqual(before);
        expect(scheduler.schedules.size).toBe(0);
      });
    }
  });

  it('refuses a channel that is not active (422), writing nothing', async () => {
    const { table, api } = await world();
    expect((await api.call('putChannel', { params: { channel_id: 'general' }, body: { name: 'general', status: 'paused', ...CHANNELS.general } })).status).toBe(200);
    const before = await snapshotTable(table);
    const answer = await distribute(api, { channel_ids: ['fr-food', 'general'] });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'inactive_channels', details: { fields: [{ field: 'channel_ids.1', in: 'body', message: 'channel is paused' }] } });
    expect(await snapshotTable(table)).toEqual(before);
  });
});
