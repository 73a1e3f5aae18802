import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import type { ServiceGraph } from '#tests/helpers/crash-injection';
import {
  at,
  book,
  bookingRequest,
  CHANNELS,
  crashMatrix,
  fileDynamo,
  SETUP_META,
  type CrashScenario,
  type GuaranteeWorld,
  type TableView,
} from '#tests/helpers/crash-scenarios';
import { channelDefinition } from '#tests/helpers/sample-entities';

/**
 * Issue 9, "never dispatched twice", under crashes: the dispatcher (the
 * trigger consumer) and a run's completion are crashed after each of their
 * writes, GitHub's acceptance of a dispatch counted as one. Recovery is what
 * the platform does: SQS delivers the message again, GitHub's run is looked up
 * by its run-name before anything is sent again, the reconciliation asks
 * GitHub about quiet runs. Then "one workflow run per trigger, one final
 * state per run" (tests/helpers/invariants.ts) and every invariant before.
 */

interface DispatchState {
  /** The triggers the fired slot sent: one a channel. */
  triggers: PipelineTrigger[];
  /** The publications of the slot. */
  slotPublications: string[];
}

/** c1 and c2 have a repository (their runs go to GitHub Actions); c3 has none (the processing queue). */
async function registerWithRepositories(world: GuaranteeWorld, graph: ServiceGraph): Promise<void> {
  await world.register(graph);
  for (const id of ['c1', 'c2']) {
    const github = { owner: 'acme', repo: `${id}-pipeline`, workflow: 'publish.yml', ref: 'main' };
    await graph.channelRegistry.put(id, channelDefinition({ name: id, ...CHANNELS[id], github }), SETUP_META);
  }
}

/** v1 on c1-c3 at T0+60, the slot fired: three triggers in the queue, not yet taken. */
async function prepareFiredSlot(world: GuaranteeWorld, graph: ServiceGraph): Promise<DispatchState> {
  await registerWithRepositories(world, graph);
  const outcome = await book(world, graph, bookingRequest({ videoIds: ['v1'], scheduledAt: at(60) }));
  const schedule = [...world.scheduler.schedules.values()].find((s) => s.fire_at === at(60));
  if (!schedule) throw new Error('the coordination has no slot at T0+60');
  world.clock.set(at(60));
  const before = world.queue.triggers.length;
  await graph.slotDispatch.fire({ slot_id: schedule.slot_id, group_id: schedule.group_id, fire_at: schedule.fire_at });
  world.scheduler.schedules.delete(schedule.slot_id);
  const triggers = world.queue.triggers.slice(before);
  if (triggers.length !== 3) throw new Error(`the slot sent ${triggers.length} triggers, not 3`);
  return { triggers, slotPublications: outcome.publications.map((p) => p.publication_id ?? '') };
}

/** Every publication of the slot reached its run: dispatched, or further. */
function slotDispatched({ slotPublications }: DispatchState, view: TableView, expected: string[] = ['dispatched']): string[] {
  return view.publications
    .filter((p) => slotPublications.includes(p.publication_id) && !expected.includes(p.status))
    .map((p) => `${p.publication_id} on ${p.channel_id} is ${p.status}, not ${expected.join(' or ')}`);
}

/** GitHub ran one workflow for each channel with a repository, the processing queue had c3's. */
function oneRunEach(world: GuaranteeWorld): string[] {
  const problems: string[] = [];
  const repos = world.github.runs.map((r) => r.target.repo).sort();
  if (repos.join(',') !== 'c1-pipeline,c2-pipeline') problems.push(`GitHub ran workflows in ${repos.join(', ') || 'no repository'}, not once in c1-pipeline and c2-pipeline`);
  if (!world.processing.jobs.some((j) => j.channel_id === 'c3')) problems.push('c3 was never handed to the processing queue');
  return problems;
}

/** SQS delivers a message its consumer died on again, after the visibility timeout. */
async function redeliver(graph: ServiceGraph, triggers: PipelineTrigger[]): Promise<void> {
  for (const trigger of triggers) await graph.pipelineDispatch.receive(trigger, 2);
}

const dispatchingASlot: CrashScenario<DispatchState> = {
  prepare: prepareFiredSlot,
  act: (world, graph) => world.deliverTriggers(graph),
  recover: async (_world, graph, { triggers }, crashed) => {
    if (crashed) await redeliver(graph, triggers);
  },
  assess: (world, state, view) => [...slotDispatched(state, view), ...oneRunEach(world)],
};

/** The slot dispatched (three runs, two on GitHub); GitHub finished its two; c3's worker is about to report. */
async function prepareFinishing(world: GuaranteeWorld, graph: ServiceGraph): Promise<DispatchState> {
  const state = await prepareFiredSlot(world, graph);
  await world.deliverTriggers(graph);
  for (const run of world.github.runs) world.github.finish(run.github_run_id, 'success');
  return state;
}

/** GitHub's `completed` webhooks for its runs, and c3's worker's report (POST /pipeline-runs/{id}/complete). */
async function complete(world: GuaranteeWorld, graph: ServiceGraph): Promise<void> {
  for (const run of world.github.runs) {
    await graph.runTracking.apply({
      github_run_id: run.github_run_id,
      run_id: run.inputs.run_id ?? null,
      status: 'completed',
      conclusion: run.conclusion,
      html_url: run.html_url,
      at: run.updated_at,
      source: `webhook:delivery-${run.github_run_id}`,
    });
  }
  const job = world.processing.jobs.find((j) => j.channel_id === 'c3');
  if (job) await graph.runTracking.complete(job.run_id, { conclusion: 'success' }, 'worker');
}

const completingRuns: CrashScenario<DispatchState> = {
  prepare: prepareFinishing,
  act: (world, graph) => complete(world, graph),
  // GitHub does not resend a webhook on its own: the reconciliation asks about quiet runs. The worker retries its report.
  recover: async (world, graph, _state, crashed) => {
    const job = world.processing.jobs.find((j) => j.channel_id === 'c3');
    if (crashed && job) await graph.runTracking.complete(job.run_id, { conclusion: 'success' }, 'worker');
  },
  assess: (world, state, view) => {
    const problems = [...slotDispatched(state, view, ['succeeded']), ...oneRunEach(world)];
    const v1 = view.videos.find((v) => v.video_id === 'v1');
    if (v1?.status !== 'published') problems.push(`v1 is ${v1?.status ?? 'missing'}, not published`);
    return problems;
  },
};

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'PipelineDispatch.receive and RunTracking (issue 9)', [
  ['dispatching a fired slot: two GitHub runs and one processing job', dispatchingASlot],
  ['completing the runs: two webhooks and a worker report', completingRuns],
]);
