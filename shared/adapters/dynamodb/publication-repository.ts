import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '#shared/domain/pagination';
import { isFinal, PENDING_STATUSES, PUBLICATION_STATUSES, type Publication, type PublicationStatus } from '#shared/domain/publication';
import { DEFAULT_PUBLICATION_RETENTION_DAYS, expiryOf } from '#shared/domain/retention';
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
import { PUBLICATION_STATUS_SHARDS, publicationKeys } from './keys';
import { walkGroupPublications } from './group-publication-walk';
import { readMerged } from './merged-partitions';
import { countPartition, queryPage, type PartitionQuery } from './query-pages';
import { NO_REPAIR_IN_PROGRESS, PublicationIndexCheck, REPAIR_ATTRIBUTE } from './publication-index-check';
import { INDEXES, TTL_ATTRIBUTE, type IndexName } from './table-definition';

/** Above every sort key (`<ISO instant>#<id>`): an open upper bound. */
const SORT_KEY_MAX = '~';
/** How often a write refused by index repairs under way (each finished first) is made again before giving up. */
const MAX_REPAIR_WAITS = 4;

export interface PublicationRepositoryOptions {
  /**
   * Mend index entries that disagree with their items (publication-index-check.ts).
   * For a store that writes index entries before the item (dynalite, the
   * local server), where a killed process leaves such entries behind. Never
   * on DynamoDB: there such an entry is replication lag, and an entry whose
   * item is gone is a deletion not yet propagated.
   */
  repairIndexEntries?: boolean;
  /**
   * Days a publication stays after reaching a final status (its TTL, from the
   * time of that change). @default DEFAULT_PUBLICATION_RETENTION_DAYS
   */
  retentionDays?: number;
}

/**
 * Publications: one item each, indexed per channel and status (gsi1), per
 * status (gsi2, spread over PUBLICATION_STATUS_SHARDS partitions by the id's
 * hash, so a wave's writes share no one partition), per slot (gsi3) and per
 * video (gsi4). A status change rewrites the index keys with it, so "the held
 * ones, in scheduled order" is a key-ordered read (of every shard, merged).
 * Every read through an index answers the items themselves, checked against
 * the read (one consistent BatchGetItem a page): an entry the store kept
 * without its item, or of a version its item never reached, is never
 * answered as a publication.
 */
export class DynamoPublicationRepository implements PublicationRepository {
  private readonly entries: PublicationIndexCheck;
  private readonly retentionDays: number;

  constructor(
    private readonly table: TableContext,
    options: PublicationRepositoryOptions = {},
  ) {
    this.entries = new PublicationIndexCheck(table, options.repairIndexEntries ?? false);
    this.retentionDays = options.retentionDays ?? DEFAULT_PUBLICATION_RETENTION_DAYS;
  }

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
   * status name one gsi1 partition, a status its PUBLICATION_STATUS_SHARDS
   * gsi2 partitions, and without a status the page is merged from the
   * partitions of every status (7 gsi1 partitions for a channel, 7 x 8 gsi2
   * shards for all): there the cursor is the sort key of the last item
   * returned, so it resumes every partition merged the same way. Every
   * cursor is bound to the filters, since the same position means another
   * page under others.
   */
  async list(query: PublicationQuery): Promise<Page<Publication>> {
    const scope = publicationListScope(query);
    if (query.groupId !== undefined) return this.listGroup(query.groupId, query, scope);
    if (query.videoId !== undefined) return this.listVideo(query.videoId, query, scope);
    const statuses = query.status ? [query.status] : PUBLICATION_STATUSES;
    const index = query.channelId ? INDEXES.byOwner.name : INDEXES.byStatus.name;
    const partitions = query.channelId
      ? statuses.map((status) => publicationKeys.channelStatusPartition(query.channelId as string, status))
      : statuses.flatMap((status) => publicationKeys.statusPartitions(status));
    const after = query.cursor ? decodeCursor(query.cursor, scope, ['after'] as const)?.after : undefined;
    const lower = maxString(query.from ? normalize(query.from) : '', after ? `${after}\u0000` : '');
    const upper = query.to ? normalize(query.to) : SORT_KEY_MAX;
    if (lower > upper) return { items: [], next_cursor: null };
    return this.mergedPage(index, partitions, lower, upper, query.limit, scope);
  }

