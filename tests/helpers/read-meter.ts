import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a DynamoDB client read while the meter ran. */
export interface ReadCounts {
  /** Calls by command name (QueryCommand, BatchGetItemCommand, ...). */
  calls: Record<string, number>;
  /**
   * Items the table read to answer: a Query's or Scan's ScannedCount (a
   * COUNT query reads what it counts), a GetItem's item, a BatchGetItem's
   * responses.
   */
  itemsRead: number;
  /** Items returned to the caller (COUNT queries return none). */
  itemsReturned: number;
  scans: number;
}

/**
 * Counts every read a DynamoDB client makes, by a middleware on its stack (so
 * the document clients built on it are counted too). `take()` answers the
 * counts since the last take and starts again.
 */
export function meterReads(client: DynamoDBClient): { take(): ReadCounts } {
  let counts = empty();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = String(context.commandName ?? 'unknown');
      const output = result.output as {
        Count?: number;
        ScannedCount?: number;
        Items?: unknown[];
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
      };
      counts.calls[name] = (counts.calls[name] ?? 0) + 1;
      if (name === 'ScanCommand') counts.scans += 1;
      if (name === 'QueryCommand' || name === 'ScanCommand') {
        counts.itemsRead += output.ScannedCount ?? output.Count ?? 0;
        counts.itemsReturned += output.Items?.length ?? 0;
      } else if (name === 'GetItemCommand') {
        const found = output.Item ? 1 : 0;
        counts.itemsRead += found;
        counts.itemsReturned += found;
      } else if (name === 'BatchGetItemCommand') {
        const found = Object.values(output.Responses ?? {}).reduce((n, items) => n + items.length, 0);
        counts.itemsRead += found;
        counts.itemsReturned += found;
      }
      return result;
    },
    { step: 'initialize', name: 'readMeter', override: true },
  );
  return {
    take() {
      const taken = counts;
      counts = empty();
      return taken;
    },
  };
}

function empty(): ReadCounts {
  return { calls: {}, itemsRead: 0, itemsReturned: 0, scans: 0 };
}
