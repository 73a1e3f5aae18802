import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddedTable, snapshotTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

const NOW = '2026-06-01T10:00:00.000Z';
const NOON = '2026-06-01T12:00:00.000Z';

describe('POST /coordinate-publication (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock(NOW);
  const scheduler = new RecordingSlotScheduler();
  const queue = new RecordingTriggerQueue();

  beforeAll(async () => {
    table = await embeddedTable('coordinate');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    for (const [id, timezone, priority] of [
      ['alpha', 'Europe/Paris', 5],
      ['beta', 'America/New_York', 7],
      ['gamma', 'UTC', 9],
    ] as const) {
      const put = await api.call('putChannel', {
        params: { channel_id: id },
        body: { name: id, priority, publishing: { timezone, slots: ['09:00', '18:00'], min_gap_minutes: 30 } },
      });
      expect(put.status).toBe(201);
    }
    await api.call('putChannel', { params: { channel_id: 'sleepy' }, body: { name: 'sleepy', status: 'inactive' } });
    for (let i = 0; i < 25; i++) {
      expect((await api.call('createVideo', { body: { video_id: `v${i}`, title: `Video ${i}` } })).status).toBe(201);
    }
    await api.call('createVideo', { body: { video_id: 'old', title: 'Old', status: 'archived' } });
  });

  afterAll(async () => table.close());
  beforeEach(() => clock.set(NOW));

  describe('while stopped', () => {
    it('refuses coordination with 409 orchestration_stopped after the input is valid', async () => {
      const before = await snapshotTable(table);
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v0', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: NOON },
      });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('orchestration_stopped');
      expect((await snapshotTable(table)).itemCount).toBe(before.itemCount);
    });

    it('still answers bad input with 4xx first (validation before state)', async () => {
      const answer = await api.call('coordinatePublication', { body: { video_id: 'v0', channel_ids: [], timing: 'simultaneous' } });
      expect(answer.status).toBe(400);
    });
  });

  describe('while running', () => {
    beforeAll(async () => {
      expect((await api.call('start')).status).toBe(200);
    });

    it('staggers channels by priority then request order, one schedule per distinct time', async () => {
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v1', channel_ids: ['alpha', 'beta', 'gamma'], timing: 'staggered', delay_seconds: 900, scheduled_at: '2026-06-02T08:00:00Z' },
      });
      expect(answer.status).toBe(201);
      const at = Object.fromEntries(answer.body.publications.map((p: any) => [p.channel_id, p.scheduled_at]));
      expect(at).toEqual({
        gamma: '2026-06-02T08:00:00.000Z',
        beta: '2026-06-02T08:15:00.000Z',
        alpha: '2026-06-02T08:30:00.000Z',
      });
      expect(answer.body.schedules_created).toBe(3);
      const names = [...scheduler.schedules.keys()].filter((n) => n.startsWith(answer.body.coordination_id));
      expect(names).toHaveLength(3);
      expect(names.every((n) => /^coord_[0-9A-Z]{26}-20260602T08(00|15|30)00Z$/.test(n))).toBe(true);
    });

    it('keeps every one of 20 concurrent requests for one channel at one time, all at least min_gap apart', async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.call('coordinatePublication', {
            body: { video_id: `v${i}`, channel_ids: ['gamma'], timing: 'simultaneous', scheduled_at: '2026-06-05T12:00:00Z' },
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      const listed = await api.call('listPublications', {
        query: { channel_id: 'gamma', from: '2026-06-05T00:00:00Z', to: '2026-06-07T00:00:00Z', limit: '100' },
      });
      const times = listed.body.items.map((p: any) => Date.parse(p.scheduled_at)).sort((a: number, b: number) => a - b);
      expect(times).toHaveLength(20);
      expect(new Set(listed.body.items.map((p: any) => p.video_id)).size).toBe(20);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(30 * 60_000);
      expect(times[0]).toBe(Date.parse('2026-06-05T12:00:00Z'));
    });

    it('shifts a conflicting publication to the next free time and says from where', async () => {
      const first = await api.call('coordinatePublication', {
        body: { video_id: 'v2', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2026-06-10T12:00:00Z' },
      });
      const second = await api.call('coordinatePublication', {
        body: { video_id: 'v3', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2026-06-10T12:10:00Z' },
      });
      expect(first.status).toBe(201);
      expect(second.body.publications[0]).toMatchObject({
        scheduled_at: '2026-06-10T12:30:00.000Z',
        shifted_from: '2026-06-10T12:10:00.000Z',
      });
      expect(second.body.conflicts[0]).toMatchObject({
        reason: 'min_gap',
        resolution: 'shifted',
        conflicting_publication_id: first.body.publications[0].publication_id,
      });
    });

    it('with conflict_policy reject answers 409 listing the conflicts and writes nothing', async () => {
      await api.call('coordinatePublication', {
        body: { video_id: 'v4', channel_ids: ['beta'], timing: 'simultaneous', scheduled_at: '2026-06-11T12:00:00Z' },
      });
      const before = await snapshotTable(table);
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v5', channel_ids: ['gamma', 'beta'], timing: 'simultaneous', scheduled_at: '2026-06-11T12:05:00Z', conflict_policy: 'reject' },
      });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('publication_conflicts');
      expect(answer.body.error.details.conflicts).toEqual([
        expect.objectContaining({ channel_id: 'beta', reason: 'min_gap', resolution: 'rejected' }),
      ]);
      expect(await snapshotTable(table)).toEqual(before);
    });

    it('with conflict_policy preempt moves the lower-priority publication, not the new one', async () => {
      const low = await api.call('coordinatePublication', {
        body: { video_id: 'v6', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2026-06-12T12:00:00Z', priority: 2 },
      });
      const high = await api.call('coordinatePublication', {
        body: { video_id: 'v7', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2026-06-12T12:00:00Z', priority: 8, conflict_policy: 'preempt' },
      });
      expect(high.status).toBe(201);
      expect(high.body.publications[0].scheduled_at).toBe('2026-06-12T12:00:00.000Z');
      const lowId = low.body.publications[0].publication_id;
      expect(high.body.preempted).toEqual([{ publication_id: lowId, channel_id: 'alpha', from: '2026-06-12T12:00:00.000Z', to: '2026-06-12T12:30:00.000Z' }]);
      const moved = await api.call('getPublication', { params: { publication_id: lowId } });
      expect(moved.body).toMatchObject({ scheduled_at: '2026-06-12T12:30:00.000Z', shifted_from: '2026-06-12T12:00:00.000Z', status: 'scheduled' });
      expect(scheduler.schedules.has(moved.body.slot_id)).toBe(true);
    });

    it('places independent publications in each channel’s own next free slot, in its own time zone', async () => {
      clock.set('2026-06-20T14:00:00.000Z'); // 16:00 in Paris, 10:00 in New York
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v8', channel_ids: ['alpha', 'beta'], timing: 'independent' },
      });
      const at = Object.fromEntries(answer.body.publications.map((p: any) => [p.channel_id, p.scheduled_at]));
      expect(at).toEqual({ alpha: '2026-06-20T16:00:00.000Z', beta: '2026-06-20T22:00:00.000Z' });
    });

    it('fires a slot that is already due at once (scheduled_at absent means now)', async () => {
      const sentBefore = queue.triggers.length;
      const answer = await api.call('coordinatePublication', { body: { video_id: 'v9', channel_ids: ['beta'], timing: 'simultaneous' } });
      expect(answer.status).toBe(201);
      expect(answer.body.publications[0].status).toBe('dispatching');
      expect(answer.body.schedules_created).toBe(0);
      expect(queue.triggers.slice(sentBefore)).toEqual([
        expect.objectContaining({ channel_id: 'beta', publications: [{ publication_id: answer.body.publications[0].publication_id, video_id: 'v9' }] }),
      ]);
    });

    it('fires inline a slot whose time came while the request was writing (Scheduler refused it as past)', async () => {
      scheduler.tooLate = (slot) => slot.fire_at === '2026-06-01T10:00:05.000Z';
      const sentBefore = queue.triggers.length;
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v12', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2026-06-01T10:00:05Z' },
      });
      scheduler.tooLate = () => false;
      expect(answer.status).toBe(201);
      expect(answer.body.schedules_created).toBe(0);
      expect(answer.body.publications[0].status).toBe('dispatching');
      expect(queue.triggers.slice(sentBefore).map((t) => t.channel_id)).toEqual(['alpha']);
    });

    it('a dry run returns the plan and writes nothing', async () => {
      const before = await snapshotTable(table);
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v10', channel_ids: ['alpha', 'gamma'], timing: 'simultaneous', scheduled_at: '2026-06-12T12:00:00Z', dry_run: true },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ coordination_id: null, dry_run: true, schedules_created: 0 });
      expect(answer.body.publications.map((p: any) => p.status)).toEqual(['planned', 'planned']);
      expect(await snapshotTable(table)).toEqual(before);
    });

    it('a request retried with the same Idempotency-Key books nothing twice', async () => {
      const body = { video_id: 'v11', channel_ids: ['alpha', 'beta'], timing: 'simultaneous', scheduled_at: '2026-06-15T12:00:00Z' };
      const first = await api.call('coordinatePublication', { body, headers: { 'idempotency-key': 'coord-retry-1' } });
      const schedules = scheduler.schedules.size;
      const before = await snapshotTable(table);
      const again = await api.call('coordinatePublication', { body, headers: { 'idempotency-key': 'coord-retry-1' } });
      expect(again.raw).toBe(first.raw);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(scheduler.schedules.size).toBe(schedules);
      expect((await snapshotTable(table)).itemCount).toBe(before.itemCount);
    });

    it('refuses a scheduled_at past 366 days ahead with 422 naming the field and the limit, and writes nothing', async () => {
      const before = await snapshotTable(table);
      const schedules = scheduler.schedules.size;
      const answer = await api.call('coordinatePublication', {
        body: { video_id: 'v0', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '9999-12-31T23:59:59Z' },
        headers: { 'idempotency-key': 'too-far-1' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error).toEqual({
        code: 'scheduled_at_too_far',
        message: expect.stringContaining('366 days'),
        details: {
          fields: [{ field: 'scheduled_at', in: 'body', message: 'must be at most 366 days ahead' }],
          limit_days: 366,
          latest: '2027-06-02T10:00:00.000Z',
          now: NOW,
        },
      });
      expect(await snapshotTable(table)).toEqual(before);
      expect(scheduler.schedules.size).toBe(schedules);
    });

    it('books at exactly 366 days ahead, and a conflict may still shift it past that (a valid slot id)', async () => {
      const latest = '2027-06-02T10:00:00Z';
      const first = await api.call('coordinatePublication', { body: { video_id: 'v13', channel_ids: ['gamma'], timing: 'simultaneous', scheduled_at: latest } });
      const second = await api.call('coordinatePublication', { body: { video_id: 'v14', channel_ids: ['gamma'], timing: 'simultaneous', scheduled_at: latest } });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(first.body.publications[0].scheduled_at).toBe('2027-06-02T10:00:00.000Z');
      expect(second.body.publications[0]).toMatchObject({ scheduled_at: '2027-06-02T10:30:00.000Z', shifted_from: '2027-06-02T10:00:00.000Z' });
      const shifted = await api.call('getPublication', { params: { publication_id: second.body.publications[0].publication_id } });
      expect(shifted.body.slot_id).toBe(`${second.body.coordination_id}-20270602T103000Z`);
    });

    describe('bad input: 4xx naming the field, nothing written', () => {
      const cases: [string, Record<string, unknown>, number, string, string][] = [
        ['scheduled_at in the past', { video_id: 'v0', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2026-05-01T00:00:00Z' }, 422, 'scheduled_at_in_past', 'scheduled_at'],
        ['scheduled_at a second past 366 days ahead', { video_id: 'v0', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '2027-06-02T10:00:01Z' }, 422, 'scheduled_at_too_far', 'scheduled_at'],
        ['scheduled_at at the end of the year 9999', { video_id: 'v0', channel_ids: ['alpha'], timing: 'simultaneous', scheduled_at: '9999-12-31T23:59:59Z' }, 422, 'scheduled_at_too_far', 'scheduled_at'],
        ['a stagger past 366 days ahead', { video_id: 'v0', channel_ids: ['alpha', 'beta', 'gamma'], timing: 'staggered', delay_seconds: 604_800, scheduled_at: '2027-05-20T00:00:00Z' }, 422, 'scheduled_at_too_far', 'delay_seconds'],
        ['an unknown channel', { video_id: 'v0', channel_ids: ['alpha', 'nope'], timing: 'simultaneous' }, 422, 'unknown_channels', 'channel_ids.1'],
        ['an inactive channel', { video_id: 'v0', channel_ids: ['sleepy'], timing: 'simultaneous' }, 422, 'inactive_channels', 'channel_ids.0'],
        ['an unknown video', { video_id: 'ghost', channel_ids: ['alpha'], timing: 'simultaneous' }, 422, 'unknown_videos', 'video_id'],
        ['an archived video', { video_id: 'old', channel_ids: ['alpha'], timing: 'simultaneous' }, 422, 'archived_videos', 'video_id'],
        ['duplicate channel ids', { video_id: 'v0', channel_ids: ['alpha', 'beta', 'alpha'], timing: 'simultaneous' }, 400, 'validation_failed', 'channel_ids.2'],
        ['staggered without a delay', { video_id: 'v0', channel_ids: ['alpha'], timing: 'staggered' }, 400, 'validation_failed', 'delay_seconds'],
        ['delay_seconds out of range', { video_id: 'v0', channel_ids: ['alpha'], timing: 'staggered', delay_seconds: 0 }, 400, 'validation_failed', 'delay_seconds'],
        ['an unknown timing', { video_id: 'v0', channel_ids: ['alpha'], timing: 'whenever' }, 400, 'validation_failed', 'timing'],
        ['a bad channel id', { video_id: 'v0', channel_ids: ['al pha'], timing: 'simultaneous' }, 400, 'validation_failed', 'channel_ids.0'],
        ['over 1,000 channels', { video_id: 'v0', channel_ids: Array.from({ length: 1001 }, (_, i) => `c${i}`), timing: 'simultaneous' }, 400, 'validation_failed', 'channel_ids'],
      ];
      for (const [name, body, status, code, field] of cases) {
        it(`${name} -> ${status} ${code} naming ${field}`, async () => {
          const before = await snapshotTable(table);
          const answer = await api.call('coordinatePublication', { body });
          expect(answer.status).toBe(status);
          expect(answer.body.error.code).toBe(code);
          expect(answer.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
          expect(await snapshotTable(table)).toEqual(before);
        });
      }
    });
  });
});
