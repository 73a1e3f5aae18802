import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelHealth } from '#shared/domain/channel-health';
import type { ChannelHealthRepository, HealthSweepRecord } from '#shared/ports/channel-health-repository';
import { batchGet } from './batch';
import type { TableContext } from './document-client';
import { channelHealthKeys } from './keys';

/**
 * `CHANNEL#<id>`, `HEALTH`: the sweep's last finding, apart from the channel
 * item (whose writes are versioned by the registry). `JOB#health-sweep`,
 * `LAST_RUN`: what the last sweep did.
 */
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

  async recordSweep(record: HealthSweepRecord): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...channelHealthKeys.sweepRecord(), entity: 'health_sweep_run', ...record } }),
    );
  }

  async lastSweep(): Promise<HealthSweepRecord | null> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: channelHealthKeys.sweepRecord() }));
    if (!Item) return null;
    const { pk: _pk, sk: _sk, entity: _entity, ...record } = Item;
    return record as HealthSweepRecord;
  }
}

function toHealth(item: Record<string, unknown>): ChannelHealth {
  const { pk: _pk, sk: _sk, entity: _entity, ...health } = item;
  return health as unknown as ChannelHealth;
}
