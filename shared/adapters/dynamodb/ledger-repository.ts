import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelLedger, LedgerBooking } from '#shared/domain/channel-ledger';
import type { LedgerRepository } from '#shared/ports/ledger-repository';
import { batchGet } from './batch';
import type { TableContext } from './document-client';
import { ledgerKeys } from './keys';

/**
 * Channel ledgers: one item a channel, its bookings as compact strings
 * (`publication_id|at_ms|priority|group_id`), replaced whole under a version
 * condition. At ~85 bytes a booking, 4,000 bookings stay well inside
 * DynamoDB's 400 KB item limit; the booking service refuses more.
 */
export class DynamoLedgerRepository implements LedgerRepository {
  constructor(private readonly table: TableContext) {}

  async get(channelId: string): Promise<ChannelLedger> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: ledgerKeys.key(channelId), ConsistentRead: true }),
    );
    return toLedger(channelId, Item);
  }

  async getMany(channelIds: readonly string[]): Promise<Map<string, ChannelLedger>> {
    const items = await batchGet(this.table.doc, this.table.tableName, channelIds.map(ledgerKeys.key));
    const byChannel = new Map(items.map((item) => [String(item.channel_id), item]));
    return new Map(channelIds.map((id) => [id, toLedger(id, byChannel.get(id))]));
  }

  async replace(channelId: string, expectedVersion: number, bookings: readonly LedgerBooking[], at: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...ledgerKeys.key(channelId),
            entity: 'ledger',
            channel_id: channelId,
            version: expectedVersion + 1,
            bookings: bookings.map(encode),
            updated_at: at,
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toLedger(channelId: string, item: Record<string, unknown> | undefined): ChannelLedger {
  if (!item) return { channel_id: channelId, version: 0, bookings: [] };
  return {
    channel_id: channelId,
    version: Number(item.version),
    bookings: ((item.bookings as string[] | undefined) ?? []).map(decode),
  };
}

function encode(b: LedgerBooking): string {
  return `${b.publication_id}|${b.at}|${b.priority}|${b.group_id}`;
}

function decode(text: string): LedgerBooking {
  const [publication_id = '', at = '0', priority = '0', group_id = ''] = text.split('|');
  return { publication_id, at: Number(at), priority: Number(priority), group_id };
}
