import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, chunk, mapConcurrent, sleep } from '#shared/concurrency';

/** DynamoDB's limits: 25 writes a BatchWriteItem, 100 keys a BatchGetItem. */
export const BATCH_WRITE_SIZE = 25;
export const BATCH_GET_SIZE = 100;
const MAX_ATTEMPTS = 8;

export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * Writes every request in batches of 25, `concurrency` batches at a time,
 * retrying unprocessed items with backoff until all are written.
 */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  // 16 batches of 25 in flight: 400 items, about what a new on-demand table takes in 100 ms (4,000 WCU/s);
  // beyond it DynamoDB answers UnprocessedItems, re-sent below with backoff.
  concurrency = 16,
): Promise<void> {
  await mapConcurrent(chunk(requests, BATCH_WRITE_SIZE), concurrency, async (batch) => {
    let pending: WriteRequest[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await sleep(backoffDelay(attempt, 25, 2_000));
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  });
}

/** Reads every key in batches of 100 with consistent reads, retrying unprocessed keys. */
export async function batchGet<T extends Record<string, unknown>>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, string>[],
  concurrency = 8,
): Promise<T[]> {
  // DynamoDB refuses a batch that names one key twice.
  const unique = [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
  const pages = await mapConcurrent(chunk(unique, BATCH_GET_SIZE), concurrency, async (batch) => {
    const items: T[] = [];
    let pending: Record<string, unknown>[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await sleep(backoffDelay(attempt, 25, 2_000));
      const result = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...((result.Responses?.[tableName] ?? []) as T[]));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    return items;
  });
  return pages.flat();
}
