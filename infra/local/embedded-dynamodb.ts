import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '#shared/adapters/dynamodb/table-definition';

export interface EmbeddedDynamoDb {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Closes open connections and the store (on disk: flushed and unlocked). */
  close(): Promise<void>;
}

/**
 * dynalite in this process, on 127.0.0.1 and a free port: in memory, or in
 * `directory` (LevelDB, created when missing) so that the table outlives the
 * process. Tables are ACTIVE as soon as they are created.
 */
export async function startEmbeddedDynamoDb(options: { directory?: string | undefined } = {}): Promise<EmbeddedDynamoDb> {
  if (options.directory) await mkdir(options.directory, { recursive: true });
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.directory ? { path: options.directory } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // dynalite's close waits for every connection; the SDK keeps its own alive.
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Creates the table from the shared definition unless it exists (a DATA_DIR from an earlier run), and waits until it is ACTIVE. */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'existing'> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    let outcome: 'created' | 'existing' = 'existing';
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        await client.send(new CreateTableCommand(createTableInput(tableName)));
        outcome = 'created';
      } catch (createError) {
        if (!(createError instanceof ResourceInUseException)) throw createError;
      }
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') return outcome;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`table ${tableName} did not become ACTIVE`);
  } finally {
    client.destroy();
  }
}

type StoredItem = Record<string, AttributeValue>;

/**
 * Brings the table's global secondary indexes back in line with its items
 * after a crash, before anything else reads or writes them.
 *
 * dynalite on LevelDB writes an item's index entries (the old ones deleted,
 * then the new ones put) before the item itself, each a separate LevelDB
 * write. A process killed between them (kill -9, a crash) leaves what
 * DynamoDB never leaves for good: an index entry whose item was never
 * written, an item whose index entry was deleted (no query finds it again:
 * a group left `planning` that no reconciliation lists), or an entry that
 * shows a state its item never reached (a commit the item does not have).
 *
 * Every item concerned is written again through dynalite, which recomputes
 * its entries: each stray entry is first written as the item (so that
 * dynalite holds it and deletes it on the next write), then the item is
 * written as it is stored, or deleted when there is none.
 * @returns how many items it repaired.
 */
export async function repairIndexes(endpoint: string, tableName: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const tableKeys = (Table?.KeySchema ?? []).map((k) => k.AttributeName as string);
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName as string,
      keys: (index.KeySchema ?? []).map((k) => k.AttributeName as string),
    }));
    const keyOf = (item: StoredItem, names: string[]) => (names.every((n) => item[n] !== undefined) ? canonical(names.map((n) => item[n])) : null);

    const items = new Map<string, StoredItem>();
    for await (const item of scanAll(client, tableName)) items.set(keyOf(item, tableKeys) as string, item);
    const stray = new Map<string, StoredItem[]>();
    const repair = new Set<string>();
    for (const index of indexes) {
      const listed = new Set<string>();
      for await (const entry of scanAll(client, tableName, index.name)) {
        const key = keyOf(entry, tableKeys) as string;
        const item = items.get(key);
        listed.add(key);
        if (!item || keyOf(item, index.keys) !== keyOf(entry, index.keys)) {
          stray.set(key, [...(stray.get(key) ?? []), entry]);
          repair.add(key);
        } else if (canonical(item) !== canonical(entry)) {
          repair.add(key);
        }
      }
      for (const [key, item] of items) if (keyOf(item, index.keys) !== null && !listed.has(key)) repair.add(key);
    }
    for (const key of repair) {
      for (const entry of stray.get(key) ?? []) await client.send(new PutItemCommand({ TableName: tableName, Item: entry }));
      const item = items.get(key);
      if (item) {
        await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
      } else {
        const entry = stray.get(key)?.[0] as StoredItem;
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: Object.fromEntries(tableKeys.map((n) => [n, entry[n] as AttributeValue])) }));
      }
    }
    return repair.size;
  } finally {
    client.destroy();
  }
}

/** Every item of the table, or every entry of one of its indexes, page by page. */
async function* scanAll(client: DynamoDBClient, tableName: string, indexName?: string): AsyncGenerator<StoredItem> {
  let start: StoredItem | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, IndexName: indexName, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** JSON with object keys sorted: two copies of an item compare equal whatever order their attributes come in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
