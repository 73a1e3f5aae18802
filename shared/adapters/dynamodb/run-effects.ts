import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PipelineRun } from '#shared/domain/pipeline-run';
import { mapConcurrent } from '#shared/concurrency';
import type { RunEffects } from '#shared/ports/run-effects';
import type { TableContext } from './document-client';
import { channelKeys, statsKeys, videoKeys } from './keys';

/**
 * A finished run's lasting effects, each a conditional UpdateItem that takes
 * effect once however often it is applied:
 * - the day's counters (`STATS#<channel>`, `DAY#<yyyy-mm-dd>`, UTC): ADD
 *   total and succeeded or failed, conditioned on the run not being in the
 *   item's `counted_runs` set, which the same write adds it to. One item a
 *   channel a day, kept without expiry, so a 30-day window is 30 reads a
 *   channel (docs/data-model.md);
 * - the same counters for every channel at once (`STATS#ALL#<n>`, `DAY#<d>`,
 *   n the run id's shard of 16), conditioned on its own set of counted runs.
 *   Its set holds a 48-bit number a run (a few bytes, where the id takes 30),
 *   since ~10,000 runs a day land in 16 items the dashboard reads;
 * - the channel's `last_publication_at`, only ever moved forward;
 * - every video of the run `published` (from `assigned` or `available`) on success.
 */
export class DynamoRunEffects implements RunEffects {
  constructor(private readonly table: TableContext) {}

  async runFinished(run: PipelineRun, outcome: { succeeded: boolean; at: string; publications: number }): Promise<void> {
    // A manual run without publications counts as one.
    const count = Math.max(1, outcome.publications);
    await Promise.all([
      this.conditional({
        Key: statsKeys.channelDay(run.channel_id, outcome.at.slice(0, 10)),
        UpdateExpression: `SET entity = :entity, channel_id = :channel, #day = :day ADD #total :n, #outcome :n, counted_runs :run`,
        ConditionExpression: 'attribute_not_exists(counted_runs) OR NOT contains(counted_runs, :runId)',
        ExpressionAttributeNames: { '#day': 'day', '#total': 'total', '#outcome': outcome.succeeded ? 'succeeded' : 'failed' },
        ExpressionAttributeValues: {
          ':entity': 'channel_day_statistics',
          ':channel': run.channel_id,
          ':day': outcome.at.slice(0, 10),
          ':n': count,
          ':run': new Set([run.run_id]),
          ':runId': run.run_id,
        },
      }),
      outcome.succeeded
        ? this.conditional({
            Key: channelKeys.key(run.channel_id),
            UpdateExpression: 'SET last_publication_at = :at',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(last_publication_at) OR last_publication_at < :at)',
            ExpressionAttributeValues: { ':at': outcome.at },
          })
        : Promise.resolve(),
      this.countOverall(run, outcome.succeeded, outcome.at.slice(0, 10), count),
    ]);
    // Every video the run published: a slot's run carries all of its channel's videos of that time.
    if (outcome.succeeded) await mapConcurrent(videosOf(run), 8, (videoId) => this.publish(videoId, outcome.at));
  }

  private countOverall(run: PipelineRun, succeeded: boolean, day: string, count: number): Promise<void> {
    const marker = runMarker(run.run_id);
    return this.conditional({
      Key: statsKeys.overallDay(statsKeys.overallShardOf(run.run_id), day),
      UpdateExpression: `SET entity = :entity, #day = :day ADD #total :n, #outcome :n, counted :marker`,
      ConditionExpression: 'attribute_not_exists(counted) OR NOT contains(counted, :markerValue)',
      ExpressionAttributeNames: { '#day': 'day', '#total': 'total', '#outcome': succeeded ? 'succeeded' : 'failed' },
      ExpressionAttributeValues: {
        ':entity': 'overall_day_statistics',
        ':day': day,
        ':n': count,
        ':marker': new Set([marker]),
        ':markerValue': marker,
      },
    });
  }

  private publish(videoId: string, at: string): Promise<void> {
    return this.conditional({
      Key: videoKeys.key(videoId),
      UpdateExpression: 'SET #status = :published, gsi2pk = :partition, updated_at = :at, published_at = if_not_exists(published_at, :at)',
      ConditionExpression: '#status IN (:assigned, :available)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':published': 'published',
        ':partition': videoKeys.statusPartition('published'),
        ':assigned': 'assigned',
        ':available': 'available',
        ':at': at,
      },
    });
  }

  /** An update that is skipped when its condition says it was made already. */
  private async conditional(update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<void> {
    try {
      await this.table.doc.send(new UpdateCommand({ TableName: this.table.tableName, ...update }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function videosOf(run: PipelineRun): string[] {
  return [...new Set([...(run.video_id ? [run.video_id] : []), ...run.publications.map((p) => p.video_id)])];
}

/** A run's mark in the overall counters' set: the first 48 bits of the SHA-256 of its id (a collision in a day's ~10,000 runs: about 2e-7). */
function runMarker(runId: string): number {
  return createHash('sha256').update(runId).digest().readUIntBE(0, 6);
}
