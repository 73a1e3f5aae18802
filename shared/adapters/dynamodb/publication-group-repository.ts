import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { GroupKind } from '#shared/domain/publication';
import { VISIBLE_GROUP_STATUSES, type PublicationGroup, type Slot, type VisibleGroupStatus } from '#shared/domain/publication-group';
import type { PublicationGroupRepository, SlotFired } from '#shared/ports/publication-group-repository';
import { batchWrite } from './batch';
import type { TableContext } from './document-client';
import { groupKeys } from './keys';
import { queryPage } from './query-pages';
import { INDEXES } from './table-definition';

/** A coordination or wave and its slots, together in the group's partition; the groups of a kind listed through gsi1. */
export class DynamoPublicationGroupRepository implements PublicationGroupRepository {
  constructor(private readonly table: TableContext) {}

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

  async update(group: PublicationGroup): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: groupItem(group) }));
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

  async listPlanningBefore(before: string, limit: number): Promise<PublicationGroup[]> {
    const { Items } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: INDEXES.byStatus.name,
        KeyConditionExpression: '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': INDEXES.byStatus.partitionKey, '#sk': INDEXES.byStatus.sortKey },
        ExpressionAttributeValues: { ':pk': groupKeys.planningPartition, ':before': before },
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toGroup);
  }

  async putSlots(slots: readonly Slot[]): Promise<void> {
    await batchWrite(
      this.table.doc,
      this.table.tableName,
      slots.map((slot) => ({ PutRequest: { Item: { ...groupKeys.slot(slot.group_id, slot.fire_at), entity: 'slot', ...slot } } })),
    );
  }

  /** Adds publications to a slot of an existing group (a preempted move), creating the slot if needed. */
  async addToSlot(slot: Pick<Slot, 'slot_id' | 'group_id' | 'fire_at'>, count: number): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: groupKeys.slot(slot.group_id, slot.fire_at),
        UpdateExpression:
          'SET entity = :entity, slot_id = :slot, group_id = :group, fire_at = :fire, #status = :pending, dispatched = if_not_exists(dispatched, :zero), held = if_not_exists(held, :zero), fired_at = if_not_exists(fired_at, :null) ADD publication_count :count',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':entity': 'slot',
          ':slot': slot.slot_id,
          ':group': slot.group_id,
          ':fire': slot.fire_at,
          ':pending': 'pending',
          ':zero': 0,
          ':null': null,
          ':count': count,
        },
      }),
    );
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
        UpdateExpression: 'SET #status = :fired, fired_at = :at ADD dispatched :dispatched, held :held',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':fired': 'fired', ':at': fired.at, ':dispatched': fired.dispatched, ':held': fired.held },
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
        UpdateExpression: 'SET #status = :cancelled',
        ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending' },
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
    ...(group.status === 'planning' ? groupKeys.planningIndex(group.group_id, group.created_at) : {}),
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
  };
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
