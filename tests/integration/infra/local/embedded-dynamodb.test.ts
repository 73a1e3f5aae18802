import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as dynaliteStore from 'dynalite/db/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTable, repairIndexes, startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '#infra/local/embedded-dynamodb';

const TABLE = 'repair-test';
const PLANNING = 'GROUP#STATUS#planning';
const FINISHING = 'GROUP#STATUS#finishing';

/** A group item as the group repository stores it: `planning` ones carry the sparse planning index (gsi2). */
const group = (id: string, status: 'planning' | 'scheduled' | 'failed', gsi2pk: string | null = status === 'planning' ? PLANNING : null) => ({
  pk: `GROUP#${id}`,
  sk: 'GROUP',
  entity: 'group',
  group_id: id,
  status,
  ...(gsi2pk ? { gsi2pk, gsi2sk: `2026-01-01T00:10:00.000Z#${id}` } : {}),
});

describe('Function: repairIndexes', () => {
  let dataDir: string;
  let dynamo: EmbeddedDynamoDb | undefined;
  let doc: DynamoDBDocumentClient;

  const open = async () => {
    dynamo = await startEmbeddedDynamoDb({ directory: path.join(dataDir, 'dynamodb') });
    await ensureTable(dynamo.endpoint, TABLE);
    doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
  };
  const close = async () => {
    doc.destroy();
    await dynamo?.close();
    dynamo = undefined;
  };
  const planningIds = async (partition = PLANNING) => {
    const { Items } = await doc.send(
      new QueryCommand({ TableName: TABLE, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': partition } }),
    );
    return (Items ?? []).map((item) => `${item.group_id as string} ${item.status as string}`).sort();
  };

  /**
   * What a process killed inside dynalite leaves: for each write, the index
   * step done (old entries deleted, new ones put) and the item not written.
   */
  const crashMidWrites = async (writes: { before: Record<string, unknown> | null; after: Record<string, unknown> }[]) => {
    const store = dynaliteStore.create({ path: path.join(dataDir, 'dynamodb') });
    // As stored: every attribute of these items is a string.
    const raw = (item: Record<string, unknown> | null) => (item ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: String(v) }])) : null);
    try {
      const table = await promisify(store.getTable)(TABLE);
      for (const { before, after } of writes) {
        await promisify(dynaliteStore.updateIndexes)(store, table as dynaliteStore.TableDescription, raw(before), raw(after));
      }
    } finally {
      await store.lifecycleManager.gracefulClose();
    }
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'repair-indexes-'));
  });
  afterEach(async () => {
    if (dynamo) await close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('restores the index to what the items say after writes killed between their index step and their item', async () => {
    // Prepare: g1 and g2 planning, g3 scheduled; then three writes each killed after its index step:
    // g1's rollback end (its planning entry deleted), g2's commit (planning entry swapped for a finishing one),
    // and the creation of g4 (an entry for an item never written).
    await open();
    for (const item of [group('g1', 'planning'), group('g2', 'planning'), group('g3', 'scheduled')]) await doc.send(new PutCommand({ TableName: TABLE, Item: item }));
    await close();
    await crashMidWrites([
      { before: group('g1', 'planning'), after: group('g1', 'failed') },
      { before: group('g2', 'planning'), after: group('g2', 'scheduled', FINISHING) },
      { before: null, after: group('g4', 'planning') },
    ]);
    await open();
    const afterCrash = { planning: await planningIds(), finishing: await planningIds(FINISHING) };

    // Act
    const repaired = await repairIndexes(dynamo?.endpoint as string, TABLE);

    // Assess
    expect(afterCrash).toEqual({ planning: ['g4 planning'], finishing: ['g2 scheduled'] }); // the divergence the crash left
    expect(repaired).toBe(3);
    expect(await planningIds()).toEqual(['g1 planning', 'g2 planning']);
    expect(await planningIds(FINISHING)).toEqual([]);
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'GROUP#g4', sk: 'GROUP' } }))).Item).toBeUndefined();
    expect(await repairIndexes(dynamo?.endpoint as string, TABLE)).toBe(0); // nothing left to repair
  });

  it('repairs nothing in a table whose writes all completed', async () => {
    // Prepare
    await open();
    for (const item of [group('g1', 'planning'), group('g2', 'scheduled', FINISHING)]) await doc.send(new PutCommand({ TableName: TABLE, Item: item }));

    // Act
    const repaired = await repairIndexes(dynamo?.endpoint as string, TABLE);

    // Assess
    expect(repaired).toBe(0);
    expect(await planningIds()).toEqual(['g1 planning']);
  });
});
