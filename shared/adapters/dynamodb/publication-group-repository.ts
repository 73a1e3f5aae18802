import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { GroupKind } from '#shared/domain/publication';
import { VISIBLE_GROUP_STATUSES, type PublicationGroup, type Slot, type VisibleGroupStatus } from '#shared/domain/publication-group';
import { DEFAULT_PUBLICATION_RETENTION_DAYS, expiryOf } from '#shared/domain/retention';
import type { GroupTotals, PublicationGroupRepository, SlotFired } from '#shared/ports/publication-group-repository';
import { batchGet, batchWrite } from './batch';
import type { TableContext } from './document-client';
import { bookingKeyKeys, groupKeys } from './keys';
import { queryPage } from './query-pages';
import { INDEXES, TTL_ATTRIBUTE } from './table-definition';

/**
 * A coordination or wave and its slots, together in the group's partition; the groups of a kind listed through gsi1.
 * Retention (TTL on expires_at, `retentionDays` after): a slot from its fire time; a group from its last slot's
 * time once committed, from its end once cancelled or rolled back; a group still planning carries none.
 */
export class DynamoPublicationGroupRepository implements PublicationGroupRepository {
  constructor(
    private readonly table: TableContext,
    private readonly retentionDays: number = DEFAULT_PUBLICATION_RETENTION_DAYS,
  ) {}

  /** The TTL of a record finished or last due at `at`. */
  private expiryOf(at: string): number {
    return expiryOf(at, this.retentionDays);
  }

