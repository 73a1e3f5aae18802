import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { OVERALL_STATS_SHARDS, statsKeys } from '#shared/adapters/dynamodb/keys';
import { DynamoStatisticsRepository } from '#shared/adapters/dynamodb/statistics-repository';
import { dayWindow } from '#shared/domain/statistics';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { useTablePerTest } from '#tests/helpers/embedded-table';

describe('Class: DynamoStatisticsRepository', () => {
  let table: EmbeddedTable;
  let repository: DynamoStatisticsRepository;
  useTablePerTest((created) => {
    table = created;
    repository = new DynamoStatisticsRepository(table);
  });

  const put = (key: { pk: string; sk: string }, counts: { total: number; succeeded?: number; failed?: number }) =>
    table.doc.send(new PutCommand({ TableName: table.tableName, Item: { ...key, ...counts, counted_runs: new Set(['run_x']) } }));

  describe('Method: channelWindow', () => {
    it('sums the days of the window, both ends included, and nothing of another channel or outside it', async () => {
      // Prepare: 30 days ending 2026-12-01 start on 2026-11-02.
      const { from, to } = dayWindow(new Date('2026-12-01T23:59:00.000Z'));
      expect({ from, to }).toEqual({ from: '2026-11-02', to: '2026-12-01' });
      await put(statsKeys.channelDay('tech', '2026-11-01'), { total: 100, succeeded: 100 });
      await put(statsKeys.channelDay('tech', '2026-11-02'), { total: 3, succeeded: 2, failed: 1 });
      await put(statsKeys.channelDay('tech', '2026-12-01'), { total: 4, failed: 4 });
      await put(statsKeys.channelDay('tech-2', '2026-11-20'), { total: 7, succeeded: 7 });

      // Act / Assess
      expect(await repository.channelWindow('tech', from, to)).toEqual({ total: 7, succeeded: 2, failed: 5 });
      expect(await repository.channelWindow('nobody', from, to)).toEqual({ total: 0, succeeded: 0, failed: 0 });
    });
  });

  describe('Method: overallWindow', () => {
    it('sums every shard of every day of the window, and nothing outside it', async () => {
      // Prepare
      for (let shard = 0; shard < OVERALL_STATS_SHARDS; shard++) await put(statsKeys.overallDay(shard, '2026-11-15'), { total: 2, succeeded: 1, failed: 1 });
      await put(statsKeys.overallDay(3, '2026-10-01'), { total: 50, succeeded: 50 });
      await put(statsKeys.channelDay('tech', '2026-11-15'), { total: 9, succeeded: 9 });

      // Act / Assess
      expect(await repository.overallWindow('2026-11-02', '2026-12-01')).toEqual({ total: 32, succeeded: 16, failed: 16 });
    });
  });
});
