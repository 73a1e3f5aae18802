import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from './document-client';
import { decodeCursor, encodeCursor, invalidCursor, type CursorScope } from './cursor';
import { INDEXES, PRIMARY_KEY, type IndexName } from './table-definition';

/** One partition of the table or of an index, read in key order. */
export interface PartitionQuery {
  index?: IndexName | undefined;
  partition: string;
  /** A condition on the sort key, written against `#sk` with its own `:values`. */
  sortKey?: { expression: string; values: Record<string, unknown> } | undefined;
  filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> } | undefined;
  ascending: boolean;
}

/** Which page of a list: its size, the cursor it resumes from, and the scope that cursor must have been made for. */
export interface PageSpec {
  limit: number;
  cursor?: string | undefined;
  /** The list and filters this read serves; the next cursor is bound to them. */
  scope: CursorScope;
}

export interface QueryPage {
  items: Record<string, unknown>[];
  /** Where the next page starts, or null when the partition is exhausted. */
  nextCursor: string | null;
}

/** At most this many Query calls for one page of a filtered list; past it the page comes back short, with a cursor. */
const MAX_ROUNDS = 10;

/**
 * Reads one page of `limit` items from a partition. Filtered queries read on
 * until the page is full or the partition ends. The cursor is the key of the
 * last item read, bound to the page's scope; a cursor made for another scope
 * is refused, and so is one whose key lies in another partition (forged).
 */
export async function queryPage(table: TableContext, query: PartitionQuery, page: PageSpec): Promise<QueryPage> {
  const { limit, scope } = page;
  const keyNames = keyAttributesOf(query.index);
  const start = decodeCursor(page.cursor, scope, keyNames);
  if (start && start[partitionAttributeOf(query.index)] !== query.partition) throw invalidCursor();
  const partitionAttribute = partitionAttributeOf(query.index);
  const sortAttribute = sortAttributeOf(query.index);
  const input: QueryCommandInput = {
    TableName: table.tableName,
    IndexName: query.index,
    KeyConditionExpression: `#pk = :pk${query.sortKey ? ` AND ${query.sortKey.expression}` : ''}`,
    ExpressionAttributeNames: {
      '#pk': partitionAttribute,
      ...(query.sortKey ? { '#sk': sortAttribute } : {}),
      ...(query.filter?.names ?? {}),
    },
    ExpressionAttributeValues: { ':pk': query.partition, ...(query.sortKey?.values ?? {}), ...(query.filter?.values ?? {}) },
    FilterExpression: query.filter?.expression,
    ScanIndexForward: query.ascending,
  };

  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined = start;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = await table.doc.send(
      new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: exclusiveStartKey }),
    );
    items.push(...(result.Items ?? []));
    exclusiveStartKey = result.LastEvaluatedKey;
    if (!exclusiveStartKey) return { items, nextCursor: null };
    if (items.length >= limit) break;
  }
  return { items, nextCursor: encodeCursor(scope, pick(exclusiveStartKey ?? {}, keyNames)) };
}

/** Counts a partition's items (paging through COUNT queries). */
export async function countPartition(table: TableContext, query: Omit<PartitionQuery, 'ascending'>): Promise<number> {
  let count = 0;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const result = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: query.index,
        KeyConditionExpression: `#pk = :pk${query.sortKey ? ` AND ${query.sortKey.expression}` : ''}`,
        ExpressionAttributeNames: {
          '#pk': partitionAttributeOf(query.index),
          ...(query.sortKey ? { '#sk': sortAttributeOf(query.index) } : {}),
          ...(query.filter?.names ?? {}),
        },
        ExpressionAttributeValues: { ':pk': query.partition, ...(query.sortKey?.values ?? {}), ...(query.filter?.values ?? {}) },
        FilterExpression: query.filter?.expression,
        Select: 'COUNT',
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    count += result.Count ?? 0;
    exclusiveStartKey = result.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return count;
}

function indexOf(name: IndexName | undefined) {
  return Object.values(INDEXES).find((i) => i.name === name);
}

export function partitionAttributeOf(index: IndexName | undefined): string {
  return indexOf(index)?.partitionKey ?? PRIMARY_KEY.partitionKey;
}

export function sortAttributeOf(index: IndexName | undefined): string {
  return indexOf(index)?.sortKey ?? PRIMARY_KEY.sortKey;
}

/** The attributes of a LastEvaluatedKey for the table or an index. */
function keyAttributesOf(index: IndexName | undefined): string[] {
  const table = [PRIMARY_KEY.partitionKey, PRIMARY_KEY.sortKey];
  const found = indexOf(index);
  return found ? [...table, found.partitionKey, found.sortKey] : table;
}

function pick(item: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, String(item[n])]));
}