  async create(group: PublicationGroup): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({ TableName: this.table.tableName, Item: groupItem(group), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(groupId: string): Promise<PublicationGroup | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: groupKeys.key(groupId), ConsistentRead: true }),
    );
    return Item ? toGroup(Item) : null;
  }

  async findByKey(kind: GroupKind, keyHash: string): Promise<{ groupId: string; group: PublicationGroup | null } | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: bookingKeyKeys.link(kind, keyHash), ConsistentRead: true }),
    );
    if (!Item) return null;
    const groupId = String(Item.group_id);
    return { groupId, group: await this.get(groupId) };
  }

  async claimKey(kind: GroupKind, keyHash: string, groupId: string, replacing: string | null, expiresAt: number): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...bookingKeyKeys.link(kind, keyHash), entity: 'booking_key', group_id: groupId, [TTL_ATTRIBUTE]: expiresAt },
          ConditionExpression: replacing ? 'attribute_not_exists(pk) OR group_id = :replacing' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: replacing ? { ':replacing': replacing } : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getMany(groupIds: readonly string[]): Promise<Map<string, PublicationGroup>> {
    const items = await batchGet(this.table.doc, this.table.tableName, [...new Set(groupIds)].map(groupKeys.key));
    return new Map(items.map((item) => [String(item.group_id), toGroup(item)]));
  }

  async commit(groupId: string, totals: GroupTotals, at: string): Promise<boolean> {
    return this.conditionally({
      Key: groupKeys.key(groupId),
      UpdateExpression:
        'SET #status = :scheduled, total_publications = :total, slot_count = :slots, first_at = :first, last_at = :last, schedules_created = :created, updated_at = :at, lease_until = :null, gsi2pk = :finishing, gsi2sk = :finishingSort, #ttl = :ttl',
      ConditionExpression: `#status = :planning AND ${absent('rollback_started_at')} AND ${absent('cancel_requested_at')}`,
      ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':scheduled': 'scheduled',
        ':planning': 'planning',
        ':total': totals.total_publications,
        ':slots': totals.slot_count,
        ':first': totals.first_at,
        ':last': totals.last_at,
        ':created': totals.schedules_created,
        ':at': at,
        ':null': null,
        ':finishing': groupKeys.finishingPartition,
        ':finishingSort': groupKeys.finishingSortKey(groupId, at),
        // Its history stays the retention after its last publication's time.
        ':ttl': this.expiryOf(totals.last_at ?? at),
      },
    });
  }

  async finishCommit(groupId: string): Promise<void> {
    await this.conditionally({
      Key: groupKeys.key(groupId),
      UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'gsi2pk = :finishing',
      ExpressionAttributeValues: { ':finishing': groupKeys.finishingPartition },
    });
  }

  async listFinishing(before: string, limit: number): Promise<PublicationGroup[]> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byStatus.name, partition: groupKeys.finishingPartition, sortKey: { expression: '#sk < :before', values: { ':before': before } }, ascending: true },
      { limit, scope: { list: 'groups:finishing', filters: { before } } },
    );
    return page.items.map(toGroup);
  }

  async beginRollback(groupId: string, at: string): Promise<PublicationGroup | null> {
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: groupKeys.key(groupId),
          UpdateExpression: 'SET rollback_started_at = :at, updated_at = :at',
          ConditionExpression: '#status = :planning',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':planning': 'planning', ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toGroup(Attributes) : null;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Rolled back already: running it again finds what its request wrote after that rollback looked.
      const group = await this.get(groupId);
      return group && group.status !== 'scheduled' && group.rollback_started_at ? group : null;
    }
  }

  async finishRollback(groupId: string, at: string, reason: string): Promise<void> {
    // A cancel asked while planning ends the group cancelled; otherwise its request failed.
    await this.conditionally({
      Key: groupKeys.key(groupId),
      UpdateExpression:
        'SET #status = if_not_exists(cancel_marker, :failed), cancelled_at = if_not_exists(cancel_marker_at, :null), status_reason = :reason, updated_at = :at, lease_until = :null, #ttl = :ttl REMOVE gsi2pk, gsi2sk',
      ConditionExpression: '#status = :planning',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':planning': 'planning', ':failed': 'failed', ':at': at, ':null': null, ':reason': reason, ':ttl': this.expiryOf(at) },
    });
  }

  async requestCancel(groupId: string, at: string): Promise<boolean> {
    return this.conditionally({
      Key: groupKeys.key(groupId),
      // cancel_marker(_at) feed finishRollback's if_not_exists: the group ends `cancelled` at this time.
      UpdateExpression: 'SET cancel_requested_at = :at, cancel_marker = :cancelled, cancel_marker_at = :at, updated_at = :at',
      ConditionExpression: '#status = :planning',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':planning': 'planning', ':cancelled': 'cancelled', ':at': at },
    });
  }

  async markCancelled(groupId: string, at: string): Promise<boolean> {
    // Items keep their nulls, so `if_not_exists` cannot keep the first time: two conditional writes do, the second a no-op once set.
    const first = await this.conditionally({
      Key: groupKeys.key(groupId),
      UpdateExpression: 'SET #status = :cancelled, cancelled_at = :at, updated_at = :at, #ttl = :ttl',
      ConditionExpression: `#status = :scheduled OR (#status = :cancelled AND ${absent('cancelled_at')})`,
      ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':scheduled': 'scheduled', ':cancelled': 'cancelled', ':at': at, ':null': null, ':ttl': this.expiryOf(at) },
    });
    if (first) return true;
    const group = await this.get(groupId);
    return group?.status === 'cancelled';
  }

  /** One conditional UpdateItem on the group's partition; false when its condition failed. */
  private async conditionally(update: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.table.doc.send(new UpdateCommand({ TableName: this.table.tableName, ...update }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(kind: GroupKind, request: PageRequest & { status?: VisibleGroupStatus | undefined }): Promise<Page<PublicationGroup>> {
    // Every group of the kind is in the one gsi1 partition; those planning or failed are filtered out, never shown.
    const statuses = request.status ? [request.status] : VISIBLE_GROUP_STATUSES;
    const page = await queryPage(
      this.table,
      {
        index: INDEXES.byOwner.name,
        partition: groupKeys.listPartition(kind),
        filter: {
          expression: `#status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`,
          names: { '#status': 'status' },
          values: Object.fromEntries(statuses.map((status, i) => [`:status${i}`, status])),
        },
        ascending: false,
      },
      { limit: request.limit, cursor: request.cursor, scope: { list: `groups:${kind}`, filters: { status: request.status } } },
    );
    return { items: page.items.map(toGroup), next_cursor: page.nextCursor };
  }

  async listPlanning(limit: number, cursor?: string, before?: string): Promise<Page<PublicationGroup>> {
    const page = await queryPage(
      this.table,
      {
        index: INDEXES.byStatus.name,
        partition: groupKeys.planningPartition,
        sortKey: before ? { expression: '#sk < :before', values: { ':before': before } } : undefined,
        ascending: true,
      },
      { limit, cursor, scope: { list: 'groups:planning', filters: { before } } },
    );
    return { items: page.items.map(toGroup), next_cursor: page.nextCursor };
  }

  async putSlots(slots: readonly Slot[]): Promise<void> {
    await batchWrite(
      this.table.doc,
      this.table.tableName,
      slots.map((slot) => ({
        PutRequest: { Item: { ...groupKeys.slot(slot.group_id, slot.fire_at), entity: 'slot', ...slot, [TTL_ATTRIBUTE]: this.expiryOf(slot.fire_at) } },
      })),
    );
  }

  /**
   * Adds publications to a slot of an existing group (a preempted move), creating the slot if needed.
   * A slot later than the group's last one carries the group's expiry past it.
   */
  async addToSlot(slot: Pick<Slot, 'slot_id' | 'group_id' | 'fire_at'>, count: number): Promise<void> {
    const expiry = this.expiryOf(slot.fire_at);
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: groupKeys.slot(slot.group_id, slot.fire_at),
        UpdateExpression:
          'SET entity = :entity, slot_id = :slot, group_id = :group, fire_at = :fire, #status = :pending, dispatched = if_not_exists(dispatched, :zero), held = if_not_exists(held, :zero), fired_at = if_not_exists(fired_at, :null), #ttl = :ttl ADD publication_count :count',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':entity': 'slot',
          ':slot': slot.slot_id,
          ':group': slot.group_id,
          ':fire': slot.fire_at,
          ':pending': 'pending',
          ':zero': 0,
          ':null': null,
          ':count': count,
          ':ttl': expiry,
        },
      }),
    );
    // Only a group that has an expiry (committed or ended) is moved into; one planning gets its own at its commit.
    await this.conditionally({
      Key: groupKeys.key(slot.group_id),
      UpdateExpression: 'SET #ttl = :ttl',
      ConditionExpression: '#ttl < :ttl',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':ttl': expiry },
    });
  }

  async removeFromSlot(groupId: string, fireAt: string): Promise<number | null> {
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: groupKeys.slot(groupId, fireAt),
          UpdateExpression: 'ADD publication_count :minus',
          ConditionExpression: 'attribute_exists(pk) AND publication_count > :zero',
          ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.publication_count ?? 0);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  async getSlot(groupId: string, fireAt: string): Promise<Slot | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: groupKeys.slot(groupId, fireAt), ConsistentRead: true }),
    );
    return Item ? toSlot(Item) : null;
  }

  async listSlots(groupId: string): Promise<Slot[]> {
    const slots: Slot[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': groupKeys.partition(groupId), ':prefix': groupKeys.slotPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      slots.push(...(result.Items ?? []).map(toSlot));
      start = result.LastEvaluatedKey;
    } while (start);
    return slots;
  }

  async markSlotFired(groupId: string, fireAt: string, fired: SlotFired): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: groupKeys.slot(groupId, fireAt),
        // The expiry again: a slot written before slots had one gets it here.
        UpdateExpression: 'SET #status = :fired, fired_at = :at, #ttl = :ttl ADD dispatched :dispatched, held :held',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':fired': 'fired',
          ':at': fired.at,
          ':dispatched': fired.dispatched,
          ':held': fired.held,
          ':ttl': this.expiryOf(fireAt),
        },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  async markSlotCancelled(groupId: string, fireAt: string, _at: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: groupKeys.slot(groupId, fireAt),
        UpdateExpression: 'SET #status = :cancelled, #ttl = :ttl',
        ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':ttl': this.expiryOf(fireAt) },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  async deleteSlots(slots: readonly Pick<Slot, 'group_id' | 'fire_at'>[]): Promise<void> {
    await batchWrite(
      this.table.doc,
      this.table.tableName,
      slots.map((slot) => ({ DeleteRequest: { Key: groupKeys.slot(slot.group_id, slot.fire_at) } })),
    );
  }
}

