import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupKeys } from '#shared/adapters/dynamodb/keys';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

describe('GET /coordinations/{id} and POST /coordinations/{id}/cancel, twins of the wave routes (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock('2026-09-01T10:00:00.000Z');
  const scheduler = new RecordingSlotScheduler();

  beforeAll(async () => {
    table = await embeddedTable('coordinations');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: new RecordingTriggerQueue() });
    for (const id of ['k0', 'k1']) {
      await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 10 } } });
    }
    for (const id of ['kv', 'kw']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterAll(async () => table.close());

  const coordinate = async (videoId: string, scheduledAt: string) => {
    const answer = await api.call('coordinatePublication', {
      body: { video_id: videoId, channel_ids: ['k0', 'k1'], timing: 'staggered', delay_seconds: 900, scheduled_at: scheduledAt, priority: 4 },
    });
    expect(answer.status).toBe(201);
    return answer.body.coordination_id as string;
  };

  it('answers a coordination as GET /waves/{id} answers a wave: the same fields, its video instead of a video count', async () => {
    const coordinationId = await coordinate('kv', '2026-09-02T08:00:00Z');
    const wave = await api.call('scheduleWave', {
      body: { video_ids: ['kw'], channel_ids: ['k0', 'k1'], wave_config: { timing: 'staggered', delay_seconds: 900, scheduled_at: '2026-09-02T09:00:00Z', stagger_by: 'channel' }, priority: 4 },
    });

    const answer = await api.call('getCoordination', { params: { coordination_id: coordinationId } });
    const waveAnswer = await api.call('getWave', { params: { wave_id: wave.body.wave_id } });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      coordination_id: coordinationId,
      status: 'scheduled',
      status_reason: null,
      video_id: 'kv',
      channel_ids: ['k0', 'k1'],
      timing: 'staggered',
      scheduled_at: '2026-09-02T08:00:00.000Z',
      delay_seconds: 900,
      priority: 4,
      conflict_policy: 'shift',
      total_publications: 2,
      first_at: '2026-09-02T08:00:00.000Z',
      last_at: '2026-09-02T08:15:00.000Z',
      schedules_created: 2,
      slots: [
        { slot_id: `${coordinationId}-20260902T080000Z`, fire_at: '2026-09-02T08:00:00.000Z', status: 'pending', publication_count: 1, dispatched: 0, held: 0 },
        { slot_id: `${coordinationId}-20260902T081500Z`, fire_at: '2026-09-02T08:15:00.000Z', status: 'pending', publication_count: 1, dispatched: 0, held: 0 },
      ],
      created_at: '2026-09-01T10:00:00.000Z',
      cancelled_at: null,
    });
    // The wave twin: the same keys, in the same order, but its id, its video count and its stagger.
    const twinKeys = (keys: string[]) => keys.filter((k) => !['coordination_id', 'wave_id', 'video_id', 'video_count', 'stagger_by'].includes(k));
    expect(twinKeys(Object.keys(answer.body))).toEqual(twinKeys(Object.keys(waveAnswer.body)));
    expect(answer.body.slots.map((s: any) => Object.keys(s))).toEqual(waveAnswer.body.slots.map((s: any) => Object.keys(s)));
  });

  it('cancels what has not gone out and deletes its schedules; a second call answers zeros; each call is audited', async () => {
    const coordinationId = await coordinate('kv', '2026-09-03T08:00:00Z');
    expect([...scheduler.schedules.keys()].filter((n) => n.startsWith(coordinationId))).toHaveLength(2);

    const cancelled = await api.call('cancelCoordination', { params: { coordination_id: coordinationId }, body: { reason: 'launch moved' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ coordination_id: coordinationId, status: 'cancelled', cancelled_publications: 2, not_cancellable: 0, schedules_deleted: 2 });
    expect([...scheduler.schedules.keys()].filter((n) => n.startsWith(coordinationId))).toHaveLength(0);

    const again = await api.call('cancelCoordination', { params: { coordination_id: coordinationId }, body: {} });
    expect(again.body).toEqual({ coordination_id: coordinationId, status: 'cancelled', cancelled_publications: 0, not_cancellable: 0, schedules_deleted: 0 });

    const view = await api.call('getCoordination', { params: { coordination_id: coordinationId } });
    expect(view.body).toMatchObject({ status: 'cancelled', cancelled_at: '2026-09-01T10:00:00.000Z' });
    expect(view.body.slots.map((s: any) => s.status)).toEqual(['cancelled', 'cancelled']);
    const publications = await api.call('listPublications', { query: { group_id: coordinationId } });
    expect(publications.body.items.map((p: any) => [p.status, p.status_reason])).toEqual([
      ['cancelled', 'launch moved'],
      ['cancelled', 'launch moved'],
    ]);
    const audit = await api.call('listActivity', { query: { type: 'coordination.cancelled' } });
    expect(audit.body.items.filter((e: any) => e.target.id === coordinationId).map((e: any) => [e.target.type, e.details])).toEqual([
      ['coordination', { reason: null, cancelled_publications: 0, not_cancellable: 0, schedules_deleted: 0 }],
      ['coordination', { reason: 'launch moved', cancelled_publications: 2, not_cancellable: 0, schedules_deleted: 2 }],
    ]);
    // The times are free again.
    const rebook = await api.call('coordinatePublication', {
      body: { video_id: 'kw', channel_ids: ['k0'], timing: 'simultaneous', scheduled_at: '2026-09-03T08:00:00Z', conflict_policy: 'reject' },
    });
    expect(rebook.status).toBe(201);
  });

  it('is 404 for a wave id on the coordination routes, and for a coordination id on the wave routes', async () => {
    const coordinationId = await coordinate('kv', '2026-09-04T08:00:00Z');
    const waveId = (
      await api.call('scheduleWave', { body: { video_ids: ['kw'], channel_ids: ['k0'], wave_config: { timing: 'simultaneous', scheduled_at: '2026-09-04T09:00:00Z' } } })
    ).body.wave_id;

    const answers = [
      await api.call('getCoordination', { params: { coordination_id: waveId } }),
      await api.call('cancelCoordination', { params: { coordination_id: waveId }, body: {} }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'coordination_not_found', details: { coordination_id: waveId } });
    }
    for (const answer of [
      await api.call('getWave', { params: { wave_id: coordinationId } }),
      await api.call('cancelWave', { params: { wave_id: coordinationId }, body: {} }),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'wave_not_found', details: { wave_id: coordinationId } });
    }
    // Nothing was cancelled by the refused calls.
    expect((await api.call('getWave', { params: { wave_id: waveId } })).body.status).toBe('scheduled');
    expect((await api.call('getCoordination', { params: { coordination_id: coordinationId } })).body.status).toBe('scheduled');
  });

  it('is 404 for an unknown coordination and 400 for an id that is no group id', async () => {
    expect((await api.call('getCoordination', { params: { coordination_id: 'coord_01J0000000000000000000000A' } })).status).toBe(404);
    expect((await api.call('cancelCoordination', { params: { coordination_id: 'coord_01J0000000000000000000000A' }, body: {} })).status).toBe(404);
    expect((await api.call('getCoordination', { params: { coordination_id: 'pub_01J0000000000000000000000A' } })).status).toBe(400);
  });

  it('shows a coordination stored before its video was kept with video_id null', async () => {
    const groupId = 'coord_01J0000000000000000000000B';
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...groupKeys.key(groupId), entity: 'group', group_id: groupId, kind: 'coordination', status: 'scheduled', channel_ids: ['k0'], video_count: 1,
          timing: 'simultaneous', stagger_by: 'channel', scheduled_at: '2026-09-05T08:00:00.000Z', delay_seconds: null, priority: 5,
          conflict_policy: 'shift', total_publications: 0, slot_count: 0, first_at: null, last_at: null, schedules_created: 0,
          created_at: '2026-08-01T00:00:00.000Z', updated_at: '2026-08-01T00:00:00.000Z', cancelled_at: null, actor: 'test', request_id: 'r',
        },
      }),
    );
    const answer = await api.call('getCoordination', { params: { coordination_id: groupId } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ coordination_id: groupId, video_id: null, slots: [] });
  });
});
