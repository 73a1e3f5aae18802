import { randomUUID } from 'node:crypto';
import { isoOf } from '#shared/domain/publication-group';
import {
  newRun,
  runIdForTrigger,
  runNameMarker,
  splitForDispatch,
  type PipelineRun,
  type RunError,
  type RunErrorCode,
} from '#shared/domain/pipeline-run';
import { mapConcurrent } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { DispatchPacer } from '#shared/ports/dispatch-pacer';
import { GitHubCallError, type GitHubWorkflows, type WorkflowTarget } from '#shared/ports/github';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PipelineRunRepository } from '#shared/ports/pipeline-run-repository';
import type { ProcessingQueue } from '#shared/ports/processing-queue';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { RunEffects } from '#shared/ports/run-effects';
import type { RunMetrics } from '#shared/ports/run-metrics';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { PipelineTrigger, TriggerQueue } from '#shared/ports/trigger-queue';
import { AuditRecorder } from './audit-recorder';

/** An intent younger than this may still be GitHub's to answer: look again later rather than send again. */
export const INTENT_GRACE_MS = 2 * 60_000;
/** SQS's longest delay: a trigger that must wait longer is re-queued again when it comes back. */
const MAX_DELAY_SECONDS = 900;
/** The receive at which a trigger whose dispatch keeps failing is given up: one before the queue's maxReceiveCount (5) dead-letters it. */
export const LAST_RECEIVE = 5;

export interface PipelineDispatchDeps {
  runs: PipelineRunRepository;
  publications: PublicationRepository;
  channels: ChannelRepository;
  state: SystemStateRepository;
  github: GitHubWorkflows;
  /** A run that fails at dispatch ends there: its day counters (failed) are written as RunTracking writes a run's end. */
  effects: RunEffects;
  pacer: DispatchPacer;
  processing: ProcessingQueue;
  /** Where a trigger that must wait goes back, with a delay. */
  requeue: TriggerQueue;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
  /** Counts runs dispatched, and failed at dispatch (CloudWatch in AWS). */
  metrics?: RunMetrics | undefined;
  /** The GitHub credential the dispatches are paced on (one token today). */
  credential?: string | undefined;
  /** This process: each intent's token starts with it (`<owner>~<uuid>`). */
  owner?: string | undefined;
  /**
   * Whether every other process is known dead: the local server, the one
   * process its DATA_DIR lock admits. An intent another process left is then
   * no concurrent delivery still sending, and a processing-queue run is
   * handed over again without waiting out the grace.
   */
  othersAreDead?: boolean | undefined;
}

export type RunOutcome = 'dispatched' | 'failed' | 'held' | 'duplicate' | 'paced' | 'awaiting_github';

export interface DispatchResult {
  runs: { run_id: string; outcome: RunOutcome }[];
}

/** A dispatch that may be retried by SQS (thrown so the message returns to the queue). */
export class DispatchRetryable extends Error {
  override readonly name = 'DispatchRetryable';
}

/**
 * The dispatcher: the pipeline-trigger queue's consumer. Every trigger (a
 * slot's publications on one channel, or a manual POST /trigger-pipeline)
 * becomes one run (more when its publications do not fit one dispatch), and
 * each run one workflow_dispatch on the channel's repository, or one job on
 * the processing queue for a channel without one.
 *
 * Never dispatched twice (docs/pipelines.md): the run's id is derived from the
 * trigger, so a duplicate delivery finds it; its intent (a token) is written
 * by a conditional update before GitHub is called, its result after. A run
 * left with an intent (the process died between the two, or GitHub's answer
 * was lost) is looked up on GitHub by the run id in its run-name before
 * anything is sent again, and sent again only when GitHub has no such run
 * after INTENT_GRACE_MS.
 */
export class PipelineDispatch {
  private readonly audit: AuditRecorder;
  private readonly credential: string;

  constructor(private readonly deps: PipelineDispatchDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
    this.credential = deps.credential ?? 'default';
  }

