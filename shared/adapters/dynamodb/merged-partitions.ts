import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '#shared/concurrency';
import type { TableContext } from './document-client';
import { partitionAttributeOf, sortAttributeOf, type PartitionQuery } from './query-pages';
import type { IndexName } from './table-definition';

/** Queries of one merged read in flight at once (the unfiltered publication list merges 7 statuses x 8 shards). */
const MERGE_CONCURRENCY = 16;

/** Partitions read side by side and merged by sort key: the shards of one partition, or the partitions of several statuses. */
export interface MergedQuery {
  index?: IndexName | undefined;
  partitions: readonly string[];
  /** The same condition on the sort key in every partition, written against `#sk` with its own `:values`. */
  sortKey?: PartitionQuery['sortKey'];
  ascending: boolean;
  limit: number;
}

export interface MergedEntry {
  item: Record<string, unknown>;
  sortKey: string;
}

export interface MergedPage {
  /** At most `limit` entries, in sort key order (of the read's direction). */
  entries: MergedEntry[];
  /** Whether entries lie beyond the last one answered (a next page exists). */
  more: boolean;
}

/**
 * One page merged from several partitions: one Query each (`limit` items,
 * concurrently, bounded), merged by sort key. The caller's cursor is the sort
 * key of the last entry answered, resumed with a sort key condition past it,
 * so it resumes every partition at once.
 *
 * Answers only entries no unread one can come before: up to the last entry
 * read of any partition that has more (a Query stops at `limit` items or at
 * 1 MB read, whichever first). With `limit` items from such a partition the
 * bound never cuts the first `limit` entries; only the 1 MB stop (large
 * items) can make the page short, never wrong.
 */
export async function readMerged(table: TableContext, query: MergedQuery): Promise<MergedPage> {
  const sortAttribute = sortAttributeOf(query.index);
  const before = (a: string, b: string) => (query.ascending ? a < b : a > b);
  const pages = await mapConcurrent(query.partitions, MERGE_CONCURRENCY, async (partition) => {
    const result = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: query.index,
        KeyConditionExpression: `#pk = :pk${query.sortKey ? ` AND ${query.sortKey.expression}` : ''}`,
        ExpressionAttributeNames: { '#pk': partitionAttributeOf(query.index), ...(query.sortKey ? { '#sk': sortAttribute } : {}) },
        ExpressionAttributeValues: { ':pk': partition, ...(query.sortKey?.values ?? {}) },
        ScanIndexForward: query.ascending,
        Limit: query.limit,
      }),
    );
    const entries = (result.Items ?? []).map((item) => ({ item, sortKey: String(item[sortAttribute]) }));
    return { entries, more: result.LastEvaluatedKey !== undefined };
  });

  // Past the last entry read of a partition with more, that partition's unread entries could come first.
  let bound: string | undefined;
  for (const page of pages) {
    const last = page.entries[page.entries.length - 1];
    if (page.more && last && (bound === undefined || before(last.sortKey, bound))) bound = last.sortKey;
  }
  const merged = pages
    .flatMap((page) => page.entries)
    .sort((a, b) => (before(a.sortKey, b.sortKey) ? -1 : before(b.sortKey, a.sortKey) ? 1 : 0));
  const certain = bound === undefined ? merged : merged.filter((entry) => !before(bound as string, entry.sortKey));
  const entries = certain.slice(0, query.limit);
  return { entries, more: merged.length > entries.length || pages.some((page) => page.more) };
}
