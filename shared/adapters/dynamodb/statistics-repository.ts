import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { addOutcomes, NO_OUTCOMES, type OutcomeCounts } from '#shared/domain/statistics';
import { mapConcurrent } from '#shared/concurrency';
import type { StatisticsRepository } from '#shared/ports/statistics-repository';
import type { TableContext } from './document-client';
import { OVERALL_STATS_SHARDS, statsKeys } from './keys';

/**
 * The day counters RunEffects keeps, summed over a window: one Query of at
 * most one item a day for a channel; one such Query a shard for all channels
 * (16 in flight). Only the counters are projected (the counted-run sets stay
 * in the table, though DynamoDB bills the read by the whole item).
 */
export class DynamoStatisticsRepository implements StatisticsRepository {
  constructor(private readonly table: TableContext) {}

  channelWindow(channelId: string, from: string, to: string): Promise<OutcomeCounts> {
    return this.sumPartition(statsKeys.channelPartition(channelId), from, to);
  }

  async overallWindow(from: string, to: string): Promise<OutcomeCounts> {
    const shards = Array.from({ length: OVERALL_STATS_SHARDS }, (_, shard) => shard);
    const sums = await mapConcurrent(shards, OVERALL_STATS_SHARDS, (shard) => this.sumPartition(statsKeys.overallPartition(shard), from, to));
    return sums.reduce(addOutcomes, NO_OUTCOMES);
  }

  private async sumPartition(partition: string, from: string, to: string): Promise<OutcomeCounts> {
    let sum = NO_OUTCOMES;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ProjectionExpression: '#total, succeeded, failed',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':pk': partition, ':from': `${statsKeys.dayPrefix}${from}`, ':to': `${statsKeys.dayPrefix}${to}` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        sum = addOutcomes(sum, { total: Number(item.total ?? 0), succeeded: Number(item.succeeded ?? 0), failed: Number(item.failed ?? 0) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return sum;
  }
}
