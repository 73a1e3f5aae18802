import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingProcessingQueue, RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';

type Consume = (event: SQSEvent, context: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

function sqsEvent(triggers: PipelineTrigger[]): SQSEvent {
  return {
    Records: triggers.map((t, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify(t),
      attributes: { ApproximateReceiveCount: '1' } as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:triggers',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('functions/queue/pipeline-triggers (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  let consume: Consume;
  const clock = new FixedClock('2026-10-01T10:00:00.500Z');
  const queue = new RecordingTriggerQueue();
  const processing = new RecordingProcessingQueue();

  beforeAll(async () => {
    table = await embeddedTable('triggers');
    api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: queue, processingQueue: processing });
    consume = ((await import('#functions/queue/pipeline-triggers')) as unknown as { handler: Consume }).handler;
    await api.call('putChannel', { params: { channel_id: 'q1' }, body: { name: 'q1' } });
    for (const id of ['a', 'b']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterAll(async () => table.close());

  it('"now" (no scheduled_at, the clock mid-second) fires within the request', async () => {
    const answer = await api.call('coordinatePublication', { body: { video_id: 'a', channel_ids: ['q1'], timing: 'simultaneous' } });
    expect(answer.body.schedules_created).toBe(0);
    expect(answer.body.publications[0].status).toBe('dispatching');
  });

  it('dispatches a trigger as one run while running; a duplicate delivery, even in the same batch, changes nothing', async () => {
    // Act
    const [trigger] = queue.triggers;
    expect((await consume(sqsEvent([trigger!, trigger!]), lambdaContext('pipeline-triggers'))).batchItemFailures).toEqual([]);
    await consume(sqsEvent([trigger!]), lambdaContext('pipeline-triggers'));

    // Assert: q1 has no repository, so the run went to the processing queue, once.
    const runs = await api.call('listPipelineRuns', { query: { channel_id: 'q1' } });
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({ status: 'dispatched', route: 'processing_queue', trigger_id: trigger!.trigger_id });
    expect(processing.jobs.map((j) => j.run_id)).toEqual([runs.body.items[0].run_id]);
    const publication = await api.call('getPublication', { params: { publication_id: trigger!.publications[0]!.publication_id } });
    expect(publication.body).toMatchObject({ status: 'dispatched', run_id: runs.body.items[0].run_id });
    const entries = await api.call('listActivity', { query: { type: 'pipeline.dispatched' } });
    expect(entries.body.items).toHaveLength(1);
  });

  it('holds a queued trigger while paused (its run and publications held), and after resume its run is dispatched', async () => {
    const answer = await api.call('coordinatePublication', { body: { video_id: 'b', channel_ids: ['q1'], timing: 'simultaneous' } });
    const publicationId = answer.body.publications[0].publication_id;
    const trigger = queue.triggers.at(-1)!;
    expect(trigger.publications.map((p) => p.publication_id)).toEqual([publicationId]);
    await api.call('pause');
    await consume(sqsEvent([trigger]), lambdaContext('pipeline-triggers'));
    expect((await api.call('getPublication', { params: { publication_id: publicationId } })).body.status).toBe('held');
    expect((await api.call('listPipelineRuns', { query: { status: 'held' } })).body.items.map((r: { trigger_id: string }) => r.trigger_id)).toEqual([trigger.trigger_id]);
    const sent = queue.triggers.length;
    await api.call('resume');
    expect((await api.call('getPublication', { params: { publication_id: publicationId } })).body.status).toBe('dispatching');
    const resent = queue.triggers.slice(sent);
    expect(resent.flatMap((t) => t.publications.map((p) => p.publication_id))).toEqual([publicationId]);
    await consume(sqsEvent(resent), lambdaContext('pipeline-triggers'));
    expect((await api.call('getPublication', { params: { publication_id: publicationId } })).body.status).toBe('dispatched');
  });

  it('refuses an Idempotency-Key that is not 1-255 visible characters, naming the header', async () => {
    const answer = await api.call('createVideo', { body: { title: 'x' }, headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields).toEqual([{ field: 'Idempotency-Key', in: 'header', message: 'must be 1-255 visible ASCII characters' }]);
  });
});
