import { randomInt } from 'node:crypto';
import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, GetItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyConfig, IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ulid } from 'ulidx';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPRESS_ABOVE_BYTES, CompactIdempotencyStore, ITEM_PAYLOAD_BYTES } from '#shared/adapters/dynamodb/compact-idempotency-store';
import { idempotencyKeys } from '#shared/adapters/dynamodb/keys';
import { PRIMARY_KEY, TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';
import { MAX_CHANNELS_PER_REQUEST } from '#shared/schemas/coordination';
import { startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';

/** DynamoDB's item limit. */
const ITEM_LIMIT_BYTES = 400 * 1024;
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-';
const T0 = Date.parse('2026-06-01T00:00:00.000Z');

/** A channel or video id as long and as random as the schema allows (64 of `A-Za-z0-9._-`): the least compressible. */
const randomResourceId = () => Array.from({ length: 64 }, () => ID_CHARS[randomInt(ID_CHARS.length)]).join('');
/** A publication id as booked: `pub_<ULID>`, of a random time within a year (existing bookings were made at other times). */
const randomPublicationId = () => `pub_${ulid(T0 - randomInt(365 * 86_400_000))}`;
const randomInstant = () => new Date(T0 + randomInt(365 * 86_400) * 1000).toISOString();

/**
 * The largest coordinate-publication answer (coordinate-publication.ts
 * `resultOf`): MAX_CHANNELS_PER_REQUEST channels, each publication placed
 * after a conflict that names the publication in the way, and `movesPerChannel`
 * preempted moves a channel (with min_gap and max_per_day held, at most three:
 * the neighbours within the gap on either side and one for the day's cap).
 */
function coordinationAnswer(movesPerChannel: number): { statusCode: number; headers: Record<string, string>; body: string } {
  const video = randomResourceId();
  const channels = Array.from({ length: MAX_CHANNELS_PER_REQUEST }, randomResourceId);
  const body = {
    coordination_id: `coord_${ulid()}`,
    video_id: video,
    timing: 'staggered',
    dry_run: false,
    publications: channels.map((channel) => ({
      publication_id: `pub_${ulid()}`,
      channel_id: channel,
      scheduled_at: randomInstant(),
      status: 'scheduled',
      shifted_from: randomInstant(),
    })),
    conflicts: channels.map((channel) => ({
      channel_id: channel,
      video_id: video,
      requested_at: randomInstant(),
      reason: 'max_per_day',
      conflicting_publication_id: randomPublicationId(),
      resolution: 'preempted',
    })),
    preempted: channels.flatMap((channel) =>
      Array.from({ length: movesPerChannel }, () => ({ publication_id: randomPublicationId(), channel_id: channel, from: randomInstant(), to: randomInstant() })),
    ),
    schedules_created: channels.length,
  };
  return { statusCode: 201, headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' }, body: JSON.stringify(body) };
}

/** A request as the HTTP stack hands it to Powertools (the key and the hashed payload). */
const requestWithKey = (key: string) => ({ headers: { 'idempotency-key': key }, body: { video_id: 'v1' }, pathParameters: null, queryStringParameters: null });
const config = () =>
  new IdempotencyConfig({
    eventKeyJmesPath: 'headers."idempotency-key"',
    payloadValidationJmesPath: '[body, pathParameters, queryStringParameters]',
    expiresAfterSeconds: 86_400,
  });

/**
 * The size DynamoDB counts for an item: attribute names plus values, binary
 * as its bytes (a close upper bound: numbers are counted as their digits).
 */
function itemBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return String(value).length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + itemBytes(v), 3);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).reduce((sum, [name, v]) => sum + Buffer.byteLength(name, 'utf8') + itemBytes(v), 3);
  }
  return 1;
}

