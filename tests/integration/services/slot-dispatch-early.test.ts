import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoDispatchPacer } from '#shared/adapters/dynamodb/dispatch-pacer';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import { DynamoPipelineRunRepository } from '#shared/adapters/dynamodb/pipeline-run-repository';
import { DynamoPublicationGroupRepository } from '#shared/adapters/dynamodb/publication-group-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import { slotIdOf } from '#shared/domain/publication-group';
import { INITIAL_SYSTEM_STATE, type SystemStatus } from '#shared/domain/system-state';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { SlotDispatch } from '#shared/services/slot-dispatch';
import { PipelineDispatch } from '#shared/services/pipeline-dispatch';
import { useTablePerTest, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock, SequentialIds } from '#tests/helpers/in-memory-ports';
import { RecordingGitHub, RecordingProcessingQueue } from '#tests/helpers/recording-adapters';
import { publication, publicationGroup } from '#tests/helpers/sample-entities';

const FIRE_AT = '2026-03-20T18:00:00.000Z';
const at = (secondsFromFireAt: number) => new Date(Date.parse(FIRE_AT) + secondsFromFireAt * 1000).toISOString();

/**
 * EventBridge Scheduler fires a slot within its minute, so fire-slot may run
 * before the slot's second. It never waits for it (a waiting Lambda is
 * billed): the publications move to `dispatching` at once and their triggers
 * go to SQS delayed to the slot's second, rounded up.
 */