  /** One trigger, delivered for the `receiveCount`-th time. @throws DispatchRetryable to have SQS deliver it again. */
  async receive(trigger: PipelineTrigger, receiveCount = 1): Promise<DispatchResult> {
    const now = this.deps.clock.now().getTime();
    const at = isoOf(now);
    const state = await this.deps.state.get();
    const runs = await this.runsOf(trigger, at);
    if (state.status !== 'running') {
      return { runs: await mapConcurrent(runs, 4, async (run) => ({ run_id: run.run_id, outcome: await this.hold(run, trigger, state.status, at) })) };
    }
    const results: DispatchResult['runs'] = [];
    for (const run of runs) {
      const outcome = await this.dispatchRun(run, trigger, receiveCount);
      results.push({ run_id: run.run_id, outcome });
      // Paced: the rest of the trigger waits too (re-queued whole: runs already dispatched are duplicates then).
      if (outcome === 'paced' || outcome === 'awaiting_github') break;
    }
    return { runs: results };
  }

  /** The runs a trigger becomes, created on first delivery (a duplicate finds them). */
  private async runsOf(trigger: PipelineTrigger, at: string): Promise<PipelineRun[]> {
    if (trigger.run_id) {
      const run = await this.deps.runs.get(trigger.run_id);
      return run ? [run] : [];
    }
    const channel = await this.deps.channels.get(trigger.channel_id);
    const parts = splitForDispatch(trigger.publications);
    return mapConcurrent(parts, 4, async (publications, i) => {
      const run = newRun({
        run_id: runIdForTrigger(trigger.trigger_id, i + 1),
        // A channel deleted since its slot fired: the run goes nowhere it could not (the processing queue).
        channel: channel ?? { channel_id: trigger.channel_id, github: null },
        video_id: publications[0]?.video_id ?? null,
        status: 'queued',
        priority: trigger.priority,
        trigger_id: parts.length > 1 ? `${trigger.trigger_id}~${i + 1}` : trigger.trigger_id,
        slot_id: trigger.slot_id,
        publications,
        inputs: {},
        at,
      });
      if (await this.deps.runs.create(run)) {
        // Received: the reconciliation re-sends only triggers that never reached a run (a paced run waits here, not lost).
        await mapConcurrent(publications, 8, (p) => this.deps.publications.markTriggerReceived(p.publication_id, at));
        return run;
      }
      return (await this.deps.runs.get(run.run_id)) ?? run;
    });
  }

  private async hold(run: PipelineRun, trigger: PipelineTrigger, systemStatus: string, at: string): Promise<RunOutcome> {
    const reason = `system ${systemStatus} when its trigger arrived`;
    const held = await this.deps.runs.changeStatus(run.run_id, { from: ['queued'], to: 'held', at });
    // The publications wait as held; start or resume sends them again (SlotDispatch.releaseHeld), and their run with them.
    await mapConcurrent(run.publications, 8, (p) =>
      this.deps.publications.changeStatus({ publication_id: p.publication_id, channel_id: run.channel_id }, { from: ['dispatching'], to: 'held', at, reason }),
    );
    if (!held) return 'duplicate';
    await this.record('pipeline.held', held, { trigger_id: trigger.trigger_id, system_status: systemStatus, publications: run.publications.length });
    return 'held';
  }

  private async dispatchRun(found: PipelineRun, trigger: PipelineTrigger, receiveCount: number): Promise<RunOutcome> {
    const now = this.deps.clock.now().getTime();
    const at = isoOf(now);
    let run = found;
    // Held while paused, and the system runs again: back to the queue's state.
    if (run.status === 'held') run = (await this.deps.runs.changeStatus(run.run_id, { from: ['held'], to: 'queued', at })) ?? run;
    if (run.status !== 'queued') {
      if (run.status === 'dispatched' || run.status === 'in_progress') await this.finishPublicationMoves(run);
      // A redelivery after a crash between a failure and its counters: counted now (once, whoever counts it).
      if (run.status === 'failed') await this.countFailure(run, run.completed_at ?? run.updated_at);
      return 'duplicate';
    }

    let replacing: string | undefined;
    if (run.dispatch_token) {
      // An intent left by a call that died or lost GitHub's answer: ask GitHub first.
      const settled = await this.settleIntent(run, now);
      if (settled === 'dispatched') return 'duplicate';
      if (settled === 'wait') return this.requeueAfter(trigger, Math.ceil(INTENT_GRACE_MS / 1000), 'awaiting_github');
      replacing = run.dispatch_token;
    }

    if (run.route === 'github_actions') {
      const wait = await this.deps.pacer.take(this.credential, now);
      if (wait > 0) return this.requeueAfter(trigger, Math.ceil(wait / 1000), 'paced');
    }

    const token = `${this.deps.owner ?? 'proc'}~${randomUUID()}`;
    const owned = await this.deps.runs.beginDispatch(run.run_id, token, at, replacing);
    if (!owned) return 'duplicate';

    if (owned.route === 'processing_queue') {
      const channel = await this.deps.channels.get(owned.channel_id);
      await this.deps.processing.send({
        run_id: owned.run_id,
        channel_id: owned.channel_id,
        video_id: owned.video_id,
        publications: owned.publications,
        inputs: owned.inputs,
        priority: owned.priority,
        config: channel?.config ?? {},
        enqueued_at: at,
      });
      return (await this.markDispatched(owned, token, null)) ? 'dispatched' : 'duplicate';
    }

    const github = owned.github;
    if (!github) return this.fail(owned, token, 'channel_unavailable', 'the run has no repository to dispatch to');
    try {
      const dispatched = await this.deps.github.dispatch(github, {
        ...owned.inputs,
        run_id: owned.run_id,
        video_id: owned.video_id ?? '',
        publications: JSON.stringify(owned.publications),
      });
      const ref = { ...github, run_id: dispatched.github_run_id, html_url: dispatched.html_url };
      return (await this.markDispatched(owned, token, ref)) ? 'dispatched' : 'duplicate';
    } catch (error) {
      if (!(error instanceof GitHubCallError)) throw error;
      return this.onGitHubError(owned, token, error, trigger, receiveCount);
    }
  }

