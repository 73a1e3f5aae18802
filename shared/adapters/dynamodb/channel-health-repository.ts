import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelHealth } from '#shared/domain/channel-health';
import type { ChannelHealthRepository } from '#shared/ports/channel-health-repository';
import { batchGet } from './batch';
import type { TableContext } from './document-client';
import { channelHealthKeys } from './keys';

/** `CHANNEL#<id>`, `HEALTH`: the sweep's last finding, apart from the channel item (whose writes are versioned by the registry). */
export class DynamoChannelHealthRepository implements ChannelHealthRepository {
  constructor(private readonly table: TableContext) {}

  async put(health: ChannelHealth): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...channelHealthKeys.key(health.channel_id), entity: 'channel_health', ...health } }),
    );
  }

  async getMany(channelIds: readonly string[]): Promise<Map<string, ChannelHealth>> {
    const items = await batchGet<Record<string, unknown>>(this.table.doc, this.table.tableName, channelIds.map(channelHealthKeys.key));
    return new Map(items.map((item) => [String(item.channel_id), toHealth(item)]));
  }

  async remove(channelId: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: channelHealthKeys.key(channelId) }));
  }
}

function toHealth(item: Record<string, unknown>): ChannelHealth {
  const { pk: _pk, sk: _sk, entity: _entity, ...health } = item;
  return health as unknown as ChannelHealth;
}
