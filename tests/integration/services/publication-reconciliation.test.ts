import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import type { SlotSchedule } from '#shared/ports/slot-scheduler';

type Reconcile = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<Record<string, number>>;

/** A scheduler that fails on demand, as a throttled or broken Scheduler would. */
class FlakyScheduler extends RecordingSlotScheduler {
  failing = false;
  override async ensure(slots: readonly SlotSchedule[]) {
    if (this.failing) throw new Error('Scheduler unavailable');
    return super.ensure(slots);
  }
}

describe('PublicationReconciliation and request rollback (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  let reconcile: Reconcile;
  const clock = new FixedClock('2026-09-01T10:00:00.000Z');
  const scheduler = new FlakyScheduler();
  const queue = new RecordingTriggerQueue();

  beforeAll(async () => {
    table = await embeddedTable('reconcile');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    reconcile = ((await import('#functions/scheduled/reconcile-publications')) as unknown as { handler: Reconcile }).handler;
    await api.call('putChannel', { params: { channel_id: 'r1' }, body: { name: 'r1', publishing: { timezone: 'UTC', min_gap_minutes: 60 } } });
    for (const id of ['a', 'b', 'c', 'd']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterAll(async () => table.close());

  it('a request that fails half-way rolls itself back: 500, bookings lifted, publications cancelled', async () => {
    scheduler.failing = true;
    const failed = await api.call('coordinatePublication', {
      body: { video_id: 'a', channel_ids: ['r1'], timing: 'simultaneous', scheduled_at: '2026-09-02T12:00:00Z' },
    });
    scheduler.failing = false;
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('internal_error');
    expect(JSON.stringify(failed.body)).not.toContain('Scheduler unavailable');
    const cancelled = await api.call('listPublications', { query: { channel_id: 'r1', status: 'cancelled' } });
    expect(cancelled.body.items).toHaveLength(1);
    // The time is free again: a reject-policy booking of the same time succeeds.
    const retry = await api.call('coordinatePublication', {
      body: { video_id: 'a', channel_ids: ['r1'], timing: 'simultaneous', scheduled_at: '2026-09-02T12:00:00Z', conflict_policy: 'reject' },
    });
    expect(retry.status).toBe(201);
  });

  it('rolls back a group whose request died while planning, once it is stale', async () => {
    const { groupRepository, ledgerRepository, publicationRepository } = api.root;
    const groupId = 'coord_01JZZZZZZZZZZZZZZZZZZZZZZZ';
    const created = '2026-09-01T09:40:00.000Z';
    await groupRepository().create({
      group_id: groupId, kind: 'coordination', status: 'planning', channel_ids: ['r1'], video_id: 'a', video_count: 1, timing: 'simultaneous',
      stagger_by: 'channel', scheduled_at: '2026-09-03T12:00:00.000Z', delay_seconds: null, priority: 5, conflict_policy: 'shift',
      total_publications: 0, slot_count: 0, first_at: null, last_at: null, schedules_created: 0, created_at: created,
      updated_at: created, cancelled_at: null, actor: 'test', request_id: 'dead-request',
      lease_owner: 'proc_dead', lease_until: '2026-09-01T09:50:00.000Z', cancel_requested_at: null, rollback_started_at: null, status_reason: null,
    });
    const ledger = await ledgerRepository().get('r1');
    await ledgerRepository().replace('r1', ledger.version, [
      ...ledger.bookings,
      { publication_id: 'pub_01JZZZZZZZZZZZZZZZZZZZZZZY', at: Date.parse('2026-09-03T12:00:00Z'), priority: 5, group_id: groupId },
    ], created);
    const blocked = await api.call('coordinatePublication', {
      body: { video_id: 'b', channel_ids: ['r1'], timing: 'simultaneous', scheduled_at: '2026-09-03T12:00:00Z', dry_run: true },
    });
    expect(blocked.body.conflicts).toHaveLength(1);

    const report = await reconcile({}, lambdaContext('reconcile'));
    expect(report.rolled_back_groups).toBe(1);
    expect((await groupRepository().get(groupId))?.status).toBe('failed');
    const free = await api.call('coordinatePublication', {
      body: { video_id: 'b', channel_ids: ['r1'], timing: 'simultaneous', scheduled_at: '2026-09-03T12:00:00Z', dry_run: true },
    });
    expect(free.body.conflicts).toHaveLength(0);
    expect((await api.call('listActivity', { query: { type: 'coordination.rolled_back' } })).body.items).toHaveLength(1);
    expect(await publicationRepository().get('pub_01JZZZZZZZZZZZZZZZZZZZZZZY')).toBeNull();
  });

  it('fires publications still scheduled past their time (a lost or dead-lettered schedule)', async () => {
    const booked = await api.call('coordinatePublication', {
      body: { video_id: 'c', channel_ids: ['r1'], timing: 'simultaneous', scheduled_at: '2026-09-01T11:00:00Z' },
    });
    const slotId = (await api.call('getPublication', { params: { publication_id: booked.body.publications[0].publication_id } })).body.slot_id;
    scheduler.schedules.delete(slotId); // the schedule never fired
    clock.set('2026-09-01T11:10:00.000Z');
    const sent = queue.triggers.length;
    const report = await reconcile({}, lambdaContext('reconcile'));
    expect(report.overdue_slots_fired).toBe(1);
    expect(queue.triggers.slice(sent).map((t) => t.slot_id)).toEqual([slotId]);
    const after = await api.call('getPublication', { params: { publication_id: booked.body.publications[0].publication_id } });
    expect(after.body.status).toBe('dispatching');
  });

  it('sends again a trigger never received, and not one received', async () => {
    clock.set('2026-09-01T11:40:00.000Z');
    const sent = queue.triggers.length;
    const report = await reconcile({}, lambdaContext('reconcile'));
    expect(report.triggers_resent).toBe(1);
    const resent = queue.triggers.slice(sent);
    expect(resent).toHaveLength(1);

    const consume = ((await import('#functions/queue/pipeline-triggers')) as unknown as {
      handler: (e: unknown, c: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
    }).handler;
    const record = (body: string, id: string) => ({
      messageId: id, receiptHandle: id, body, attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {},
      md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123:q', awsRegion: 'us-east-1',
    });
    const result = await consume(
      { Records: [record(JSON.stringify(resent[0]), 'm1'), record(JSON.stringify(resent[0]), 'm2'), record('not json', 'm3')] },
      lambdaContext('pipeline-triggers'),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }]);
    expect((await api.call('listActivity', { query: { type: 'pipeline.dispatched' } })).body.items).toHaveLength(1);

    clock.set('2026-09-01T12:10:00.000Z');
    expect((await reconcile({}, lambdaContext('reconcile'))).triggers_resent).toBe(0);
  });

  it('releases held publications when the system runs again', async () => {
    await api.call('pause');
    const booked = await api.call('coordinatePublication', {
      body: { video_id: 'd', channel_ids: ['r1'], timing: 'simultaneous', scheduled_at: '2026-09-01T12:30:00Z' },
    });
    clock.set('2026-09-01T12:30:00.000Z');
    const fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: (e: unknown, c: unknown) => Promise<{ outcome: string }> }).handler;
    const publication = await api.call('getPublication', { params: { publication_id: booked.body.publications[0].publication_id } });
    expect((await fire({ slot_id: publication.body.slot_id, group_id: booked.body.coordination_id, fire_at: '2026-09-01T12:30:00.000Z' }, lambdaContext())).outcome).toBe('held');
    // The system runs again without a resume (say, the release stopped half-way): reconciliation finishes it.
    await api.root.systemStateRepository().applyTransition({
      expectedFrom: ['paused'], to: 'running',
      transition: { activity_id: '01JZZZZZZZZZZZZZZZZZZZZZZ1', command: 'resume', from: 'paused', to: 'running', at: '2026-09-01T12:31:00.000Z', actor: 'test', request_id: 'r' },
    });
    const report = await reconcile({}, lambdaContext('reconcile'));
    expect(report.held_released).toBe(1);
  });
});
