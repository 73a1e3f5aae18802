import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoDispatchPacer } from '#shared/adapters/dynamodb/dispatch-pacer';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import { DynamoPipelineRunRepository } from '#shared/adapters/dynamodb/pipeline-run-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { DynamoStatisticsRepository } from '#shared/adapters/dynamodb/statistics-repository';
import { runIdForTrigger } from '#shared/domain/pipeline-run';
import { GitHubCallError } from '#shared/ports/github';
import type { ProcessingJob } from '#shared/ports/processing-queue';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import { InProcessRunMetrics } from '#shared/adapters/local/in-process-run-metrics';
import { PipelineDispatch } from '#shared/services/pipeline-dispatch';
import { INITIAL_SYSTEM_STATE, type SystemStatus } from '#shared/domain/system-state';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock, SequentialIds } from '#tests/helpers/in-memory-ports';
import { RecordingGitHub, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { channelDefinition, publication } from '#tests/helpers/sample-entities';

// ajv-formats is CommonJS: its default export sits one level down under ESM.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

describe('PipelineDispatch (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => dynamo.close());

  async function world(rates = { perMinute: 60, perHour: 450 }) {
    const table: EmbeddedTable = await dynamo.createTable('dispatch');
    const clock = new FixedClock('2026-12-01T10:00:00.000Z');
    let status: SystemStatus = 'running';
    const state: SystemStateRepository & { set(to: SystemStatus): void } = {
      get: async () => ({ ...INITIAL_SYSTEM_STATE, status }),
      applyTransition: async () => null,
      set: (to) => void (status = to),
    };
    const channels = new DynamoChannelRepository(table);
    await channels.put('chan-1', channelDefinition({ github: { owner: 'acme', repo: 'chan-1', workflow: 'publish.yml', ref: 'main' } }), clock.now().toISOString());
    const publications = new DynamoPublicationRepository(table);
    const runs = new DynamoPipelineRunRepository(table);
    const github = new RecordingGitHub(clock);
    const requeue = new RecordingTriggerQueue();
    const jobs: ProcessingJob[] = [];
    const deps = {
      runs,
      publications,
      channels,
      state,
      github,
      effects: new DynamoRunEffects(table),
      pacer: new DynamoDispatchPacer(table, rates),
      processing: { send: async (job: ProcessingJob) => void jobs.push(job) },
      requeue,
      activity: new DynamoActivityLog(table, clock, 30),
      clock,
      ids: new SequentialIds('ACT'),
      metrics: new InProcessRunMetrics(),
    };
    return { table, clock, state, runs, publications, github, requeue, jobs, deps, dispatch: new PipelineDispatch(deps) };
  }

  async function slotTrigger(w: Awaited<ReturnType<typeof world>>, slotId: string, videos = 1): Promise<PipelineTrigger> {
    const pubs = Array.from({ length: videos }, (_, i) => publication({ channel_id: 'chan-1', video_id: `video-${i}`, slot_id: slotId, status: 'dispatching' }));
    await w.publications.putMany(pubs);
    return {
      trigger_id: `${slotId}/chan-1`,
      channel_id: 'chan-1',
      slot_id: slotId,
      publications: pubs.map((p) => ({ publication_id: p.publication_id, video_id: p.video_id })),
      priority: 'normal',
      enqueued_at: w.clock.now().toISOString(),
    };
  }

  it('dispatches a slot trigger once: one run, one workflow_dispatch with run_id, video_id and publications; publications dispatched', async () => {
    // Prepare
    const w = await world();
    const trigger = await slotTrigger(w, 'slot-a', 3);

    // Act
    const result = await w.dispatch.receive(trigger);

    // Assert
    const runId = runIdForTrigger(trigger.trigger_id, 1);
    expect(result.runs).toEqual([{ run_id: runId, outcome: 'dispatched' }]);
    expect(w.github.runs).toHaveLength(1);
    expect(w.github.runs[0]?.inputs).toMatchObject({ run_id: runId, video_id: 'video-0', publications: JSON.stringify(trigger.publications) });
    const run = await w.runs.get(runId);
    expect(run).toMatchObject({ status: 'dispatched', attempts: 1, dispatch_token: null, github: { run_id: 1000, html_url: 'https://github.test/acme/chan-1/actions/runs/1000' } });
    for (const p of trigger.publications) expect(await w.publications.get(p.publication_id)).toMatchObject({ status: 'dispatched', run_id: runId });
  });

  it('the same SQS message delivered twice, even at once, starts one workflow run', async () => {
    // Prepare
    const w = await world();
    const trigger = await slotTrigger(w, 'slot-b');

    // Act
    const results = await Promise.all([w.dispatch.receive(trigger), w.dispatch.receive(trigger), w.dispatch.receive(trigger, 2)]);
    await w.dispatch.receive(trigger, 3);

    // Assert
    expect(w.github.runs).toHaveLength(1);
    expect(results.flatMap((r) => r.runs.map((x) => x.outcome)).filter((o) => o === 'dispatched')).toHaveLength(1);
    // Counted once, by the delivery whose write dispatched the run.
    expect(w.deps.metrics.snapshot()).toEqual({ RunsDispatched: 1 });
  });

  it('a crash right after GitHub accepted the dispatch, then the retry: no second run, the first is found by its run-name', async () => {
    // Prepare: the write recording the result fails once (the process died there).
    const w = await world();
    const trigger = await slotTrigger(w, 'slot-c');
    const changeStatus = w.runs.changeStatus.bind(w.runs);
    let crashed = false;
    w.runs.changeStatus = async (runId, change) => {
      if (!crashed && change.to === 'dispatched') {
        crashed = true;
        throw new Error('process died after GitHub answered');
      }
      return changeStatus(runId, change);
    };

    // Act
    await expect(w.dispatch.receive(trigger)).rejects.toThrow('process died');
    w.clock.advance(30_000);
    const retried = await w.dispatch.receive(trigger, 2);

    // Assert
    expect(w.github.runs).toHaveLength(1);
    expect(retried.runs[0]?.outcome).toBe('duplicate');
    expect(await w.runs.get(runIdForTrigger(trigger.trigger_id, 1))).toMatchObject({ status: 'dispatched', github: { run_id: 1000 } });
  });

  it('an intent GitHub never saw (the call died before it left) is sent again once its grace is over, never before', async () => {
    // Prepare: the dispatch call itself fails before reaching GitHub.
    const w = await world();
    const trigger = await slotTrigger(w, 'slot-d');
    const dispatch = w.github.dispatch.bind(w.github);
    let failed = false;
    w.github.dispatch = async (target, inputs) => {
      if (!failed) {
        failed = true;
        throw new Error('connection reset before the request was sent');
      }
      return dispatch(target, inputs);
    };

    // Act
    await expect(w.dispatch.receive(trigger)).rejects.toThrow('connection reset');
    const early = await w.dispatch.receive(trigger, 2);
    w.clock.advance(3 * 60_000);
    const later = await w.dispatch.receive(trigger, 3);

    // Assert
    expect(early.runs[0]?.outcome).toBe('awaiting_github');
    expect(later.runs[0]?.outcome).toBe('dispatched');
    expect(w.github.runs).toHaveLength(1);
    expect((await w.runs.get(runIdForTrigger(trigger.trigger_id, 1)))?.attempts).toBe(2);
  });

  it('at 10 dispatches a minute, 40 triggers go out with never more than 10 in any 60-second window, none failed or dead-lettered', async () => {
    // Prepare: a queue driven by the fake clock: a re-queued trigger comes back after its delay.
    const w = await world({ perMinute: 10, perHour: 450 });
    const queue: { trigger: PipelineTrigger; at: number }[] = [];
    for (let i = 0; i < 40; i++) queue.push({ trigger: await slotTrigger(w, `slot-p${i}`), at: w.clock.now().getTime() });
    let thrown = 0;

    // Act
    while (queue.length > 0) {
      queue.sort((a, b) => a.at - b.at);
      const next = queue.shift() as { trigger: PipelineTrigger; at: number };
      if (next.at > w.clock.now().getTime()) w.clock.set(new Date(next.at).toISOString());
      const sent = w.requeue.sends.length;
      await w.dispatch.receive(next.trigger).catch(() => thrown++);
      w.requeue.sends.slice(sent).forEach((triggers, i) => {
        for (const t of triggers) queue.push({ trigger: t, at: w.clock.now().getTime() + (w.requeue.delays[sent + i] ?? 0) * 1000 });
      });
    }

    // Assert
    const times = w.github.runs.map((r) => Date.parse(r.created_at)).sort((a, b) => a - b);
    expect(times).toHaveLength(40);
    expect(thrown).toBe(0);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(10);
    expect(w.requeue.delays.every((d) => d >= 1 && d <= 900)).toBe(true);
  });

  it('a processing-queue intent a dead process left: waited out while others may live, handed over at once when they are known dead (the local server)', async () => {
    // Prepare: the first delivery dies after writing its intent (the job never left).
    const w = await world();
    await new DynamoChannelRepository(w.table).put('chan-3', channelDefinition({ github: null }), w.clock.now().toISOString());
    const pub = publication({ channel_id: 'chan-3', status: 'dispatching', slot_id: 'slot-d' });
    await w.publications.putMany([pub]);
    const trigger: PipelineTrigger = { trigger_id: 'slot-d/chan-3', channel_id: 'chan-3', slot_id: 'slot-d', publications: [{ publication_id: pub.publication_id, video_id: pub.video_id }], priority: 'normal', enqueued_at: w.clock.now().toISOString() };
    const dying = new PipelineDispatch({ ...w.deps, owner: 'proc_dead', processing: { send: async () => { throw new Error('killed before the job left'); } } });
    await expect(dying.receive(trigger)).rejects.toThrow('killed');

    // Act: the message again, to a process that cannot know the other died, then to the sole process after a restart
    const unsure = await new PipelineDispatch({ ...w.deps, owner: 'proc_live' }).receive(trigger, 2);
    const sole = await new PipelineDispatch({ ...w.deps, owner: 'proc_restarted', othersAreDead: true }).receive(trigger, 3);

    // Assert
    expect(unsure.runs[0]?.outcome).toBe('awaiting_github');
    expect(sole.runs[0]?.outcome).toBe('dispatched');
    expect(w.jobs).toHaveLength(1);
    expect(await w.publications.get(pub.publication_id)).toMatchObject({ status: 'dispatched' });
  });

  it('a channel without a repository hands its run to the processing queue, dispatched once handed over', async () => {
    // Prepare
    const w = await world();
    await new DynamoChannelRepository(w.table).put('chan-2', channelDefinition({ github: null }), w.clock.now().toISOString());
    const pub = publication({ channel_id: 'chan-2', status: 'dispatching', slot_id: 'slot-q' });
    await w.publications.putMany([pub]);

    // Act
    const result = await w.dispatch.receive({ trigger_id: 'slot-q/chan-2', channel_id: 'chan-2', slot_id: 'slot-q', publications: [{ publication_id: pub.publication_id, video_id: pub.video_id }], priority: 'high', enqueued_at: w.clock.now().toISOString() });

    // Assert
    expect(result.runs[0]?.outcome).toBe('dispatched');
    expect(w.jobs).toHaveLength(1);
    expect(w.jobs[0]).toMatchObject({ channel_id: 'chan-2', priority: 'high', publications: [{ publication_id: pub.publication_id }] });
    expect(w.github.runs).toHaveLength(0);
    expect(await w.runs.get(result.runs[0]?.run_id as string)).toMatchObject({ route: 'processing_queue', status: 'dispatched' });
    // The message is what docs/processing-queue.schema.json promises the workers.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const valid = ajv.compile(JSON.parse(readFileSync('docs/processing-queue.schema.json', 'utf8')));
    expect(valid(JSON.parse(JSON.stringify(w.jobs[0]))), JSON.stringify(valid.errors)).toBe(true);
  });

  it('a dispatch GitHub refuses for good (401) counts its publications failed in the day counters, once however often the trigger comes back', async () => {
    // Prepare
    const w = await world();
    const trigger = await slotTrigger(w, 'slot-refused', 2);
    w.github.dispatch = async () => {
      throw new GitHubCallError('unauthorized', 'GitHub answered 401 to POST .../dispatches: Bad credentials', 401);
    };
    const statistics = new DynamoStatisticsRepository(w.table);
    const day = w.clock.now().toISOString().slice(0, 10);

    // Act: the failure, then the same message again (a redelivery after a crash before its deletion)
    const first = await w.dispatch.receive(trigger);
    const again = await w.dispatch.receive(trigger, 2);

    // Assert
    expect(first.runs[0]?.outcome).toBe('failed');
    expect(again.runs[0]?.outcome).toBe('duplicate');
    for (const p of trigger.publications) expect(await w.publications.get(p.publication_id)).toMatchObject({ status: 'failed' });
    expect(await statistics.channelWindow('chan-1', day, day)).toEqual({ total: 2, succeeded: 0, failed: 2 });
    expect(await statistics.overallWindow(day, day)).toEqual({ total: 2, succeeded: 0, failed: 2 });
  });
});