  /** A group's publications: its slots in time order, each slot's publications from gsi3; video, status and channel filtered. */
  private async listGroup(groupId: string, query: PublicationQuery, scope: CursorScope): Promise<Page<Publication>> {
    const groupFilter = { group_id: groupId, status: query.status, channel_id: query.channelId, video_id: query.videoId };
    const page = await walkGroupPublications(this.table, {
      groupId,
      limit: query.limit,
      cursor: query.cursor,
      from: query.from ? normalize(query.from) : undefined,
      to: query.to ? normalize(query.to) : undefined,
      // The group too: a slot only ever holds its own group's publications, and the filter keeps it so.
      filter: publicationFilter(groupFilter),
      scope,
    });
    const items = await this.entries.itemsOf(page.items, { index: INDEXES.byGroup.name, accepts: matching(groupFilter) });
    return { items: items.map(toPublication), next_cursor: page.nextCursor };
  }

  /** A video's publications: one gsi4 partition ranged by from/to; status and channel filtered. */
  private async listVideo(videoId: string, query: PublicationQuery, scope: CursorScope): Promise<Page<Publication>> {
    const videoFilter = { status: query.status, channel_id: query.channelId };
    const page = await queryPage(
      this.table,
      {
        index: INDEXES.byVideo.name,
        partition: publicationKeys.videoPartition(videoId),
        sortKey: timeRange(query.from, query.to),
        filter: publicationFilter(videoFilter),
        ascending: true,
      },
      { limit: query.limit, cursor: query.cursor, scope },
    );
    const items = await this.entries.itemsOf(page.items, { index: INDEXES.byVideo.name, accepts: matching(videoFilter) });
    return { items: items.map(toPublication), next_cursor: page.nextCursor };
  }

