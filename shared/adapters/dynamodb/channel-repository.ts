import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, ChannelDefinition, ChannelStatus } from '#shared/domain/channel';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { ChannelRepository, ChannelWithActivity } from '#shared/ports/channel-repository';
import { batchGet } from './batch';
import type { CursorScope } from './cursor';
import type { TableContext } from './document-client';
import { channelKeys } from './keys';
import { queryPage } from './query-pages';
import { INDEXES } from './table-definition';

/**
 * Channels: one item each in the channel's partition, listed through gsi1.
 * `config` is stored as JSON text: it is the operator's free-form object, and
 * DynamoDB's own limits on nesting and number range must not turn it into a 5xx.
 */
export class DynamoChannelRepository implements ChannelRepository {
  constructor(private readonly table: TableContext) {}

  async put(channelId: string, definition: ChannelDefinition, at: string): Promise<{ channel: Channel; created: boolean }> {
    const { Attributes } = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: channelKeys.key(channelId),
        UpdateExpression: [
          'SET entity = :entity, channel_id = :id, #name = :name, #status = :status, priority = :priority,',
          'github = :github, publishing = :publishing, filters = :filters, config_json = :config,',
          'gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, updated_at = :at, created_at = if_not_exists(created_at, :at),',
          'version = if_not_exists(version, :zero) + :one',
        ].join(' '),
        ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
        ExpressionAttributeValues: {
          ':entity': 'channel',
          ':id': channelId,
          ':name': definition.name,
          ':status': definition.status,
          ':priority': definition.priority,
          ':github': definition.github,
          ':publishing': definition.publishing,
          ':filters': definition.filters,
          ':config': JSON.stringify(definition.config),
          ':gsi1pk': channelKeys.item(channelId).gsi1pk,
          ':gsi1sk': channelKeys.item(channelId).gsi1sk,
          ':at': at,
          ':zero': 0,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const channel = toChannel(Attributes ?? {});
    return { channel, created: channel.version === 1 };
  }

  async get(channelId: string): Promise<Channel | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: channelKeys.key(channelId), ConsistentRead: true }),
    );
    return Item ? toChannel(Item) : null;
  }

  async getMany(channelIds: readonly string[]): Promise<Map<string, Channel>> {
    const items = await batchGet(this.table.doc, this.table.tableName, channelIds.map(channelKeys.key));
    return new Map(items.map((item) => [String(item.channel_id), toChannel(item)]));
  }

  async delete(channelId: string): Promise<boolean> {
    const { Attributes } = await this.table.doc.send(
      new DeleteCommand({ TableName: this.table.tableName, Key: channelKeys.key(channelId), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  /** Every channel, in id order, with its last publication: every page of the list index (never a Scan). */
  async listAll(): Promise<ChannelWithActivity[]> {
    return (await this.readListIndex()).map(withActivity);
  }

  async getWithActivity(channelId: string): Promise<ChannelWithActivity | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: channelKeys.key(channelId), ConsistentRead: true }),
    );
    return Item ? withActivity(Item) : null;
  }

  /** The gsi1 channel list with only the id and status projected, every page (1 MB each) read. */
  async listStatuses(): Promise<{ channel_id: string; status: ChannelStatus }[]> {
    const items = await this.readListIndex({ ProjectionExpression: 'channel_id, #status', ExpressionAttributeNames: { '#status': 'status' } });
    return items.map((item) => ({ channel_id: String(item.channel_id), status: item.status as ChannelStatus }));
  }

  /** Every item of the channel list (gsi1, in id order), page after page, with an optional projection. */
  private async readListIndex(projection?: { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: INDEXES.byOwner.name,
          KeyConditionExpression: '#pk = :pk',
          ...projection,
          ExpressionAttributeNames: { '#pk': INDEXES.byOwner.partitionKey, ...projection?.ExpressionAttributeNames },
          ExpressionAttributeValues: { ':pk': channelKeys.listPartition },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** GET /channels: every channel in id order, or those of one status; the cursor is bound to that status. */
  async listWithActivity(request: PageRequest): Promise<Page<ChannelWithActivity>> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byOwner.name, partition: channelKeys.listPartition, ascending: true },
      { limit: request.limit, cursor: request.cursor, scope: MONITOR_LIST_SCOPE },
    );
    return { items: page.items.map(withActivity), next_cursor: page.nextCursor };
  }

  async list(request: PageRequest & { status?: ChannelStatus | undefined }): Promise<Page<Channel>> {
    const page = await queryPage(
      this.table,
      {
        index: INDEXES.byOwner.name,
        partition: channelKeys.listPartition,
        ascending: true,
        filter: request.status
          ? { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': request.status } }
          : undefined,
      },
      { limit: request.limit, cursor: request.cursor, scope: channelListScope(request.status) },
    );
    return { items: page.items.map(toChannel), next_cursor: page.nextCursor };
  }
}

/** What a GET /monitor-channels cursor is bound to: that list, unfiltered. */
const MONITOR_LIST_SCOPE: CursorScope = { list: 'monitor-channels', filters: {} };

/** What a GET /channels cursor is bound to: the status filter. */
export function channelListScope(status: ChannelStatus | undefined): CursorScope {
  return { list: 'channels', filters: { status } };
}

/** The channel and what its finished runs keep on its item (RunEffects). */
function withActivity(item: Record<string, unknown>): ChannelWithActivity {
  return { ...toChannel(item), last_publication_at: (item.last_publication_at as string | undefined) ?? null };
}

function toChannel(item: Record<string, unknown>): Channel {
  return {
    channel_id: item.channel_id as string,
    name: item.name as string,
    status: item.status as ChannelStatus,
    priority: Number(item.priority),
    github: (item.github as Channel['github']) ?? null,
    publishing: item.publishing as Channel['publishing'],
    filters: (item.filters as Channel['filters']) ?? null,
    config: JSON.parse((item.config_json as string | undefined) ?? '{}') as Record<string, unknown>,
    created_at: item.created_at as string,
    updated_at: item.updated_at as string,
    version: Number(item.version),
  };
}