/**
 * The group's item, for create and update alike: listed under its kind
 * (gsi1, newest first) in every status, the list filtering; a group still
 * planning also carries the sparse planning index, which any other status drops.
 */
function groupItem(group: PublicationGroup): Record<string, unknown> {
  return {
    ...groupKeys.key(group.group_id),
    entity: 'group',
    ...group,
    ...groupKeys.listIndex(group.kind, group.group_id, group.created_at),
    ...(group.status === 'planning' ? groupKeys.planningIndex(group.group_id, group.lease_until ?? group.created_at) : {}),
  };
}

function toGroup(item: Record<string, unknown>): PublicationGroup {
  return {
    group_id: item.group_id as string,
    kind: item.kind as PublicationGroup['kind'],
    status: item.status as PublicationGroup['status'],
    channel_ids: (item.channel_ids as string[] | undefined) ?? [],
    // Groups written before the coordination's video was kept have none.
    video_id: (item.video_id as string | null | undefined) ?? null,
    video_count: Number(item.video_count ?? 0),
    timing: item.timing as PublicationGroup['timing'],
    stagger_by: item.stagger_by as PublicationGroup['stagger_by'],
    scheduled_at: item.scheduled_at as string,
    delay_seconds: item.delay_seconds === null || item.delay_seconds === undefined ? null : Number(item.delay_seconds),
    priority: Number(item.priority),
    conflict_policy: item.conflict_policy as PublicationGroup['conflict_policy'],
    total_publications: Number(item.total_publications ?? 0),
    slot_count: Number(item.slot_count ?? 0),
    first_at: (item.first_at as string | null | undefined) ?? null,
    last_at: (item.last_at as string | null | undefined) ?? null,
    schedules_created: Number(item.schedules_created ?? 0),
    created_at: item.created_at as string,
    updated_at: item.updated_at as string,
    cancelled_at: (item.cancelled_at as string | null | undefined) ?? null,
    actor: item.actor as string,
    request_id: item.request_id as string,
    lease_owner: (item.lease_owner as string | null | undefined) ?? null,
    lease_until: (item.lease_until as string | null | undefined) ?? null,
    cancel_requested_at: (item.cancel_requested_at as string | null | undefined) ?? null,
    rollback_started_at: (item.rollback_started_at as string | null | undefined) ?? null,
    status_reason: (item.status_reason as string | null | undefined) ?? null,
  };
}

/** An attribute that is absent or null (items are written with nulls kept). */
function absent(name: string): string {
  return `(attribute_not_exists(${name}) OR ${name} = :null)`;
}

function toSlot(item: Record<string, unknown>): Slot {
  return {
    slot_id: item.slot_id as string,
    group_id: item.group_id as string,
    fire_at: item.fire_at as string,
    status: item.status as Slot['status'],
    publication_count: Number(item.publication_count ?? 0),
    dispatched: Number(item.dispatched ?? 0),
    held: Number(item.held ?? 0),
    fired_at: (item.fired_at as string | null | undefined) ?? null,
  };
}