  async listBySlot(slotId: string, limit: number, cursor?: string): Promise<Page<Publication>> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byGroup.name, partition: publicationKeys.slotPartition(slotId), ascending: true },
      { limit, cursor, scope: { list: 'slot-publications', filters: { slot_id: slotId } } },
    );
    return { items: (await this.entries.itemsOf(page.items, { index: INDEXES.byGroup.name })).map(toPublication), next_cursor: page.nextCursor };
  }

  /**
   * Merged from the status's PUBLICATION_STATUS_SHARDS gsi2 partitions, like
   * `list`: the cursor is the sort key of the last item returned, bound to
   * the status and `before`.
   */
  async listByStatus(status: PublicationStatus, limit: number, cursor?: string, before?: string): Promise<Page<Publication>> {
    const bound = before ? normalize(before) : undefined;
    const scope: CursorScope = { list: 'publications-by-status', filters: { status, before: bound } };
    const after = cursor ? decodeCursor(cursor, scope, ['after'] as const)?.after : undefined;
    // `<before>#<id>` sorts above `<before>`: an upper bound of `before` leaves that instant out, as `< before` did.
    const upper = bound ?? SORT_KEY_MAX;
    const lower = after ? `${after}\u0000` : '';
    if (lower > upper) return { items: [], next_cursor: null };
    return this.mergedPage(INDEXES.byStatus.name, publicationKeys.statusPartitions(status), lower, upper, limit, scope);
  }

  async listByChannelStatus(channelId: string, status: PublicationStatus, limit: number, cursor?: string): Promise<Page<Publication>> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byOwner.name, partition: publicationKeys.channelStatusPartition(channelId, status), ascending: true },
      { limit, cursor, scope: { list: 'channel-publications-by-status', filters: { channel_id: channelId, status } } },
    );
    return { items: (await this.entries.itemsOf(page.items, { index: INDEXES.byOwner.name })).map(toPublication), next_cursor: page.nextCursor };
  }

  async changeStatus(publication: PublicationRef, change: StatusChange): Promise<Publication | null> {
    const names: Record<string, string> = { '#status': 'status', '#repair': REPAIR_ATTRIBUTE };
    const values: Record<string, unknown> = {
      ':to': change.to,
      ':at': change.at,
      ':gsi1pk': publicationKeys.channelStatusPartition(publication.channel_id, change.to),
      ':gsi2pk': publicationKeys.statusPartitionOf(change.to, publication.publication_id),
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
    // Finished, it leaves the table the retention after this change; in any other status it is live and carries no expiry.
    const finished = isFinal(change.to);
    names['#ttl'] = TTL_ATTRIBUTE;
    if (finished) values[':ttl'] = expiryOf(change.at, this.retentionDays);
    const expiry = finished ? ', #ttl = :ttl' : ' REMOVE #ttl';
    return this.conditionalWrite(
      publication.publication_id,
      async () => {
        const { Attributes } = await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: publicationKeys.key(publication.publication_id),
            UpdateExpression: `SET ${sets.join(', ')}${expiry}`,
            ConditionExpression: `attribute_exists(pk) AND #status IN (${accepted.join(', ')}) AND ${NO_REPAIR_IN_PROGRESS}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? toPublication(Attributes) : null;
      },
      null,
    );
  }

  async reschedule(publicationId: string, move: { from: string; to: string; slotId: string; at: string }): Promise<boolean> {
    const to = normalize(move.to);
    return this.conditionalWrite(
      publicationId,
      async () => {
        await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: publicationKeys.key(publicationId),
            UpdateExpression:
              // Every index ordered by time moves with it: per channel and status, per status, per video; and it joins its new slot.
              'SET scheduled_at = :to, shifted_from = :from, slot_id = :slot, updated_at = :at, gsi1sk = :sort, gsi2sk = :sort, gsi4sk = :sort, gsi3pk = :slotPartition',
            ConditionExpression: `#status = :scheduled AND scheduled_at = :from AND ${NO_REPAIR_IN_PROGRESS}`,
            ExpressionAttributeNames: { '#status': 'status', '#repair': REPAIR_ATTRIBUTE },
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
      },
      false,
    );
  }

  async markTriggerReceived(publicationId: string, at: string): Promise<boolean> {
    return this.conditionalWrite(
      publicationId,
      async () => {
        await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: publicationKeys.key(publicationId),
            UpdateExpression: 'SET trigger_received_at = :at, updated_at = :at',
            ConditionExpression: `#status = :dispatching AND (attribute_not_exists(trigger_received_at) OR trigger_received_at = :null) AND ${NO_REPAIR_IN_PROGRESS}`,
            ExpressionAttributeNames: { '#status': 'status', '#repair': REPAIR_ATTRIBUTE },
            ExpressionAttributeValues: { ':at': at, ':dispatching': 'dispatching', ':null': null },
          }),
        );
        return true;
      },
      false,
    );
  }

  /**
   * Makes a conditional write of one publication. Refused, it answers
   * `refused`, unless an index repair held the item's keys (it never changes
   * anything else, but its keys must not be written over): then the repair
   * is finished and the write made again.
   */
  private async conditionalWrite<T>(publicationId: string, write: () => Promise<T>, refused: T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (!(await this.entries.finishRepairOf(publicationId))) return refused;
        // Never answer "refused" for a write only repairs kept out: that would read as a lost race.
        if (attempt + 1 >= MAX_REPAIR_WAITS) throw new Error(`publication ${publicationId}: index repairs kept holding it, the write was not made`);
      }
    }
  }

  /** COUNT over the status's shards, concurrently; `due` is a range of the time-first sort key, so only what lies in it is read. */
  async countByStatus(status: PublicationStatus, due?: { from?: string | undefined; before?: string | undefined }): Promise<number> {
    const sortKey = timeRange(due?.from, due?.before);
    const counts = await mapConcurrent(publicationKeys.statusPartitions(status), PUBLICATION_STATUS_SHARDS, (partition) =>
      countPartition(this.table, { index: INDEXES.byStatus.name, partition, sortKey }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async countPendingForChannel(channelId: string): Promise<number> {
    const counts = await Promise.all(
      PENDING_STATUSES.map((status) =>
        countPartition(this.table, { index: INDEXES.byOwner.name, partition: publicationKeys.channelStatusPartition(channelId, status) }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * One page merged from `partitions` of `index`, lower <= sort key <= upper
   * (an empty `lower`: none), ascending; its items checked against the read.
   * The cursor is the sort key of the last entry read.
   */
  private async mergedPage(
    index: IndexName,
    partitions: readonly string[],
    lower: string,
    upper: string,
    limit: number,
    scope: CursorScope,
  ): Promise<Page<Publication>> {
    const page = await readMerged(this.table, { index, partitions, sortKey: sortKeyRange(lower, upper), ascending: true, limit });
    const last = page.entries[page.entries.length - 1];
    // An item answered from an entry in another partition of the read (another status, another shard) stands where its own entry would: same sort key.
    const items = await this.entries.itemsOf(
      page.entries.map((entry) => entry.item),
      { index, partitions },
    );
    return {
      items: items.map(toPublication),
      // After the last entry read, even one not answered: the page may come back short, never twice.
      next_cursor: page.more && last ? encodeCursor(scope, { after: last.sortKey }) : null,
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

/** lower <= sort key <= upper as a key condition; an empty `lower` (DynamoDB refuses an empty key value) is no lower bound. */
function sortKeyRange(lower: string, upper: string): PartitionQuery['sortKey'] {
  if (lower === '') return { expression: '#sk <= :upper', values: { ':upper': upper } };
  return { expression: '#sk BETWEEN :lower AND :upper', values: { ':lower': lower, ':upper': upper } };
}

/** The same equality filters, checked on an item read from the table. */
function matching(equal: Record<string, string | undefined>): (item: Record<string, unknown>) => boolean {
  const given = Object.entries(equal).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return (item) => given.every(([name, value]) => item[name] === value);
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
