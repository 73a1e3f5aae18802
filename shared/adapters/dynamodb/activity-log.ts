import type { ActivityEntry } from '#shared/domain/activity';
import type { Page } from '#shared/domain/pagination';
import type { ActivityLog, ActivityQuery } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import { batchWrite, type WriteRequest } from './batch';
import { invalidCursor, type CursorScope } from './cursor';
import type { TableContext } from './document-client';
import { activityKeys, monthOf } from './keys';
import { cursorAfter, positionOf, queryPage } from './query-pages';
import { INDEXES, TTL_ATTRIBUTE } from './table-definition';

/**
 * Channel ids the main item of an entry keeps. Requests name at most 1,000
 * channels, but a release of held work can concern every channel: 1,000 ids
 * of 64 characters are about 66 KB, far below DynamoDB's 400 KB item.
 */
export const MAX_STORED_CHANNEL_IDS = 1_000;

/**
 * The audit trail. Each entry is one item in its month's partition (sorted by
 * its time-sortable id, indexed by type on gsi2) plus one copy in the
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
      const page = await queryPage(
        this.table,
        { index: INDEXES.byStatus.name, partition: activityKeys.typePartition(query.type), ascending: false },
        { limit: query.limit, cursor: query.cursor, scope },
      );
      return { items: page.items.map(toEntry), next_cursor: page.nextCursor };
    }
    return this.listAcrossMonths(query.limit, query.cursor, scope);
  }

  /** Newest first across month partitions, walking back to the retention horizon. */
  private async listAcrossMonths(limit: number, cursor: string | undefined, scope: CursorScope): Promise<Page<ActivityEntry>> {
    const horizon = monthOf(new Date(this.clock.now().getTime() - this.retentionDays * 86_400_000).toISOString());
    let month = monthOf(this.clock.now().toISOString());
    let monthCursor = cursor;
    if (cursor) {
      const partition = positionOf(cursor, scope).pk ?? '';
      // Only a real month not after the current one: a forged month would walk the months for ever (00) or for ages (9999-12).
      const match = /^ACTIVITY#(\d{4}-(?:0[1-9]|1[0-2]))$/.exec(partition);
      if (!match?.[1] || match[1] > month) throw invalidCursor();
      month = match[1];
    }
    const items: Record<string, unknown>[] = [];
    while (month >= horizon) {
      const page = await queryPage(
        this.table,
        { partition: activityKeys.monthPartition(month), ascending: false },
        { limit: limit - items.length, cursor: monthCursor, scope },
      );
      items.push(...page.items);
      if (page.nextCursor) return { items: items.map(toEntry), next_cursor: page.nextCursor };
      if (items.length >= limit) {
        // This month is exhausted exactly at the page's end: resume after its last item.
        return { items: items.map(toEntry), next_cursor: cursorAfter(items[items.length - 1] ?? {}, scope) };
      }
      month = previousMonth(month);
      monthCursor = undefined;
    }
    return { items: items.map(toEntry), next_cursor: null };
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
