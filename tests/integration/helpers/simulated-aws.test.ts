import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, QueryCommand as RawQueryCommand, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { BatchRequestTooLong, SendMessageBatchCommand, SQSClient, TooManyEntriesInBatchRequest } from '@aws-sdk/client-sqs';
import { mapConcurrent } from '#shared/concurrency';
import { EventBridgeSlotScheduler } from '#shared/adapters/scheduler/eventbridge-slot-scheduler';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '#tests/helpers/embedded-table';
import { nativeItemSize } from '#tests/helpers/simulated-aws/item-size';
import type { LimitOverrides } from '#tests/helpers/simulated-aws/limits';
import { SimulatedAws } from '#tests/helpers/simulated-aws/simulated-aws';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

/** An item padded to exactly `bytes` as DynamoDB counts them. */
function itemOfSize(bytes: number, attributes: Record<string, string>): Record<string, string> {
  const base = { ...attributes, pad: '' };
  const padding = bytes - nativeItemSize(base);
  if (padding < 0) throw new Error(`attributes alone weigh more than ${bytes} bytes`);
  return { ...base, pad: 'x'.repeat(padding) };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { attempts?: number }; ThrottlingReasons?: { reason?: string }[]; throttlingReasons?: { reason?: string }[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('Class: SimulatedAws', () => {
  let dynamo: EmbeddedDynamo;
  let tableName: string;
  let t: number;
  let aws: SimulatedAws;
  const opened: { destroy(): void }[] = [];

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    tableName = (await dynamo.createTable('simulated')).tableName;
    t = 0;
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.destroy();
  });

  /** A simulation on a frozen clock (moved by the test), and a metered document client with its raw twin. */
  function simulate(options: { maxAttempts?: number; limits?: LimitOverrides; latencyMs?: number; emptyTable?: boolean } = {}) {
    aws = new SimulatedAws({ now: () => t, limits: options.limits, latencyMs: { dynamodb: options.latencyMs ?? 0 } });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials, maxAttempts: options.maxAttempts });
    const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    opened.push(client, raw);
    aws.attachDynamo(client, raw, { emptyTable: options.emptyTable ?? false });
    const doc = DynamoDBDocumentClient.from(client);
    const stored = async (pk: string, sk: string) => (await raw.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))).Item;
    return { doc, raw, stored };
  }

  describe('DynamoDB: item size', () => {
    it('refuses a PutItem over 400 KB with ValidationException and writes nothing; takes one of exactly 400 KB', async () => {
      const { doc, stored } = simulate({ maxAttempts: 1 });

      const error = await rejection(doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(400 * 1024 + 1, { pk: 'big', sk: 'one' }) })));
      await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(400 * 1024, { pk: 'big', sk: 'two' }) }));

      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Item size has exceeded the maximum allowed size');
      expect(await stored('big', 'one')).toBeUndefined();
      expect(await stored('big', 'two')).toBeDefined();
      expect(aws.report().dynamodb.largestItemBytes).toBe(400 * 1024 + 1);
    });

    it('refuses an UpdateItem that would grow the item past 400 KB', async () => {
      const { doc, stored } = simulate({ maxAttempts: 1 });
      await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(300 * 1024, { pk: 'grow', sk: 'it' }) }));

      const error = await rejection(
        doc.send(new UpdateCommand({ TableName: tableName, Key: { pk: 'grow', sk: 'it' }, UpdateExpression: 'SET more = :m', ExpressionAttributeValues: { ':m': 'y'.repeat(200 * 1024) } })),
      );

      expect(error.name).toBe('ValidationException');
      expect((await stored('grow', 'it'))?.more).toBeUndefined();
    });
  });

  describe('DynamoDB: item images', () => {
    it('with emptyTable, reads no image for a key never written, yet meters the delete of an item a raw-client fixture wrote by its size', async () => {
      const { doc, raw } = simulate({ emptyTable: true });
      const imageReads: string[] = [];
      raw.middlewareStack.add(
        (next, context) => async (args) => {
          imageReads.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize', name: 'countImageReads' },
      );

      await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(1_000, { pk: 'new', sk: 'one' }) }));
      const readsForNewKey = imageReads.filter((c) => c !== 'PutItemCommand').length;
      await DynamoDBDocumentClient.from(raw).send(new PutCommand({ TableName: tableName, Item: itemOfSize(30 * 1024, { pk: 'fixture', sk: 'one' }) }));
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'fixture', sk: 'one' } }));

      expect(readsForNewKey).toBe(0);
      expect(imageReads.filter((c) => c === 'GetItemCommand')).toHaveLength(1);
      expect(aws.report().dynamodb.table.wcu).toBe(1 + 30);
    });
  });

  describe('DynamoDB: throttling', () => {
    it('throttles writes past 1,000 WCU in one second on one partition; the SDK retries each, and a retry in the next second succeeds', async () => {
      const { doc, raw } = simulate({ maxAttempts: 2 });
      const writes = Array.from({ length: 1_100 }, (_, i) => ({ pk: 'HOT', sk: String(i).padStart(4, '0') }));

      const outcomes = await mapConcurrent(writes, 25, (item) => doc.send(new PutCommand({ TableName: tableName, Item: item })).then(
        () => null,
        (error: unknown) => error as Error & { $metadata: { attempts?: number } },
      ));
      const failures = outcomes.filter((o) => o !== null);
      const report = aws.report();

      expect(failures).toHaveLength(100);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(ProvisionedThroughputExceededException);
        expect((failure as ProvisionedThroughputExceededException).ThrottlingReasons?.[0]?.reason).toBe('TableWriteKeyRangeThroughputExceeded');
      }
      // Every attempt of every refused write was throttled, and the SDK did retry them.
      const attempts = failures.reduce((n, f) => n + (f.$metadata.attempts ?? 0), 0);
      expect(report.dynamodb.throttled.total).toBe(attempts);
      expect(attempts).toBeGreaterThan(100);
      expect(report.calls['DynamoDB.PutItem']).toBe(1_000 + attempts);
      expect(report.dynamodb.table.wcu).toBe(1_000);
      expect(report.dynamodb.busiestPartition).toEqual({ index: 'table', key: 'HOT', wcuPerSecond: 1_000 });
      const { Count } = await raw.send(
        new RawQueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'HOT' } }, Select: 'COUNT', ConsistentRead: true }),
      );
      expect(Count).toBe(1_000);

      // Prepare: the next second begins when the next throttle is reported.
      aws.onThrottle = () => {
        t += 1_000;
      };
      const late = await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'HOT', sk: 'late' } }));
      expect(late.$metadata.attempts).toBe(2);
    });

    it('answers a BatchWriteItem past the table’s 4,000 WCU a second with UnprocessedItems, and one that fits nothing with ThrottlingException', async () => {
      const { doc, stored } = simulate({ maxAttempts: 1 });
      // 39 items of 100 KB on 39 partitions: 3,900 WCU in this second.
      for (let i = 0; i < 39; i++) await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(100 * 1024, { pk: `big-${i}`, sk: 'x' }) }));
      const batch = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: itemOfSize(10 * 1024, { pk: `small-${i}`, sk: 'x' }) } }));

      const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
      const refused = await rejection(doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch.slice(0, 2) } })));

      const unprocessed = answer.UnprocessedItems?.[tableName] ?? [];
      expect(unprocessed).toHaveLength(15);
      expect(unprocessed[0]).toEqual(batch[10]);
      expect(await stored('small-9', 'x')).toBeDefined();
      expect(await stored('small-10', 'x')).toBeUndefined();
      expect(refused).toBeInstanceOf(ThrottlingException);
      expect((refused as ThrottlingException).throttlingReasons?.[0]?.reason).toBe('TableWriteMaxOnDemandThroughputExceeded');
      expect(aws.report().dynamodb.table.wcu).toBe(4_000);
    });

    it('throttles a base-table write when its index partition is out of capacity (GSI back-pressure)', async () => {
      const { doc, stored } = simulate({ maxAttempts: 1 });
      // 100 items of 10 KB, each its own table partition, all in gsi2 partition HOT: 1,000 WCU there.
      for (let i = 0; i < 100; i++) {
        await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(10 * 1024, { pk: `item-${i}`, sk: 'x', gsi2pk: 'HOT', gsi2sk: String(i) }) }));
      }

      const error = await rejection(doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(10 * 1024, { pk: 'item-100', sk: 'x', gsi2pk: 'HOT', gsi2sk: '100' }) })));

      expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect(error.ThrottlingReasons?.[0]?.reason).toBe('IndexWriteKeyRangeThroughputExceeded');
      expect(error.message).toContain("partition key 'HOT' of gsi2");
      expect(await stored('item-100', 'x')).toBeUndefined();
      const report = aws.report().dynamodb;
      expect(report.byIndex.gsi2?.wcu).toBe(1_000);
      expect(report.busiestPartition).toEqual({ index: 'gsi2', key: 'HOT', wcuPerSecond: 1_000 });
    });

    it('measures a partition over a sliding second: 1,000 WCU at 0 ms and 999 ms is the limit, and the units of 0 ms are free again at 1,000 ms', async () => {
      const { doc } = simulate({ maxAttempts: 1 });
      const write = (n: number) => doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(10 * 1024, { pk: 'P', sk: String(n) }) }));
      for (let i = 0; i < 50; i++) await write(i);
      t = 999;
      for (let i = 50; i < 100; i++) await write(i);
      const full = await rejection(write(100));
      t = 1_000;
      for (let i = 101; i < 151; i++) await write(i);

      expect(full).toBeInstanceOf(ProvisionedThroughputExceededException);
      const report = aws.report().dynamodb;
      expect(report.busiestPartition).toEqual({ index: 'table', key: 'P', wcuPerSecond: 1_000 });
      expect(report.throttled).toEqual({ total: 1, byReason: { TableWriteKeyRangeThroughputExceeded: 1 } });
    });

    it('returns the keys of a partition out of read capacity in UnprocessedKeys, in the form they were sent', async () => {
      const { doc } = simulate({ maxAttempts: 1, limits: { partitionRcu: 2 } });
      for (const sk of ['a', 'b', 'c']) await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'R', sk } }));
      const keys = ['a', 'b', 'c'].map((sk) => ({ pk: 'R', sk }));

      const answer = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
      const refused = await rejection(doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } })));

      expect(answer.Responses?.[tableName]).toHaveLength(2);
      expect(answer.UnprocessedKeys?.[tableName]).toEqual({ Keys: [{ pk: 'R', sk: 'c' }], ConsistentRead: true });
      expect(refused).toBeInstanceOf(ThrottlingException);
      expect(aws.report().dynamodb.table.rcu).toBe(2);
    });
  });

  describe('DynamoDB: capacity units', () => {
    it('counts a 2.5 KB put with two index entries as 3 + 3 + 3 write units', async () => {
      const { doc } = simulate();

      await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(2_560, { pk: 'p', sk: 's', gsi1pk: 'a', gsi1sk: '1', gsi2pk: 'b', gsi2sk: '1' }) }));

      const report = aws.report().dynamodb;
      expect(report.table.wcu).toBe(3);
      expect(report.byIndex.gsi1?.wcu).toBe(3);
      expect(report.byIndex.gsi2?.wcu).toBe(3);
      expect(report.byIndex.gsi3?.wcu).toBe(0);
      expect(report.wcu).toBe(9);
    });

    it('counts a changed index key as a delete and a put, a changed attribute as one update, a removed key as one delete', async () => {
      const { doc } = simulate();
      const key = { pk: 'p', sk: 's' };
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...key, gsi1pk: 'A', gsi1sk: '1' } }));
      const afterPut = aws.report().dynamodb.byIndex.gsi1?.wcu;

      await doc.send(new UpdateCommand({ TableName: tableName, Key: key, UpdateExpression: 'SET gsi1pk = :b', ExpressionAttributeValues: { ':b': 'B' } }));
      const afterKeyChange = aws.report().dynamodb.byIndex.gsi1?.wcu;
      await doc.send(new UpdateCommand({ TableName: tableName, Key: key, UpdateExpression: 'SET title = :t', ExpressionAttributeValues: { ':t': 'T' } }));
      const afterAttribute = aws.report().dynamodb.byIndex.gsi1?.wcu;
      await doc.send(new UpdateCommand({ TableName: tableName, Key: key, UpdateExpression: 'REMOVE gsi1pk' }));
      const afterRemoval = aws.report().dynamodb.byIndex.gsi1?.wcu;

      expect([afterPut, afterKeyChange, afterAttribute, afterRemoval]).toEqual([1, 3, 4, 5]);
      expect(aws.report().dynamodb.table.wcu).toBe(4);
    });

    it('charges a failed conditional write to the table only', async () => {
      const { doc } = simulate({ maxAttempts: 1 });
      await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(1_500, { pk: 'c', sk: 'c', gsi1pk: 'A', gsi1sk: '1' }) }));

      const error = await rejection(doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'c', sk: 'c' }, ConditionExpression: 'attribute_not_exists(pk)' })));

      expect(error.name).toBe('ConditionalCheckFailedException');
      const report = aws.report().dynamodb;
      expect(report.table.wcu).toBe(2 + 2);
      expect(report.byIndex.gsi1?.wcu).toBe(2);
    });

    it('charges a Query the items it read before its filter, rounded up to 4 KB, to the partition it read', async () => {
      const { doc } = simulate();
      for (let i = 0; i < 10; i++) {
        await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(1_000, { pk: 'Q', sk: String(i), gsi1pk: 'IDX', gsi1sk: String(i) }) }));
      }

      const strong = await doc.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :p', FilterExpression: 'gsi1sk = :none', ExpressionAttributeValues: { ':p': 'Q', ':none': 'none' }, ConsistentRead: true }),
      );
      await doc.send(new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'IDX' } }));

      expect(strong.Items).toEqual([]);
      expect(strong.ConsumedCapacity).toBeUndefined();
      const report = aws.report().dynamodb;
      // 10 x 1,000 bytes = 3 x 4 KB; the index query is eventually consistent: half.
      expect(report.table.rcu).toBe(3);
      expect(report.byIndex.gsi1?.rcu).toBe(1.5);
      expect(report.busiestReadPartition).toEqual({ index: 'table', key: 'Q', rcuPerSecond: 3 });
    });
  });

  describe('DynamoDB: unmetered set-up', () => {
    it('passes the calls of unmetered() straight to the table (not counted, metered or size-checked), and meters those after it', async () => {
      const { doc, stored } = simulate({ maxAttempts: 1 });

      await aws.unmetered(async () => {
        await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(2_560, { pk: 'seed', sk: 's', gsi1pk: 'a', gsi1sk: '1' }) }));
        await doc.send(new UpdateCommand({ TableName: tableName, Key: { pk: 'seed', sk: 's' }, UpdateExpression: 'SET title = :t', ExpressionAttributeValues: { ':t': 'T' } }));
      });
      const afterSetUp = aws.report();
      await doc.send(new PutCommand({ TableName: tableName, Item: itemOfSize(2_560, { pk: 'act', sk: 's', gsi1pk: 'a', gsi1sk: '1' }) }));

      expect((await stored('seed', 's'))?.title).toEqual({ S: 'T' });
      expect(afterSetUp.calls).toEqual({});
      expect(afterSetUp.dynamodb.wcu).toBe(0);
      expect(afterSetUp.dynamodb.largestItemBytes).toBe(0);
      expect(aws.report().calls).toEqual({ 'DynamoDB.PutItem': 1 });
      expect(aws.report().dynamodb.wcu).toBe(3 + 3);
    });
  });

  describe('DynamoDB: latency', () => {
    it('adds its latency to every call', async () => {
      const { doc } = simulate({ latencyMs: 30 });

      const started = performance.now();
      await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'l', sk: 'l' } }));

      expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    });
  });

  describe('EventBridge Scheduler', () => {
    function scheduler() {
      aws = new SimulatedAws({ now: () => t });
      const client = new SchedulerClient({ region, credentials, maxAttempts: 1 });
      opened.push(client);
      aws.attachScheduler(client);
      return client;
    }
    const create = (name: string, input = '{}') =>
      new CreateScheduleCommand({
        Name: name,
        GroupName: 'orchestrator',
        ScheduleExpression: 'at(2026-11-21T18:00:00)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:fire-slot', RoleArn: 'arn:aws:iam::000000000000:role/scheduler', Input: input },
      });

    it('answers a name already taken in the group with ConflictException, as the slot scheduler expects', async () => {
      const client = scheduler();
      const slots = new EventBridgeSlotScheduler(client, {
        groupName: 'orchestrator',
        targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:fire-slot',
        roleArn: 'arn:aws:iam::000000000000:role/scheduler',
        deadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:slot-dlq',
      });
      const slot = { slot_id: 'wave_01-20261121T180000Z', group_id: 'wave_01', fire_at: '2026-11-21T18:00:00.000Z' };

      const first = await slots.ensure([slot]);
      const again = await slots.ensure([slot]);
      const direct = await rejection(client.send(create(slot.slot_id)));

      expect(first).toMatchObject({ created: 1, existing: 0 });
      expect(again).toMatchObject({ created: 0, existing: 1 });
      expect(direct).toBeInstanceOf(ConflictException);
      expect(aws.schedules.get(`orchestrator/${slot.slot_id}`)).toMatchObject({ fireAt: new Date(slot.fire_at), scheduleExpression: 'at(2026-11-21T18:00:00)' });
      const got = await client.send(new GetScheduleCommand({ Name: slot.slot_id, GroupName: 'orchestrator' }));
      expect(got.Target?.Input).toBe(JSON.stringify(slot));
    });

    it('validates names, expressions and input size; answers an unknown schedule with ResourceNotFoundException', async () => {
      const client = scheduler();

      const badName = await rejection(client.send(create('has space')));
      const longName = await rejection(client.send(create('x'.repeat(65))));
      const badExpression = await rejection(client.send(new CreateScheduleCommand({ ...create('ok').input, ScheduleExpression: 'at(2026-13-01T00:00:00)' })));
      const bigInput = await rejection(client.send(create('big', 'x'.repeat(256 * 1024 + 1))));
      const unknown = await rejection(client.send(new DeleteScheduleCommand({ Name: 'never-made', GroupName: 'orchestrator' })));

      for (const error of [badName, longName, badExpression, bigInput]) expect(error).toBeInstanceOf(ValidationException);
      expect(unknown).toBeInstanceOf(ResourceNotFoundException);
      expect(aws.schedules.size).toBe(0);
    });
  });

  describe('SQS', () => {
    const queueUrl = 'https://sqs.us-east-1.amazonaws.com/000000000000/triggers';
    function sqs() {
      aws = new SimulatedAws({ now: () => t });
      const client = new SQSClient({ region, credentials, maxAttempts: 1 });
      opened.push(client);
      aws.attachSqs(client);
      return client;
    }

    it('refuses a batch over 256 KB with BatchRequestTooLong and one of 11 entries with TooManyEntriesInBatchRequest', async () => {
      const client = sqs();
      const body = 'x'.repeat(130 * 1024);

      const tooLong = await rejection(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ['a', 'b'].map((Id) => ({ Id, MessageBody: body })) })));
      const tooMany = await rejection(
        client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })) })),
      );

      expect(tooLong).toBeInstanceOf(BatchRequestTooLong);
      expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
      expect(aws.messages).toHaveLength(0);
      expect(aws.report().sqs.largestBatchBytes).toBe(2 * 130 * 1024);
    });

    it('takes the trigger queue’s batches (the SDK checks each body’s MD5) and counts them in GetQueueAttributes', async () => {
      const client = sqs();
      const queue = new SqsTriggerQueue(client, { queueUrl, deadLetterQueueUrl: `${queueUrl}-dlq` });
      const triggers = Array.from({ length: 23 }, (_, i) => ({
        trigger_id: `slot/channel-${i}`,
        channel_id: `channel-${i}`,
        slot_id: 'slot',
        publications: [{ publication_id: `pub-${i}`, video_id: 'video' }],
        priority: 'normal' as const,
        enqueued_at: '2026-11-21T18:00:00.000Z',
      }));

      await queue.send(triggers);
      const depth = await queue.depth();

      expect(depth).toEqual({ pending: 23, in_flight: 0, dead_letter: 0 });
      expect(aws.report().calls).toMatchObject({ 'SQS.SendMessageBatch': 3, 'SQS.GetQueueAttributes': 2 });
      expect(aws.takeMessages(queueUrl).map((m) => JSON.parse(m.body).trigger_id)).toEqual(triggers.map((x) => x.trigger_id));
    });
  });
});
