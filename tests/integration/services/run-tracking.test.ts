import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoPipelineRunRepository } from '#shared/adapters/dynamodb/pipeline-run-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import { DynamoStatisticsRepository } from '#shared/adapters/dynamodb/statistics-repository';
import { DynamoVideoRepository } from '#shared/adapters/dynamodb/video-repository';
import { channelKeys, statsKeys } from '#shared/adapters/dynamodb/keys';
import type { PipelineRun } from '#shared/domain/pipeline-run';
import { RunTracking } from '#shared/services/run-tracking';
import { InProcessRunMetrics } from '#shared/adapters/local/in-process-run-metrics';
import { embeddedTable, scanTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { channelDefinition, publication, video } from '#tests/helpers/sample-entities';

const AT = '2026-12-01T10:00:00.000Z';

function dispatchedRun(overrides: Partial<PipelineRun> = {}): PipelineRun {
  return {
    run_id: 'run_0123456789abcdef0123456789',
    channel_id: 'chan-t',
    video_id: 'vid-t',
    route: 'github_actions',
    status: 'dispatched',
    priority: 'normal',
    trigger_id: 'slot-t/chan-t',
    slot_id: 'slot-t',
    publications: [],
    inputs: {},
    github: { owner: 'acme', repo: 'chan-t', workflow: 'publish.yml', ref: 'main', run_id: 4242, html_url: 'https://github.test/runs/4242' },
    attempts: 1,
    dispatch_token: null,
    dispatch_started_at: null,
    last_error: null,
    conclusion: null,
    created_at: AT,
    updated_at: AT,
    dispatched_at: AT,
    completed_at: null,
    ...overrides,
  };
}

describe('RunTracking (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  const clock = new FixedClock('2026-12-01T10:30:00.000Z');
  let tracking: RunTracking;
  let runs: DynamoPipelineRunRepository;
  let publications: DynamoPublicationRepository;
  const metrics = new InProcessRunMetrics();

  beforeAll(async () => {
    table = await embeddedTable('tracking');
    runs = new DynamoPipelineRunRepository(table, 30);
    publications = new DynamoPublicationRepository(table);
    tracking = new RunTracking({ runs, publications, effects: new DynamoRunEffects(table), activity: new DynamoActivityLog(table, clock, 30), clock, metrics });
    await new DynamoChannelRepository(table).put('chan-t', channelDefinition({ github: { owner: 'acme', repo: 'chan-t', workflow: 'publish.yml', ref: 'main' } }), AT);
    const videos = new DynamoVideoRepository(table);
    await videos.create(video('vid-t', AT));
    await videos.addPending('vid-t', 2, AT);
  });
  afterAll(async () => table.close());

  it('in_progress then success: the run, its publications, the video, the channel and the day counted once, however often GitHub says so', async () => {
    // Prepare
    const pubs = [publication({ channel_id: 'chan-t', video_id: 'vid-t', status: 'dispatched' }), publication({ channel_id: 'chan-t', video_id: 'vid-t', status: 'dispatched' })];
    await publications.putMany(pubs);
    const run = dispatchedRun({ publications: pubs.map((p) => ({ publication_id: p.publication_id, video_id: p.video_id })) });
    await runs.create(run);
    const signal = { github_run_id: 4242, run_id: null, html_url: 'https://github.test/runs/4242', source: 'webhook:d1' };

    // Act: GitHub's word arrives, then again (a redelivery, the reconciliation).
    const started = await tracking.apply({ ...signal, status: 'in_progress', conclusion: null, at: '2026-12-01T10:05:00.000Z' });
    const done = await tracking.apply({ ...signal, status: 'completed', conclusion: 'success', at: '2026-12-01T10:20:00.000Z' });
    const again = await tracking.apply({ ...signal, status: 'completed', conclusion: 'success', at: '2026-12-01T10:20:00.000Z', source: 'reconciliation' });

    // Assert
    expect(started).toEqual({ matched: true, changed: true, run_id: run.run_id, status: 'in_progress' });
    expect(done).toEqual({ matched: true, changed: true, run_id: run.run_id, status: 'succeeded' });
    expect(again).toMatchObject({ matched: true, changed: false });
    expect(metrics.snapshot()).toEqual({ RunsSucceeded: 1 });
    expect(await runs.get(run.run_id)).toMatchObject({ status: 'succeeded', conclusion: 'success', completed_at: '2026-12-01T10:20:00.000Z' });
    for (const p of pubs) expect(await publications.get(p.publication_id)).toMatchObject({ status: 'succeeded', run_id: run.run_id });
    const read = async (key: Record<string, string>) => (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;
    expect(await read({ pk: 'VIDEO#vid-t', sk: 'VIDEO' })).toMatchObject({ status: 'published' });
    expect(await read(channelKeys.key('chan-t'))).toMatchObject({ last_publication_at: '2026-12-01T10:20:00.000Z' });
    expect(await read(statsKeys.channelDay('chan-t', '2026-12-01'))).toMatchObject({ total: 2, succeeded: 2 });
    // Counted once for every channel as well: the overall day counters the dashboard sums.
    expect(await new DynamoStatisticsRepository(table).overallWindow('2026-11-02', '2026-12-01')).toEqual({ total: 2, succeeded: 2, failed: 0 });
    // The main entries (each also has a copy under its channel).
    const entries = (await scanTable(table)).filter((i) => String(i.pk).startsWith('ACTIVITY#'));
    expect(entries.filter((e) => e.type === 'pipeline.succeeded')).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'pipeline.in_progress')).toHaveLength(1);
  });

  it('a crash after the effects and before the run\'s own change: the next word finishes it, counting nothing twice', async () => {
    // Prepare
    const pub = publication({ channel_id: 'chan-t', video_id: 'vid-t', status: 'dispatched' });
    await publications.putMany([pub]);
    const run = dispatchedRun({ run_id: 'run_abcdefabcdefabcdefabcdefab', github: { ...dispatchedRun().github!, run_id: 5151 }, publications: [{ publication_id: pub.publication_id, video_id: 'vid-t' }] });
    await runs.create(run);
    const changeStatus = runs.changeStatus.bind(runs);
    runs.changeStatus = async () => {
      throw new Error('process died before the run changed');
    };
    const failure = { github_run_id: 5151, run_id: run.run_id, status: 'completed', conclusion: 'failure', html_url: null, at: '2026-12-01T10:25:00.000Z', source: 'webhook:d2' };

    // Act
    await expect(tracking.apply(failure)).rejects.toThrow('process died');
    runs.changeStatus = changeStatus;
    const retried = await tracking.apply({ ...failure, source: 'webhook:d2-redelivered' });

    // Assert
    expect(retried).toMatchObject({ changed: true, status: 'failed' });
    expect(await runs.get(run.run_id)).toMatchObject({ status: 'failed', last_error: { code: 'pipeline_failed' } });
    expect(await publications.get(pub.publication_id)).toMatchObject({ status: 'failed', status_reason: 'the pipeline run ended: failure' });
    const day = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: statsKeys.channelDay('chan-t', '2026-12-01') }))).Item;
    expect(day).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
    const statistics = new DynamoStatisticsRepository(table);
    expect(await statistics.overallWindow('2026-11-02', '2026-12-01')).toEqual({ total: 3, succeeded: 2, failed: 1 });
    expect(await statistics.channelWindow('chan-t', '2026-11-02', '2026-12-01')).toEqual({ total: 3, succeeded: 2, failed: 1 });
  });

  it('a report on a held run (never sent: the system was paused) changes nothing: not the run, its publications, the video or the counters', async () => {
    // Prepare
    const pub = publication({ channel_id: 'chan-t', video_id: 'vid-t', status: 'held' });
    await publications.putMany([pub]);
    const run = dispatchedRun({ run_id: 'run_held0held0held0held0held0', status: 'held', github: null, dispatched_at: null, publications: [{ publication_id: pub.publication_id, video_id: 'vid-t' }] });
    await runs.create(run);
    const before = await scanTable(table);

    // Act
    const answer = await tracking.complete(run.run_id, { conclusion: 'success' }, 'worker:test');

    // Assert
    expect(answer.changed).toBe(false);
    expect(answer.run.status).toBe('held');
    expect(await scanTable(table)).toEqual(before);
  });

  it('a signal for no run of ours is not matched and changes nothing', async () => {
    expect(await tracking.apply({ github_run_id: 999, run_id: null, status: 'completed', conclusion: 'success', html_url: null, at: AT, source: 'webhook:x' })).toEqual({
      matched: false,
      changed: false,
      run_id: null,
      status: null,
    });
  });
});