describe('Class: CompactIdempotencyStore (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let client: DynamoDBClient;
  let key: string;

  const newStore = (options: { compressAboveBytes?: number; itemPayloadBytes?: number } = {}) => {
    const store = new CompactIdempotencyStore({ tableName: table.tableName, client, ...options });
    store.configure({ config: config(), keyPrefix: 'coordinate-publication' });
    return store;
  };
  /** The idempotency partition of this test's table: the record, then its parts (a table per test). */
  async function storedItems(): Promise<Record<string, unknown>[]> {
    const { Items } = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': idempotencyKeys.partition },
        ConsistentRead: true,
      }),
    );
    return Items ?? [];
  }
  /** The first request: the record written in progress, then completed with `answer`. */
  async function complete(store: DynamoDBPersistenceLayer, answer: object): Promise<void> {
    await store.saveInProgress(requestWithKey(key), 30_000);
    await store.saveSuccess(requestWithKey(key), answer as never);
  }

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });
  beforeEach(async () => {
    table = await dynamo.createTable('idempotency');
    key = `key-${ulid()}`;
  });

  describe('Method: _updateRecord / _getRecord', () => {
    it('stores a small answer as Powertools does, the response itself in the record', async () => {
      // Prepare
      const answer = { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ coordination_id: `coord_${ulid()}` }) };

      // Act
      await complete(newStore(), answer);

      // Assess
      const [record, ...parts] = await storedItems();
      expect(parts).toEqual([]);
      expect(record?.data).toEqual(answer);
      expect((await newStore().getRecord(requestWithKey(key))).getResponse()).toEqual(answer);
    });

    it(`stores the worst coordinate-publication answer (${MAX_CHANNELS_PER_REQUEST} channels, every conflict and 3 moves a channel listed) in one item under 400 KB, and replays it byte for byte`, async () => {
      // Prepare
      const answer = coordinationAnswer(3);
      const rawBytes = Buffer.byteLength(answer.body);
      expect(rawBytes).toBeGreaterThan(ITEM_LIMIT_BYTES);

      // Act
      await complete(newStore(), answer);
      const replayed = (await newStore().getRecord(requestWithKey(key))).getResponse();

      // Assess
      const [record, ...parts] = await storedItems();
      expect(parts).toEqual([]);
      const compressed = (record?.data as { compressed_body: { bytes: Uint8Array } }).compressed_body.bytes;
      expect(compressed.length).toBeLessThanOrEqual(ITEM_PAYLOAD_BYTES);
      expect(itemBytes(record)).toBeLessThan(ITEM_LIMIT_BYTES);
      expect(replayed).toEqual(answer);
      expect((replayed as { body: string }).body === answer.body).toBe(true);
    });

    it('is what the plain Powertools layer cannot do: its record of the same answer is over the item limit and the completion fails', async () => {
      // Prepare
      const plain = new DynamoDBPersistenceLayer({
        tableName: table.tableName,
        awsSdkV3Client: client,
        keyAttr: PRIMARY_KEY.partitionKey,
        sortKeyAttr: PRIMARY_KEY.sortKey,
        staticPkValue: idempotencyKeys.partition,
        expiryAttr: TTL_ATTRIBUTE,
      });
      plain.configure({ config: config(), keyPrefix: 'coordinate-publication' });

      // Act, Assess
      await expect(complete(plain, coordinationAnswer(3))).rejects.toThrow(/size/i);
    });

    it('puts compressed bytes past one item into parts next to the record (a pathological answer: 12 moves a channel), and replays it byte for byte', async () => {
      // Prepare
      const answer = coordinationAnswer(12);

      // Act
      await complete(newStore(), answer);
      const replayed = (await newStore().getRecord(requestWithKey(key))).getResponse();

      // Assess
      const [record, ...parts] = await storedItems();
      const compressed = (record?.data as { compressed_body: { parts: { count: number } } }).compressed_body;
      expect(compressed.parts.count).toBeGreaterThan(1);
      expect(parts).toHaveLength(compressed.parts.count);
      for (const item of [record, ...parts]) expect(itemBytes(item)).toBeLessThan(ITEM_LIMIT_BYTES);
      // The parts expire with their record.
      for (const part of parts) expect(part[TTL_ATTRIBUTE]).toBe(record?.[TTL_ATTRIBUTE]);
      expect((replayed as { body: string }).body === answer.body).toBe(true);
      expect(replayed).toEqual(answer);
    });

    it('ignores parts left by an earlier life of the same record (each completion names its own)', async () => {
      // Prepare: the same key completed twice (the first record expired and was taken over), small parts forcing several, fewer the second time.
      const store = newStore({ compressAboveBytes: 1_000, itemPayloadBytes: 20_000 });
      await complete(store, coordinationAnswer(3));
      const partsBefore = (await storedItems()).length - 1;
      const second = coordinationAnswer(0);

      // Act
      await store.saveSuccess(requestWithKey(key), second as never);

      // Assess
      const stored = await storedItems();
      const named = (stored[0]?.data as { compressed_body: { parts: { count: number } } }).compressed_body.parts.count;
      expect(named).toBeLessThan(partsBefore);
      expect(stored.length - 1).toBe(partsBefore + named);
      expect((await newStore().getRecord(requestWithKey(key))).getResponse()).toEqual(second);
    });

    it('refuses to replay an answer whose parts do not add up, rather than answer something else', async () => {
      // Prepare
      const store = newStore({ compressAboveBytes: 1_000, itemPayloadBytes: 20_000 });
      await complete(store, coordinationAnswer(1));
      const [, firstPart] = await storedItems();
      await client.send(
        new DeleteItemCommand({
          TableName: table.tableName,
          Key: { pk: { S: String(firstPart?.pk) }, sk: { S: String(firstPart?.sk) } },
        }),
      );

      // Act, Assess
      await expect(newStore().getRecord(requestWithKey(key))).rejects.toThrow(/parts/);
    });
  });

  describe('Method: _putRecord', () => {
    let awsLike: DynamoDBClient;
    afterEach(() => awsLike?.destroy());

    it('restores the answer of the record a retry meets (AWS returns it with the failed condition)', async () => {
      // Prepare: a client that answers a failed conditional put as AWS does, with the item met (dynalite returns none).
      awsLike = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      awsLike.middlewareStack.add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            const input = args.input as PutItemCommandInput;
            if (context.commandName === 'PutItemCommand' && error instanceof ConditionalCheckFailedException && input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
              const { Item } = await client.send(new GetItemCommand({ TableName: input.TableName, Key: { pk: input.Item!.pk!, sk: input.Item!.sk! }, ConsistentRead: true }));
              (error as { Item?: unknown }).Item = Item;
            }
            throw error;
          }
        },
        { step: 'initialize', name: 'returnItemOnConditionFailure' },
      );
      const answer = coordinationAnswer(3);
      await complete(newStore(), answer);
      const retrying = new CompactIdempotencyStore({ tableName: table.tableName, client: awsLike });
      retrying.configure({ config: config(), keyPrefix: 'coordinate-publication' });

      // Act
      const met = await retrying.saveInProgress(requestWithKey(key), 30_000).catch((error: unknown) => error);

      // Assess
      expect(met).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
      expect((met as IdempotencyItemAlreadyExistsError).existingRecord?.getResponse()).toEqual(answer);
    });
  });

  it(`leaves bodies of at most ${COMPRESS_ABOVE_BYTES} bytes uncompressed and compresses the ones above`, async () => {
    // Prepare
    const at = { statusCode: 200, headers: {}, body: 'x'.repeat(COMPRESS_ABOVE_BYTES) };
    const above = { statusCode: 200, headers: {}, body: 'x'.repeat(COMPRESS_ABOVE_BYTES + 1) };

    // Act
    await complete(newStore(), at);
    const [atRecord] = await storedItems();
    key = `key-${ulid()}`;
    await complete(newStore(), above);
    const records = await storedItems();
    const aboveRecord = records.find((r) => (r.data as Record<string, unknown>).compressed_body !== undefined);

    // Assess
    expect(atRecord?.data).toEqual(at);
    expect(aboveRecord).toBeDefined();
    expect((await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: aboveRecord?.pk, sk: aboveRecord?.sk } }))).Item?.data).not.toHaveProperty('body');
    expect((await newStore().getRecord(requestWithKey(key))).getResponse()).toEqual(above);
  });
});
