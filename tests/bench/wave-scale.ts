import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { createTableInput } from '#shared/adapters/dynamodb/table-definition';
import { EventBridgeSlotScheduler } from '#shared/adapters/scheduler/eventbridge-slot-scheduler';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import { useLocalTable } from '#shared/config';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { bootRoutes } from '#tests/helpers/route-harness';
import { lambdaContext } from '#tests/helpers/api-gateway-event';

export interface WaveScaleReport {
  videos: number;
  channels: number;
  publications: number;
  accept: { wallMs: number; status: number; dynamodb: Record<string, number>; batchWriteItems: number; schedules: number };
  fire: { wallMs: number; slots: number; dynamodb: Record<string, number>; sendMessageBatch: number; messages: number };
  minimum: { batchWrites: number; schedules: number; sends: number };
}

/**
 * The acceptance scale of issue 3: a staggered wave of `videos` x `channels`
 * accepted in one request on the embedded table, then every slot fired. The
 * Scheduler and SQS adapters are the real ones over mocked AWS clients, so
 * the calls counted are the calls AWS would get.
 */
export async function measureWaveScale(videos = 100, channels = 50): Promise<WaveScaleReport> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tableName = 'bench-wave';
  const setupClient = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await setupClient.send(new CreateTableCommand(createTableInput(tableName)));
  useLocalTable(tableName, endpoint);

  const schedulerMock = mockClient(SchedulerClient);
  schedulerMock.on(CreateScheduleCommand).resolves({});
  const sqsMock = mockClient(SQSClient);
  sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: {} });

  const clock = new FixedClock('2026-11-21T10:00:00.000Z');
  const api = await bootRoutes(
    { tableName, endpoint },
    {
      clock,
      slotScheduler: new EventBridgeSlotScheduler(new SchedulerClient({ region: 'us-east-1' }), {
        groupName: 'bench',
        targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:fire-slot',
        roleArn: 'arn:aws:iam::123456789012:role/scheduler',
        deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:slot-dlq',
      }),
      triggerQueue: new SqsTriggerQueue(new SQSClient({ region: 'us-east-1' }), {
        queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers',
        deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers-dlq',
      }),
    },
  );
  const calls = new Map<string, number>();
  let batchWriteItems = 0;
  api.root.dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      calls.set(context.commandName ?? '?', (calls.get(context.commandName ?? '?') ?? 0) + 1);
      if (context.commandName === 'BatchWriteItemCommand') {
        const input = args.input as { RequestItems: Record<string, unknown[]> };
        batchWriteItems += Object.values(input.RequestItems).reduce((n, list) => n + list.length, 0);
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );

  for (let c = 0; c < channels; c++) {
    await api.call('putChannel', { params: { channel_id: `channel-${c}` }, body: { name: `Channel ${c}`, publishing: { timezone: 'UTC', min_gap_minutes: 0 } } });
  }
  for (let v = 0; v < videos; v++) await api.call('createVideo', { body: { video_id: `video-${v}`, title: `Video ${v}` } });
  await api.call('start');

  calls.clear();
  batchWriteItems = 0;
  const started = performance.now();
  const answer = await api.call('scheduleWave', {
    body: {
      video_ids: Array.from({ length: videos }, (_, v) => `video-${v}`),
      channel_ids: Array.from({ length: channels }, (_, c) => `channel-${c}`),
      wave_config: { timing: 'staggered', delay_seconds: 60, scheduled_at: '2026-11-21T11:00:00Z', stagger_by: 'video' },
    },
  });
  const acceptMs = performance.now() - started;
  const accept = {
    wallMs: acceptMs,
    status: answer.status,
    dynamodb: Object.fromEntries(calls),
    batchWriteItems,
    schedules: schedulerMock.commandCalls(CreateScheduleCommand).length,
  };

  const wave = await api.call('getWave', { params: { wave_id: answer.body.wave_id } });
  const fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: (e: unknown, c: unknown) => Promise<unknown> }).handler;
  calls.clear();
  const fireStarted = performance.now();
  for (const slot of wave.body.slots as { slot_id: string; fire_at: string }[]) {
    clock.set(slot.fire_at);
    await fire({ slot_id: slot.slot_id, group_id: answer.body.wave_id, fire_at: slot.fire_at }, lambdaContext('fire-slot'));
  }
  const fireMs = performance.now() - fireStarted;
  const sends = sqsMock.commandCalls(SendMessageBatchCommand);

  setupClient.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const publications = videos * channels;
  return {
    videos,
    channels,
    publications,
    accept,
    fire: {
      wallMs: fireMs,
      slots: wave.body.slots.length,
      dynamodb: Object.fromEntries(calls),
      sendMessageBatch: sends.length,
      messages: sends.reduce((n, c) => n + (c.args[0].input.Entries?.length ?? 0), 0),
    },
    minimum: { batchWrites: Math.ceil(publications / 25), schedules: wave.body.slots.length, sends: Math.ceil(publications / 10) },
  };
}