describe('SlotDispatch: a slot fired before its second (against dynalite, SQS mocked)', () => {
  const sqs = mockClient(SQSClient);
  let table: EmbeddedTable;
  let clock: FixedClock;
  let status: SystemStatus;
  let publications: DynamoPublicationRepository;
  let dispatch: SlotDispatch;
  /** The trigger consumer (functions/queue/pipeline-triggers.ts). */
  let dispatcher: PipelineDispatch;
  const group = publicationGroup({ status: 'scheduled' });
  const slotId = slotIdOf(group.group_id, FIRE_AT);
  const event = { slot_id: slotId, group_id: group.group_id, fire_at: FIRE_AT };
  const booked = [
    publication({ group_id: group.group_id, channel_id: 'channel-1', scheduled_at: FIRE_AT, slot_id: slotId }),
    publication({ group_id: group.group_id, channel_id: 'channel-2', scheduled_at: FIRE_AT, slot_id: slotId }),
  ];

  useTablePerTest((created) => {
    table = created;
  });

  beforeEach(async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    clock = new FixedClock(FIRE_AT);
    status = 'running';
    const state: SystemStateRepository = { get: async () => ({ ...INITIAL_SYSTEM_STATE, status }), applyTransition: async () => null };
    publications = new DynamoPublicationRepository(table);
    const groups = new DynamoPublicationGroupRepository(table);
    const activity = new DynamoActivityLog(table, clock, 365);
    const ids = new SequentialIds();
    await groups.create(group);
    await groups.putSlots([{ slot_id: slotId, group_id: group.group_id, fire_at: FIRE_AT, status: 'pending', publication_count: 2, dispatched: 0, held: 0, fired_at: null }]);
    await publications.putMany(booked);
    const queue = new SqsTriggerQueue(new SQSClient({ region: 'us-east-1' }), { queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/t', deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/d' });
    dispatch = new SlotDispatch({ publications, groups, state, queue, activity, clock, ids });
    dispatcher = new PipelineDispatch({
      runs: new DynamoPipelineRunRepository(table),
      publications,
      channels: new DynamoChannelRepository(table),
      state,
      github: new RecordingGitHub(clock),
      effects: new DynamoRunEffects(table),
      pacer: new DynamoDispatchPacer(table, { perMinute: 60, perHour: 450 }),
      processing: new RecordingProcessingQueue(),
      requeue: queue,
      activity,
      clock,
      ids,
    });
  });

  afterEach(() => vi.restoreAllMocks());

  const entries = () => sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
  const statuses = async () => [...(await publications.getMany(booked.map((p) => p.publication_id))).values()].map((p) => p.status);

  it('invoked 40 s early: dispatching now, every SendMessageBatch entry delayed 40 s, and nothing waits', async () => {
    // Prepare
    clock.set(at(-40));
    const timers = vi.spyOn(globalThis, 'setTimeout');

    // Act
    const result = await dispatch.fire(event);

    // Assess
    expect(result).toMatchObject({ outcome: 'dispatched', dispatched: 2 });
    expect(await statuses()).toEqual(['dispatching', 'dispatching']);
    expect(entries().map((e) => e.DelaySeconds)).toEqual([40, 40]);
    expect(entries().map((e) => (JSON.parse(e.MessageBody!) as PipelineTrigger).channel_id).sort()).toEqual(['channel-1', 'channel-2']);
    // No wait: no timer near the 40 s the slot was early (the SDK's own are 3 s), and the clock did not move.
    expect(timers.mock.calls.filter(([, ms]) => (ms ?? 0) >= 10_000)).toEqual([]);
    expect(clock.now().toISOString()).toBe(at(-40));
  });

  it('rounds a part of a second up, so a trigger is never received before its second', async () => {
    clock.set(new Date(Date.parse(FIRE_AT) - 40_200).toISOString());
    await dispatch.fire(event);
    expect(entries().map((e) => e.DelaySeconds)).toEqual([41, 41]);
  });

  it.each([
    ['at its second', 0],
    ['after it', 7],
  ])('invoked %s: no delay', async (_case, seconds) => {
    clock.set(at(seconds));
    expect((await dispatch.fire(event)).outcome).toBe('dispatched');
    expect(entries()).toHaveLength(2);
    expect(entries().every((e) => e.DelaySeconds === undefined)).toBe(true);
  });

  it('invoked more than a minute early: refused (not_due), nothing moved or sent', async () => {
    clock.set(new Date(Date.parse(FIRE_AT) - 60_001).toISOString());
    expect((await dispatch.fire(event)).outcome).toBe('not_due');
    expect(await statuses()).toEqual(['scheduled', 'scheduled']);
    expect(entries()).toEqual([]);
  });

  it('a trigger delivered at its second after a pause that came in between is held', async () => {
    // Prepare: fired 30 s early while running; the system is paused before the delay is over.
    clock.set(at(-30));
    await dispatch.fire(event);
    status = 'paused';
    clock.set(FIRE_AT);

    // Act: SQS delivers the delayed triggers.
    const results = await Promise.all(entries().map((e) => dispatcher.receive(JSON.parse(e.MessageBody!) as PipelineTrigger)));

    // Assess
    expect(results.flatMap((r) => r.runs.map((run) => run.outcome))).toEqual(['held', 'held']);
    const now = [...(await publications.getMany(booked.map((p) => p.publication_id))).values()];
    expect(now.map((p) => [p.status, p.status_reason])).toEqual([
      ['held', 'system paused when its trigger arrived'],
      ['held', 'system paused when its trigger arrived'],
    ]);
  });

  it('held by a firing before its second and released before it: the release is delayed to its second', async () => {
    // Prepare: paused when the slot fires 50 s early.
    status = 'paused';
    clock.set(at(-50));
    expect((await dispatch.fire(event)).outcome).toBe('held');

    // Act: resumed 20 s later, still 30 s before the slot's second.
    status = 'running';
    clock.set(at(-30));
    const released = await dispatch.releaseHeld({ actor: 'test', request_id: 'resume' });

    // Assess
    expect(released).toBe(2);
    expect(entries().map((e) => e.DelaySeconds)).toEqual([30, 30]);
  });

  it('re-sends a lost trigger with no delay (the reconciliation, long after its time)', async () => {
    clock.set(at(-40));
    await dispatch.fire(event);
    sqs.resetHistory();
    clock.set(at(20 * 60));
    await dispatch.resend([...(await publications.getMany(booked.map((p) => p.publication_id))).values()]);
    expect(entries()).toHaveLength(2);
    expect(entries().every((e) => e.DelaySeconds === undefined)).toBe(true);
  });
});
