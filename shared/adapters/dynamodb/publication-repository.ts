import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '#shared/domain/pagination';
import { PENDING_STATUSES, PUBLICATION_STATUSES, type Publication, type PublicationStatus } from '#shared/domain/publication';
import type {
  PublicationQuery,
  PublicationRef,
  PublicationRepository,
  StatusChange,
} from '#shared/ports/publication-repository';
import { mapConcurrent } from '#shared/concurrency';
import { batchGet, batchWrite } from './batch';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor';
import type { TableContext } from './document-client';
import { publicationKeys } from './keys';
import { walkGroupPublications } from './group-publication-walk';
import { countPartition, partitionAttributeOf, queryPage, sortAttributeOf, type PartitionQuery } from './query-pages';
import { INDEXES, type IndexName } from './table-definition';

/** Above every sort key (`<ISO instant>#<id>`): an open upper bound. */
const SORT_KEY_MAX = '~';

/**
 * Publications: one item each, indexed per channel and status (gsi1), per
 * status (gsi2), per slot (gsi3) and per video (gsi4). A status change rewrites the index keys
 * with it, so "the held ones, in scheduled order" is a key-ordered query.
 */
export class DynamoPublicationRepository implements PublicationRepository {
  constructor(private readonly table: TableContext) {}

  async putMany(publications: readonly Publication[]): Promise<void> {
    await batchWrite(
      this.table.doc,
      this.table.tableName,
      publications.map((p) => ({ PutRequest: { Item: { ...publicationKeys.item(p), entity: 'publication', ...p } } })),
    );
  }

  async deleteMany(publicationIds: readonly string[]): Promise<void> {
    await batchWrite(
      this.table.doc,
      this.table.tableName,
      publicationIds.map((id) => ({ DeleteRequest: { Key: publicationKeys.key(id) } })),
    );
  }

