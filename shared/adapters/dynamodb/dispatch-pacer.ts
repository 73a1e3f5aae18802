import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DispatchPacer } from '#shared/ports/dispatch-pacer';
import type { TableContext } from './document-client';
import { pacerKeys } from './keys';

export interface PacerRates {
  perMinute: number;
  perHour: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Lost races on the bucket before a caller is told to wait a moment and come back. */
const MAX_ATTEMPTS = 8;

/**
 * The dispatch allowance of one GitHub credential, shared by every dispatcher
 * through one item (`PACER#<credential>`): the times of the dispatches of the
 * last hour (at most `perHour` of them, ~14 bytes each). A dispatch is taken
 * only if fewer than `perMinute` lie in the last minute and fewer than
 * `perHour` in the last hour, by a PutItem conditioned on the version read:
 * so no 60-second (or 3,600-second) window ever holds more than the rate,
 * whatever the number of concurrent dispatchers. A sliding log rather than a
 * refilling bucket, because a bucket lets a full burst plus a minute's refill
 * into one window: twice the rate, which GitHub would answer with 403s.
 */
export class DynamoDispatchPacer implements DispatchPacer {
  constructor(
    private readonly table: TableContext,
    private readonly rates: PacerRates,
  ) {}

  async take(credential: string, nowMs: number): Promise<number> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { Item } = await this.table.doc.send(
        new GetCommand({ TableName: this.table.tableName, Key: pacerKeys.key(credential), ConsistentRead: true }),
      );
      const version = Number(Item?.version ?? 0);
      const log = ((Item?.dispatched_at_ms as number[] | undefined) ?? []).filter((t) => t > nowMs - HOUR_MS).sort((a, b) => a - b);
      const wait = waitBefore(log, nowMs, this.rates);
      if (wait > 0) return wait;
      try {
        await this.table.doc.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...pacerKeys.key(credential), entity: 'dispatch_pacer', credential, version: version + 1, dispatched_at_ms: [...log, nowMs] },
            ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
            ExpressionAttributeValues: version === 0 ? undefined : { ':version': version },
          }),
        );
        return 0;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // Contended: come back in a second rather than spin.
    return 1_000;
  }
}

/** Milliseconds until one more dispatch fits both windows of `log` (sorted times of the last hour); 0 when it fits now. */
export function waitBefore(log: readonly number[], nowMs: number, rates: PacerRates): number {
  const lastMinute = log.filter((t) => t > nowMs - MINUTE_MS);
  let wait = 0;
  if (lastMinute.length >= rates.perMinute) {
    // The window frees a place when its oldest entries leave: the (count - rate + 1)-th oldest.
    const leaving = lastMinute[lastMinute.length - rates.perMinute] as number;
    wait = Math.max(wait, leaving + MINUTE_MS - nowMs);
  }
  if (log.length >= rates.perHour) {
    const leaving = log[log.length - rates.perHour] as number;
    wait = Math.max(wait, leaving + HOUR_MS - nowMs);
  }
  return wait;
}
