import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys } from '#shared/adapters/dynamodb/keys';
import { MAX_CHANNELS_PER_REQUEST } from '#shared/schemas/coordination';
import { embeddedTable, snapshotTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

const NOW = '2026-06-01T10:00:00.000Z';
const NOON = '2026-06-02T12:00:00.000Z';
/** DynamoDB's item limit, which the answer below is well over. */
const ITEM_LIMIT_BYTES = 400 * 1024;

/** Channel ids as long as the schema allows (64 characters), so the answer is as large as it gets. */
const channelIds = Array.from({ length: MAX_CHANNELS_PER_REQUEST }, (_, i) => `channel-${String(i).padStart(4, '0')}-`.padEnd(64, 'x'));

/**
 * SPEC "Everywhere" (Idempotency-Key) with "Guarantees" (no item over its AWS
 * limit): the largest coordinate-publication answer, every channel's
 * publication preempting a booking (each conflict and each move listed), is
 * kept whole and replayed as it was first answered.
 */
/**
 * A function given all the time it needs: this test is about the answer's size, and on a loaded machine a
 * 1,000-channel booking on dynalite can outlive the 28 s an answer may wait by default (then answered 202).
 */
const LONG_RUNNING = { remainingTimeMs: 900_000 };

describe('POST /coordinate-publication: an answer larger than an item, replayed (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock(NOW);
  const scheduler = new RecordingSlotScheduler();

  beforeAll(async () => {
    table = await embeddedTable('large-answer');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: new RecordingTriggerQueue() });
    for (const channelId of channelIds) {
      const put = await api.call('putChannel', {
        params: { channel_id: channelId },
        body: { name: channelId, priority: 5, publishing: { timezone: 'UTC', slots: [], min_gap_minutes: 60 } },
      });
      expect(put.status).toBe(201);
    }
    for (const videoId of ['first', 'second']) expect((await api.call('createVideo', { body: { video_id: videoId, title: videoId } })).status).toBe(201);
    expect((await api.call('start')).status).toBe(200);
    // Every channel booked at noon at a low priority: the request below preempts each of them.
    const low = await api.call(
      'coordinatePublication',
      { body: { video_id: 'first', channel_ids: channelIds, timing: 'simultaneous', scheduled_at: NOON, priority: 1 } },
      LONG_RUNNING,
    );
    expect(low.status).toBe(201);
  }, 300_000);
  afterAll(async () => table.close());

  it(`replays a ${MAX_CHANNELS_PER_REQUEST}-channel answer (every conflict and move listed) byte for byte, marked idempotent-replayed, booking nothing again`, async () => {
    // Prepare
    const request = {
      headers: { 'Idempotency-Key': 'large-answer-1' },
      body: { video_id: 'second', channel_ids: channelIds, timing: 'simultaneous', scheduled_at: NOON, priority: 9, conflict_policy: 'preempt' },
    } as const;
    const first = await api.call('coordinatePublication', request, LONG_RUNNING);
    expect(first.status).toBe(201);
    expect(first.body.conflicts).toHaveLength(MAX_CHANNELS_PER_REQUEST);
    expect(first.body.preempted).toHaveLength(MAX_CHANNELS_PER_REQUEST);
    expect(Buffer.byteLength(first.raw)).toBeGreaterThan(ITEM_LIMIT_BYTES);
    const after = await snapshotTable(table);
    const schedules = scheduler.schedules.size;

    // Act
    const replay = await api.call('coordinatePublication', request, LONG_RUNNING);

    // Assess
    expect(replay.status).toBe(201);
    expect(replay.raw === first.raw).toBe(true);
    expect(replay.headers).toEqual({ ...first.headers, 'idempotent-replayed': 'true' });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await snapshotTable(table)).toEqual(after);
    expect(scheduler.schedules.size).toBe(schedules);
    // Kept compressed in its record, which is how it fits.
    const { Items } = await table.doc.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': idempotencyKeys.partition }, ConsistentRead: true }),
    );
    expect(Items?.map((item) => Object.keys(item.data as object).sort())).toEqual([['compressed_body', 'headers', 'statusCode']]);
  }, 300_000);
});
