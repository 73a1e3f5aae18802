import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { TableContext } from '#shared/adapters/dynamodb/document-client';
import { systemStateKeys } from '#shared/adapters/dynamodb/keys';
import { createTableInput } from '#shared/adapters/dynamodb/table-definition';

/** A table on the embedded DynamoDB, with the document client the repositories take. */
export interface EmbeddedTable extends TableContext {
  endpoint: string;
}

/** One in-process dynalite: start one per test FILE (beforeAll), make a fresh table per test when isolation matters. */
export interface EmbeddedDynamo {
  endpoint: string;
  /** Creates a uniquely named table shaped like the real one (createTableInput). */
  createTable(prefix?: string): Promise<EmbeddedTable>;
  close(): Promise<void>;
}

/** Starts dynalite in memory on 127.0.0.1, on a free port. */
export async function startEmbeddedDynamo(): Promise<EmbeddedDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  return {
    endpoint,
    async createTable(prefix = 'orchestrator') {
      const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      // dynalite answers CREATING and turns ACTIVE a tick later: a write before then is ResourceNotFound.
      while ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { endpoint, tableName, doc };
    },
    async close() {
      client.destroy();
      // Keep-alive sockets of other clients (the composition root's) would hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A dynalite with one table: the usual set-up of a test file. `close` stops the dynalite. */
export async function embeddedTable(prefix?: string): Promise<EmbeddedTable & { close(): Promise<void> }> {
  const dynamo = await startEmbeddedDynamo();
  const table = await dynamo.createTable(prefix);
  return { ...table, close: () => dynamo.close() };
}

/** Every item of the table, read consistently, in key order. A Scan: for tests only. */
export async function scanTable(table: TableContext): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const keyOf = (item: Record<string, unknown>) => `${String(item.pk)}\u0000${String(item.sk)}`;
  return items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** A comparable picture of the table: the system state item, how many items there are, and all of them. */
export interface TableSnapshot {
  systemState: Record<string, unknown> | null;
  itemCount: number;
  items: Record<string, unknown>[];
}

export async function snapshotTable(table: TableContext): Promise<TableSnapshot> {
  const [{ Item }, items] = await Promise.all([
    table.doc.send(new GetCommand({ TableName: table.tableName, Key: systemStateKeys.key(), ConsistentRead: true })),
    scanTable(table),
  ]);
  return { systemState: Item ?? null, itemCount: items.length, items };
}

/**
 * The usual set-up of a repository test file: one dynalite for the file and
 * a fresh table for each test, handed to `onTable` before the test runs.
 */
export function useTablePerTest(onTable: (table: EmbeddedTable) => void): void {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    onTable(await dynamo.createTable());
  });
}
