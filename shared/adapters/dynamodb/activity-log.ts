import type { ActivityEntry } from '#shared/domain/activity';
import type { Page } from '#shared/domain/pagination';
import type { ActivityLog, ActivityQuery } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import { batchWrite, type WriteRequest } from './batch';
import { decodeCursor, encodeCursor, invalidCursor, type CursorScope } from './cursor';
import type { TableContext } from './document-client';
import { activityKeys, monthOf } from './keys';
import { readMerged } from './merged-partitions';
import { queryPage } from './query-pages';
import { INDEXES, TTL_ATTRIBUTE } from './table-definition';

/**
 * Channel ids the main item of an entry keeps. Requests name at most 1,000
 * channels, but a release of held work can concern every channel: 1,000 ids
 * of 64 characters are about 66 KB, far below DynamoDB's 400 KB item.
 */
export const MAX_STORED_CHANNEL_IDS = 1_000;

/**
 * The audit trail. Each entry is one item in its month's partition (sorted by
 * its time-sortable id, indexed by type on gsi2), both spread over
 * ACTIVITY_SHARDS shards by the id's hash so that a burst of entries shares
 * no one partition and reads merge the shards; plus one copy in the
 * partition of every channel it concerns, so "newest first", "of this type"
 * and "of this channel" are all key-ordered queries, never scans. A copy
 * names only its own channel (and the count of all): copying the whole list
 * into each made a 1,000-channel entry write about 65 MB, the square of its
 * channels.
 */
export class DynamoActivityLog implements ActivityLog {
  constructor(
    private readonly table: TableContext,
    private readonly clock: Clock,
    /** Entries expire (TTL) after this many days; the month walk stops there too. */
    private readonly retentionDays: number,
  ) {}

  async append(entries: readonly ActivityEntry[]): Promise<void> {
    // Same id, same content: a re-appended entry overwrites itself, never doubles.
    const requests: WriteRequest[] = entries.flatMap((entry) => {
      const body = { ...entry, channel_count: entry.channel_ids.length, entity: 'activity', [TTL_ATTRIBUTE]: this.expiryOf(entry.at) };
      const main = { ...body, channel_ids: entry.channel_ids.slice(0, MAX_STORED_CHANNEL_IDS) };
      return [
        { PutRequest: { Item: { ...main, ...activityKeys.item(entry.activity_id, entry.at, entry.type) } } },
        ...entry.channel_ids.map((channelId) => ({
          PutRequest: { Item: { ...body, channel_ids: [channelId], ...activityKeys.channelCopy(channelId, entry.activity_id) } },
        })),
      ];
    });
    await batchWrite(this.table.doc, this.table.tableName, requests);
  }

  async list(query: ActivityQuery): Promise<Page<ActivityEntry>> {
    const scope = activityListScope(query);
    if (query.channelId) {
      const page = await queryPage(
        this.table,
        {
          partition: activityKeys.channelCopy(query.channelId, '').pk,
          sortKey: { expression: 'begins_with(#sk, :prefix)', values: { ':prefix': activityKeys.sortPrefix } },
          filter: query.type ? { expression: '#type = :type', names: { '#type': 'type' }, values: { ':type': query.type } } : undefined,
          ascending: false,
        },
        { limit: query.limit, cursor: query.cursor, scope },
      );
      return { items: page.items.map(toEntry), next_cursor: page.nextCursor };
    }
    if (query.type) {
      const after = query.cursor ? decodeCursor(query.cursor, scope, ['after'] as const)?.after : undefined;
      const page = await readMerged(this.table, {
        index: INDEXES.byStatus.name,
        partitions: activityKeys.typePartitions(query.type),
        sortKey: after ? { expression: '#sk < :after', values: { ':after': after } } : undefined,
        ascending: false,
        limit: query.limit,
      });
      const items = page.entries.map((entry) => toEntry(entry.item));
      const last = items[items.length - 1];
      return { items, next_cursor: page.more && last ? encodeCursor(scope, { after: last.activity_id }) : null };
    }
    return this.listAcrossMonths(query.limit, query.cursor, scope);
  }

  /**
   * Newest first across months, walking back to the retention horizon; each
   * month merged from its ACTIVITY_SHARDS partitions. The cursor is the month
   * and id of the last entry returned.
   */
  private async listAcrossMonths(limit: number, cursor: string | undefined, scope: CursorScope): Promise<Page<ActivityEntry>> {
    const horizon = monthOf(new Date(this.clock.now().getTime() - this.retentionDays * 86_400_000).toISOString());
    let month = monthOf(this.clock.now().toISOString());
    let after: string | undefined;
    if (cursor) {
      const position = decodeCursor(cursor, scope, ['month', 'after'] as const) as { month: string; after: string };
      // Only a real month not after the current one: a forged month would walk the months for ever (00) or for ages (9999-12).
      if (!/^\d{4}-(?:0[1-9]|1[0-2])$/.test(position.month) || position.month > month) throw invalidCursor();
      month = position.month;
      after = position.after;
    }
    const items: ActivityEntry[] = [];
    while (month >= horizon) {
      const page = await readMerged(this.table, {
        partitions: activityKeys.monthPartitions(month),
        sortKey: after ? { expression: '#sk < :after', values: { ':after': activityKeys.sortKey(after) } } : undefined,
        ascending: false,
        limit: limit - items.length,
      });
      items.push(...page.entries.map((entry) => toEntry(entry.item)));
      const last = items[items.length - 1];
      // More in this month, or the page is full (the month may end exactly here: the next page finds it empty and walks on).
      if (last && (page.more || items.length >= limit)) return { items, next_cursor: encodeCursor(scope, { month, after: last.activity_id }) };
      month = previousMonth(month);
      after = undefined;
    }
    return { items, next_cursor: null };
  }

  private expiryOf(at: string): number {
    return Math.floor(Date.parse(at) / 1000) + this.retentionDays * 86_400;
  }
}

/** What a GET /activity cursor is bound to: the type and channel filters, whichever partition they read. */
export function activityListScope(query: Pick<ActivityQuery, 'type' | 'channelId'>): CursorScope {
  return { list: 'activity', filters: { type: query.type, channel_id: query.channelId } };
}

function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

function toEntry(item: Record<string, unknown>): ActivityEntry {
  const channelIds = (item.channel_ids as string[] | undefined) ?? [];
  return {
    activity_id: item.activity_id as string,
    at: item.at as string,
    type: item.type as ActivityEntry['type'],
    actor: item.actor as string,
    target: item.target as ActivityEntry['target'],
    channel_ids: channelIds,
    // Entries stored before the count was, kept their whole list in every item.
    channel_count: (item.channel_count as number | undefined) ?? channelIds.length,
    details: (item.details as Record<string, unknown> | undefined) ?? {},
    request_id: item.request_id as string,
  };
}
