import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { embeddedTable, snapshotTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

describe('POST /schedule-wave and the wave routes (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock('2026-07-01T10:00:00.000Z');
  const scheduler = new RecordingSlotScheduler();
  const queue = new RecordingTriggerQueue();
  const channels = ['c0', 'c1', 'c2', 'c3'];
  const videos = ['w0', 'w1', 'w2', 'w3', 'w4'];

  beforeAll(async () => {
    table = await embeddedTable('wave');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    for (const id of channels) {
      await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 10 } } });
    }
    for (const id of videos) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterAll(async () => table.close());

  it('staggered by video: video k on every channel at base + k x delay, one slot and one schedule per time', async () => {
    const answer = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: channels, wave_config: { timing: 'staggered', delay_seconds: 3600, scheduled_at: '2026-07-02T00:00:00Z' } },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      total_publications: 20,
      slots: 5,
      first_at: '2026-07-02T00:00:00.000Z',
      last_at: '2026-07-02T04:00:00.000Z',
      schedules_created: 5,
      shifted: 0,
    });
    const wave = await api.call('getWave', { params: { wave_id: answer.body.wave_id } });
    expect(wave.body.slots.map((s: any) => [s.fire_at, s.publication_count, s.status])).toEqual(
      [0, 1, 2, 3, 4].map((k) => [`2026-07-02T0${k}:00:00.000Z`, 4, 'pending']),
    );
    const videoNow = await api.call('getVideo', { params: { video_id: 'w0' } });
    expect(videoNow.body.status).toBe('assigned');
  });

  it('answers 413 naming the limit for more than 10,000 publications, and writes nothing', async () => {
    const before = await snapshotTable(table);
    const answer = await api.call('scheduleWave', {
      body: {
        video_ids: Array.from({ length: 2001 }, (_, i) => `x${i}`),
        channel_ids: channels.concat('c4'),
        wave_config: { timing: 'simultaneous' },
      },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('too_many_publications');
    expect(answer.body.error.message).toContain('10,000');
    expect(await snapshotTable(table)).toEqual(before);
  });

  it('names wave_config.delay_seconds when a staggered wave has none', async () => {
    const answer = await api.call('scheduleWave', { body: { video_ids: videos, channel_ids: channels, wave_config: { timing: 'staggered' } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields).toContainEqual(expect.objectContaining({ field: 'wave_config.delay_seconds', in: 'body' }));
  });

  it('names wave_config.scheduled_at when it is in the past', async () => {
    const answer = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: channels, wave_config: { timing: 'simultaneous', scheduled_at: '2026-06-30T00:00:00Z' } },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.details.fields[0]).toMatchObject({ field: 'wave_config.scheduled_at' });
  });

  it('answers 422 scheduled_at_too_far naming wave_config.scheduled_at, or wave_config.delay_seconds for a stagger past 366 days, and writes nothing', async () => {
    const before = await snapshotTable(table);
    const farBase = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: channels, wave_config: { timing: 'simultaneous', scheduled_at: '9999-12-31T23:59:59Z' } },
    });
    // Five videos a week apart from 2027-06-20: the last is asked for on 2027-07-18, past the limit of 2027-07-02.
    const farStagger = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: channels, wave_config: { timing: 'staggered', delay_seconds: 604_800, scheduled_at: '2027-06-20T00:00:00Z' } },
    });
    expect(farBase.status).toBe(422);
    expect(farBase.body.error).toMatchObject({
      code: 'scheduled_at_too_far',
      details: { fields: [{ field: 'wave_config.scheduled_at', in: 'body' }], limit_days: 366, latest: '2027-07-02T10:00:00.000Z' },
    });
    expect(farStagger.status).toBe(422);
    expect(farStagger.body.error).toMatchObject({
      code: 'scheduled_at_too_far',
      details: { fields: [{ field: 'wave_config.delay_seconds', in: 'body' }], limit_days: 366, last_requested_at: '2027-07-18T00:00:00.000Z' },
    });
    expect(await snapshotTable(table)).toEqual(before);
  });

  it('with a clock so late that any shift could run into the year 10000, refuses even a wave for now, writing nothing', async () => {
    const before = await snapshotTable(table);
    clock.set('9999-06-01T00:00:00.000Z');
    try {
      const answer = await api.call('scheduleWave', { body: { video_ids: videos, channel_ids: channels, wave_config: { timing: 'simultaneous' } } });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('scheduled_at_too_far');
      expect(answer.body.error.message).toContain('year 10000');
      expect(answer.body.error.details.fields).toEqual([expect.objectContaining({ field: 'wave_config.scheduled_at' })]);
    } finally {
      clock.set('2026-07-01T10:00:00.000Z');
    }
    expect(await snapshotTable(table)).toEqual(before);
  });

  it('cancelling a wave cancels what has not gone out and deletes its schedules; a second cancel changes nothing', async () => {
    const created = await api.call('scheduleWave', {
      body: { video_ids: ['w0', 'w1'], channel_ids: ['c0', 'c1'], wave_config: { timing: 'simultaneous', scheduled_at: '2026-07-03T00:00:00Z' } },
    });
    const waveId = created.body.wave_id;
    const slotIds = [...scheduler.schedules.keys()].filter((n) => n.startsWith(waveId));
    expect(slotIds).toHaveLength(2); // simultaneous, min_gap 10: the second video shifts 10 minutes on each channel
    const cancelled = await api.call('cancelWave', { params: { wave_id: waveId }, body: { reason: 'campaign pulled' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ wave_id: waveId, status: 'cancelled', cancelled_publications: 4, not_cancellable: 0, schedules_deleted: 2 });
    expect([...scheduler.schedules.keys()].filter((n) => n.startsWith(waveId))).toHaveLength(0);
    const again = await api.call('cancelWave', { params: { wave_id: waveId }, body: {} });
    expect(again.body).toMatchObject({ cancelled_publications: 0, schedules_deleted: 0 });
    const listed = await api.call('listPublications', { query: { status: 'cancelled', from: '2026-07-03T00:00:00Z', limit: '50' } });
    expect(listed.body.items).toHaveLength(4);
    expect(listed.body.items.every((p: any) => p.wave_id === waveId && p.status_reason === 'campaign pulled')).toBe(true);
    // The booked times are free again.
    const rebook = await api.call('coordinatePublication', {
      body: { video_id: 'w2', channel_ids: ['c0'], timing: 'simultaneous', scheduled_at: '2026-07-03T00:00:00Z', conflict_policy: 'reject' },
    });
    expect(rebook.status).toBe(201);
  });

  it('GET /waves/{id} is 404 for an unknown wave and 400 for an id that is not a wave id', async () => {
    expect((await api.call('getWave', { params: { wave_id: 'wave_01J0000000000000000000000A' } })).status).toBe(404);
    expect((await api.call('getWave', { params: { wave_id: 'nope' } })).status).toBe(400);
  });

  it('pages GET /publications earliest first with cursors, none missing, none twice', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call('listPublications', { query: { limit: '7', ...(cursor ? { cursor } : {}) } });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: any) => `${p.scheduled_at}#${p.publication_id}`));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    expect(seen.length).toBe(20 + 4 + 1);
  });

  it('a repeated cancel answers 200 with what it did this time, counts again what went out, and writes another wave.cancelled entry', async () => {
    // Given: a wave for now, whose first slot fires inline (dispatching) and whose second (shifted by the gap) is pending
    const created = await api.call('scheduleWave', { body: { video_ids: ['w3', 'w4'], channel_ids: ['c2', 'c3'], wave_config: { timing: 'simultaneous' } } });
    expect(created.status).toBe(201);
    const waveId = created.body.wave_id as string;
    const first = await api.call('cancelWave', { params: { wave_id: waveId }, body: { reason: 'campaign pulled' } });
    clock.advance(60_000);

    // When
    const again = await api.call('cancelWave', { params: { wave_id: waveId }, body: {} });

    // Then: nothing cancelled or deleted this time, the two on their way counted again
    expect(first.body).toEqual({ wave_id: waveId, status: 'cancelled', cancelled_publications: 2, not_cancellable: 2, schedules_deleted: 1 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ wave_id: waveId, status: 'cancelled', cancelled_publications: 0, not_cancellable: 2, schedules_deleted: 0 });
    const entries = (await api.call('listActivity', { query: { type: 'wave.cancelled', limit: '100' } })).body.items.filter(
      (e: any) => e.target.id === waveId,
    );
    expect(entries.map((e: any) => ({ channel_ids: [...e.channel_ids].sort(), details: e.details }))).toEqual([
      { channel_ids: [], details: { reason: null, cancelled_publications: 0, not_cancellable: 2, schedules_deleted: 0 } },
      { channel_ids: ['c2', 'c3'], details: { reason: 'campaign pulled', cancelled_publications: 2, not_cancellable: 2, schedules_deleted: 1 } },
    ]);
    const wave = await api.call('getWave', { params: { wave_id: waveId } });
    expect(wave.body).toMatchObject({ status: 'cancelled', cancelled_at: '2026-07-01T10:00:00.000Z' });

    // And: a publication that became pending again since (its trigger held while paused) is cancelled by the next call
    const publications = new DynamoPublicationRepository(table);
    const [onItsWay] = (await publications.list({ limit: 100, status: 'dispatching', channelId: 'c2' })).items.filter((p) => p.group_id === waveId);
    expect(onItsWay).toBeDefined();
    await publications.changeStatus(onItsWay!, { from: ['dispatching'], to: 'held', at: clock.now().toISOString(), reason: 'system paused when its trigger arrived' });
    const third = await api.call('cancelWave', { params: { wave_id: waveId }, body: {} });
    expect(third.body).toMatchObject({ cancelled_publications: 1, not_cancellable: 1 });
    expect((await api.call('getPublication', { params: { publication_id: onItsWay!.publication_id } })).body.status).toBe('cancelled');
  });
});