  async get(publicationId: string): Promise<Publication | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: publicationKeys.key(publicationId), ConsistentRead: true }),
    );
    return Item ? toPublication(Item) : null;
  }

  async getMany(publicationIds: readonly string[]): Promise<Map<string, Publication>> {
    const items = await batchGet(this.table.doc, this.table.tableName, publicationIds.map(publicationKeys.key));
    return new Map(items.map((item) => [String(item.publication_id), toPublication(item)]));
  }

  /**
   * One filtered list, earliest scheduled first. A group is walked slot by
   * slot (group-publication-walk.ts); a video is one gsi4 partition; the
   * other filters then apply to what those read. Otherwise a channel and a
   * status name one gsi1 partition, a status one gsi2 partition, and without
   * them the page is merged from the partition of every status: there the
   * cursor is the sort key of the last item returned, so it resumes any of
   * these the same way. Every cursor is bound to the filters, since the same
   * position means another page under others.
   */
  async list(query: PublicationQuery): Promise<Page<Publication>> {
    const scope = publicationListScope(query);
    if (query.groupId !== undefined) return this.listGroup(query.groupId, query, scope);
    if (query.videoId !== undefined) return this.listVideo(query.videoId, query, scope);
    const statuses = query.status ? [query.status] : PUBLICATION_STATUSES;
    const partitions = statuses.map((status) =>
      query.channelId
        ? { index: INDEXES.byOwner.name, partition: publicationKeys.channelStatusPartition(query.channelId, status) }
        : { index: INDEXES.byStatus.name, partition: publicationKeys.statusPartition(status) },
    );
    const after = query.cursor ? decodeCursor(query.cursor, scope, ['after'] as const)?.after : undefined;
    const lower = maxString(query.from ? normalize(query.from) : '', after ? `${after}\u0000` : '');
    const upper = query.to ? normalize(query.to) : SORT_KEY_MAX;
    if (lower > upper) return { items: [], next_cursor: null };

    const pages = await mapConcurrent(partitions, 7, (p) => this.rangePage(p.index, p.partition, lower, upper, query.limit));
    const merged = pages
      .flatMap((page) => page.items)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const taken = merged.slice(0, query.limit);
    const more = merged.length > query.limit || pages.some((page) => page.more);
    const last = taken[taken.length - 1];
    return {
      items: taken.map((entry) => toPublication(entry.item)),
      next_cursor: more && last ? encodeCursor(scope, { after: last.sortKey }) : null,
    };
  }

  /** A group's publications: its slots in time order, each slot's publications from gsi3; video, status and channel filtered. */
  private async listGroup(groupId: string, query: PublicationQuery, scope: CursorScope): Promise<Page<Publication>> {
    const page = await walkGroupPublications(this.table, {
      groupId,
      limit: query.limit,
      cursor: query.cursor,
      from: query.from ? normalize(query.from) : undefined,
      to: query.to ? normalize(query.to) : undefined,
      // The group too: a slot only ever holds its own group's publications, and the filter keeps it so.
      filter: publicationFilter({ group_id: groupId, status: query.status, channel_id: query.channelId, video_id: query.videoId }),
      scope,
    });
    return { items: page.items.map(toPublication), next_cursor: page.nextCursor };
  }

  /** A video's publications: one gsi4 partition ranged by from/to; status and channel filtered. */
  private async listVideo(videoId: string, query: PublicationQuery, scope: CursorScope): Promise<Page<Publication>> {
    const page = await queryPage(
      this.table,
      {
        index: INDEXES.byVideo.name,
        partition: publicationKeys.videoPartition(videoId),
        sortKey: timeRange(query.from, query.to),
        filter: publicationFilter({ status: query.status, channel_id: query.channelId }),
        ascending: true,
      },
      { limit: query.limit, cursor: query.cursor, scope },
    );
    return { items: page.items.map(toPublication), next_cursor: page.nextCursor };
  }

  async listBySlot(slotId: string, limit: number, cursor?: string): Promise<Page<Publication>> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byGroup.name, partition: publicationKeys.slotPartition(slotId), ascending: true },
      { limit, cursor, scope: { list: 'slot-publications', filters: { slot_id: slotId } } },
    );
    return { items: page.items.map(toPublication), next_cursor: page.nextCursor };
  }

  async listByStatus(status: PublicationStatus, limit: number, cursor?: string, before?: string): Promise<Page<Publication>> {
    const page = await queryPage(
      this.table,
      {
        index: INDEXES.byStatus.name,
        partition: publicationKeys.statusPartition(status),
        sortKey: before ? { expression: '#sk < :before', values: { ':before': normalize(before) } } : undefined,
        ascending: true,
      },
      { limit, cursor, scope: { list: 'publications-by-status', filters: { status, before: before ? normalize(before) : undefined } } },
    );
    return { items: page.items.map(toPublication), next_cursor: page.nextCursor };
  }

  async listByChannelStatus(channelId: string, status: PublicationStatus, limit: number, cursor?: string): Promise<Page<Publication>> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byOwner.name, partition: publicationKeys.channelStatusPartition(channelId, status), ascending: true },
      { limit, cursor, scope: { list: 'channel-publications-by-status', filters: { channel_id: channelId, status } } },
    );
    return { items: page.items.map(toPublication), next_cursor: page.nextCursor };
  }

  async changeStatus(publication: PublicationRef, change: StatusChange): Promise<Publication | null> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':to': change.to,
      ':at': change.at,
      ':gsi1pk': publicationKeys.channelStatusPartition(publication.channel_id, change.to),
      ':gsi2pk': publicationKeys.statusPartition(change.to),
    };
    const sets = ['#status = :to', 'updated_at = :at', 'gsi1pk = :gsi1pk', 'gsi2pk = :gsi2pk'];
    if (change.reason !== undefined) {
      sets.push('status_reason = :reason');
      values[':reason'] = change.reason;
    }
    Object.entries(change.set ?? {}).forEach(([name, value], i) => {
      names[`#x${i}`] = name;
      values[`:x${i}`] = value;
      sets.push(`#x${i} = :x${i}`);
    });
    const accepted = change.from.map((status, i) => {
      values[`:from${i}`] = status;
      return `:from${i}`;
    });
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: publicationKeys.key(publication.publication_id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${accepted.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toPublication(Attributes) : null;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  async reschedule(publicationId: string, move: { from: string; to: string; slotId: string; at: string }): Promise<boolean> {
    const to = normalize(move.to);
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: publicationKeys.key(publicationId),
          UpdateExpression:
            // Every index ordered by time moves with it: per channel and status, per status, per video; and it joins its new slot.
            'SET scheduled_at = :to, shifted_from = :from, slot_id = :slot, updated_at = :at, gsi1sk = :sort, gsi2sk = :sort, gsi4sk = :sort, gsi3pk = :slotPartition',
          ConditionExpression: '#status = :scheduled AND scheduled_at = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to,
            ':from': normalize(move.from),
            ':slot': move.slotId,
            ':at': move.at,
            ':sort': publicationKeys.timeSortKey(to, publicationId),
            ':slotPartition': publicationKeys.slotPartition(move.slotId),
            ':scheduled': 'scheduled',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markTriggerReceived(publicationId: string, at: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: publicationKeys.key(publicationId),
          UpdateExpression: 'SET trigger_received_at = :at, updated_at = :at',
          ConditionExpression: '#status = :dispatching AND (attribute_not_exists(trigger_received_at) OR trigger_received_at = :null)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':dispatching': 'dispatching', ':null': null },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async countByStatus(status: PublicationStatus): Promise<number> {
    return countPartition(this.table, { index: INDEXES.byStatus.name, partition: publicationKeys.statusPartition(status) });
  }

  async countPendingForChannel(channelId: string): Promise<number> {
    const counts = await Promise.all(
      PENDING_STATUSES.map((status) =>
        countPartition(this.table, { index: INDEXES.byOwner.name, partition: publicationKeys.channelStatusPartition(channelId, status) }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Up to `limit` items of one partition with lower <= sort key <= upper, ascending. */
  private async rangePage(index: IndexName, partition: string, lower: string, upper: string, limit: number) {
    const sortAttribute = sortAttributeOf(index);
    const result = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
        ExpressionAttributeNames: { '#pk': partitionAttributeOf(index), '#sk': sortAttribute },
        ExpressionAttributeValues: { ':pk': partition, ':lower': lower, ':upper': upper },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => ({ item, sortKey: String(item[sortAttribute]) })),
      more: result.LastEvaluatedKey !== undefined,
    };
  }
}

/**
 * What a GET /publications cursor is bound to: every filter, instants in
 * their stored form (so `…Z` and `…+01:00` for one instant are one filter).
 */
export function publicationListScope(query: Omit<PublicationQuery, 'limit' | 'cursor'>): CursorScope {
  return {
    list: 'publications',
    filters: {
      status: query.status,
      channel_id: query.channelId,
      from: query.from ? normalize(query.from) : undefined,
      to: query.to ? normalize(query.to) : undefined,
      group_id: query.groupId,
      video_id: query.videoId,
    },
  };
}

/**
 * A key condition on a `<scheduled_at>#<publication_id>` sort key: at or
 * after `from`, before `to` (`<to>#...` sorts above `<to>`, so BETWEEN
 * leaves `to` out). No bound is written as an empty string, which DynamoDB
 * refuses as a key value.
 */
function timeRange(from: string | undefined, to: string | undefined): PartitionQuery['sortKey'] {
  if (from && to) return { expression: '#sk BETWEEN :from AND :to', values: { ':from': normalize(from), ':to': normalize(to) } };
  if (from) return { expression: '#sk >= :from', values: { ':from': normalize(from) } };
  if (to) return { expression: '#sk < :to', values: { ':to': normalize(to) } };
  return undefined;
}

/** Equality filters on the attributes given (undefined ones are left out); none is no filter. */
function publicationFilter(equal: Record<string, string | undefined>): PartitionQuery['filter'] {
  const given = Object.entries(equal).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (given.length === 0) return undefined;
  return {
    expression: given.map((_, i) => `#f${i} = :f${i}`).join(' AND '),
    names: Object.fromEntries(given.map(([name], i) => [`#f${i}`, name])),
    values: Object.fromEntries(given.map(([, value], i) => [`:f${i}`, value])),
  };
}

/** Stored instants are always `toISOString()`, so strings compare as times. */
function normalize(iso: string): string {
  return new Date(iso).toISOString();
}

function maxString(a: string, b: string): string {
  return a > b ? a : b;
}

export function toPublication(item: Record<string, unknown>): Publication {
  return {
    publication_id: item.publication_id as string,
    group_id: item.group_id as string,
    group_kind: item.group_kind as Publication['group_kind'],
    video_id: item.video_id as string,
    channel_id: item.channel_id as string,
    scheduled_at: item.scheduled_at as string,
    requested_at: item.requested_at as string,
    shifted_from: (item.shifted_from as string | null | undefined) ?? null,
    priority: Number(item.priority),
    status: item.status as PublicationStatus,
    slot_id: item.slot_id as string,
    run_id: (item.run_id as string | null | undefined) ?? null,
    status_reason: (item.status_reason as string | null | undefined) ?? null,
    trigger_received_at: (item.trigger_received_at as string | null | undefined) ?? null,
    created_at: item.created_at as string,
    updated_at: item.updated_at as string,
  };
}
