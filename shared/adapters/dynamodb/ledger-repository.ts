import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
    // An update, not a put: a closed ledger stays closed whoever rewrites its bookings.
    return this.versioned(channelId, expectedVersion, 'SET bookings = :bookings', { ':bookings': bookings.map(encode) }, at);
  }

  async close(channelId: string, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(channelId, expectedVersion, 'SET closed_at = if_not_exists(closed_at, :at)', {}, at);
  }

  async reopen(channelId: string, at: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: ledgerKeys.key(channelId),
        // The version moves too, so a deletion that read the closed ledger cannot act on it afterwards.
        UpdateExpression: 'REMOVE closed_at SET updated_at = :at ADD version :one',
        ConditionExpression: 'attribute_exists(closed_at)',
        ExpressionAttributeValues: { ':at': at, ':one': 1 },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  /** One write of the ledger conditioned on the version read (0: no ledger yet), moving it to the next. */
  private async versioned(channelId: string, expectedVersion: number, set: string, values: Record<string, unknown>, at: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: ledgerKeys.key(channelId),
          UpdateExpression: `${set}, entity = :entity, channel_id = :channel, version = :next, updated_at = :at`,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues: {
            ...values,
            ':entity': 'ledger',
            ':channel': channelId,
            ':next': expectedVersion + 1,
            ':at': at,
            ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
          },
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
  if (!item) return { channel_id: channelId, version: 0, bookings: [], closed_at: null };
  return {
    channel_id: channelId,
    version: Number(item.version),
    bookings: ((item.bookings as string[] | undefined) ?? []).map(decode),
    closed_at: (item.closed_at as string | null | undefined) ?? null,
  };
}

function encode(b: LedgerBooking): string {
  return `${b.publication_id}|${b.at}|${b.priority}|${b.group_id}`;
}

function decode(text: string): LedgerBooking {
  const [publication_id = '', at = '0', priority = '0', group_id = ''] = text.split('|');
  return { publication_id, at: Number(at), priority: Number(priority), group_id };
}