  /** Looks for the run of a leftover intent on GitHub. */
  private async settleIntent(run: PipelineRun, now: number): Promise<'dispatched' | 'wait' | 'resend'> {
    if (run.route === 'processing_queue') {
      // A job handed over twice is told apart by its run id (workers report by it); an intent past its grace is resent,
      // and so is one a dead process left (the grace only keeps a live delivery's send from being doubled).
      if (this.leftByTheDead(run)) return 'resend';
      return now - Date.parse(run.dispatch_started_at ?? run.updated_at) < INTENT_GRACE_MS ? 'wait' : 'resend';
    }
    if (!run.github) return 'resend';
    const since = isoOf(Date.parse(run.dispatch_started_at ?? run.created_at) - 60_000);
    const found = await this.deps.github.findRun(run.github, runNameMarker(run.run_id), since);
    if (found) {
      const ref = { ...run.github, run_id: found.github_run_id, html_url: found.html_url };
      await this.markDispatched(run, run.dispatch_token ?? '', ref);
      return 'dispatched';
    }
    return now - Date.parse(run.dispatch_started_at ?? run.updated_at) < INTENT_GRACE_MS ? 'wait' : 'resend';
  }

  /** An intent another process left, when every other process is known dead. */
  private leftByTheDead(run: PipelineRun): boolean {
    return this.deps.othersAreDead === true && !(run.dispatch_token ?? '').startsWith(`${this.deps.owner ?? 'proc'}~`);
  }

  private async markDispatched(run: PipelineRun, token: string, github: PipelineRun['github']): Promise<boolean> {
    const at = isoOf(this.deps.clock.now().getTime());
    const moved = await this.deps.runs.changeStatus(run.run_id, { from: ['queued'], to: 'dispatched', at, token, ...(github ? { github } : {}), error: null });
    if (!moved) return false;
    this.deps.metrics?.runDispatched();
    await mapConcurrent(run.publications, 8, (p) =>
      this.deps.publications.changeStatus(
        { publication_id: p.publication_id, channel_id: run.channel_id },
        { from: ['dispatching', 'held'], to: 'dispatched', at, set: { run_id: run.run_id, trigger_received_at: at } },
      ),
    );
    await this.record('pipeline.dispatched', moved, {
      route: moved.route,
      publications: moved.publications.length,
      attempts: moved.attempts,
      github_run_id: moved.github?.run_id ?? null,
      html_url: moved.github?.html_url ?? null,
    });
    return true;
  }

  /**
   * A redelivered trigger whose run is dispatched already: the publications
   * its dispatch did not get to move (the process died between the run's
   * write and theirs) move now. Read first, so a plain duplicate writes nothing.
   */
  private async finishPublicationMoves(run: PipelineRun): Promise<void> {
    const stored = await this.deps.publications.getMany(run.publications.map((p) => p.publication_id));
    const behind = [...stored.values()].filter((p) => p.status === 'dispatching' || p.status === 'held');
    if (behind.length === 0) return;
    const at = isoOf(this.deps.clock.now().getTime());
    await mapConcurrent(behind, 8, (p) =>
      this.deps.publications.changeStatus(
        { publication_id: p.publication_id, channel_id: run.channel_id },
        { from: ['dispatching', 'held'], to: 'dispatched', at, set: { run_id: run.run_id, trigger_received_at: at } },
      ),
    );
  }

  private async onGitHubError(run: PipelineRun, token: string, error: GitHubCallError, trigger: PipelineTrigger, receiveCount: number): Promise<RunOutcome> {
    const at = isoOf(this.deps.clock.now().getTime());
    const target = run.github as WorkflowTarget;
    const where = `${target.owner}/${target.repo}, workflow ${target.workflow} on ${target.ref}`;
    switch (error.kind) {
      case 'unauthorized':
        return this.fail(run, token, 'github_credentials_invalid', `GitHub refused the token (401) for ${where}: set a valid token with actions:write on the repository`);
      case 'not_found':
        return this.fail(run, token, 'github_workflow_missing', `GitHub has no ${where} that the token can see (404): check the channel's github settings and the token's access`);
      case 'unprocessable':
        return this.fail(run, token, 'github_inputs_refused', `GitHub refused the dispatch of ${where} (422: ${error.message}): the workflow needs a workflow_dispatch trigger with inputs run_id, video_id and publications, and the ref must exist`);
      case 'rate_limited': {
        // GitHub accepted nothing: give the run back to the queue's state and wait as told.
        await this.deps.runs.changeStatus(run.run_id, { from: ['queued'], to: 'queued', at, token, error: errorOf('github_rate_limited', error.message, at) });
        return this.requeueAfter(trigger, Math.max(1, error.retryAfterSeconds ?? 60), 'paced');
      }
      case 'unavailable':
        // GitHub may or may not have started the run: the intent stays, and the next delivery looks it up first.
        if (receiveCount >= LAST_RECEIVE) {
          return this.fail(run, token, 'github_unavailable', `GitHub kept failing (${error.message}) for ${where}; the trigger was tried ${receiveCount} times`);
        }
        await this.deps.runs.noteError(run.run_id, errorOf('github_unavailable', error.message, at));
        throw new DispatchRetryable(`GitHub unavailable for run ${run.run_id}: ${error.message}`);
    }
  }

  private async fail(run: PipelineRun, token: string, code: RunErrorCode, message: string): Promise<RunOutcome> {
    const at = isoOf(this.deps.clock.now().getTime());
    const failed = await this.deps.runs.changeStatus(run.run_id, { from: ['queued'], to: 'failed', at, token, error: errorOf(code, message, at) });
    if (!failed) return 'duplicate';
    this.deps.metrics?.runFinished('failed');
    await mapConcurrent(run.publications, 8, (p) =>
      this.deps.publications.changeStatus(
        { publication_id: p.publication_id, channel_id: run.channel_id },
        { from: ['dispatching', 'held'], to: 'failed', at, reason: message, set: { run_id: run.run_id } },
      ),
    );
    await this.countFailure(failed, at);
    await this.record('pipeline.failed', failed, { error: code, message, publications: run.publications.length });
    return 'failed';
  }

  /**
   * The day counters of a run that failed at dispatch (statistics count its
   * publications as failed). Idempotent: the counters skip a run they counted
   * already (run-effects.ts's markers).
   */
  private async countFailure(run: PipelineRun, at: string): Promise<void> {
    await this.deps.effects.runFinished(run, { succeeded: false, at, publications: run.publications.length, newlyFinal: run.publications.length });
  }

  private async requeueAfter(trigger: PipelineTrigger, seconds: number, outcome: RunOutcome): Promise<RunOutcome> {
    await this.deps.requeue.send([trigger], { delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, seconds)) });
    return outcome;
  }

  private async record(type: 'pipeline.dispatched' | 'pipeline.failed' | 'pipeline.held', run: PipelineRun, details: Record<string, unknown>): Promise<void> {
    await this.audit.record(
      { actor: 'pipeline-dispatcher', request_id: run.trigger_id },
      { type, target: { type: 'pipeline_run', id: run.run_id }, channelIds: [run.channel_id], details: { video_id: run.video_id, ...details } },
    );
  }
}


function errorOf(code: RunErrorCode, message: string, at: string): RunError {
  return { code, message, at };
}
