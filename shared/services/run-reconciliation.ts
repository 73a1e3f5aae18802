import { isoOf } from '#shared/domain/publication-group';
import type { PipelineRun, RunStatus } from '#shared/domain/pipeline-run';
import { mapConcurrent } from '#shared/concurrency';
import type { Clock } from '#shared/ports/clock';
import { GitHubCallError, type GitHubWorkflows } from '#shared/ports/github';
import type { PipelineRunRepository } from '#shared/ports/pipeline-run-repository';
import type { WorkflowRunSignals } from '#shared/ports/run-signals';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { PipelineTrigger, TriggerQueue } from '#shared/ports/trigger-queue';
import { INTENT_GRACE_MS } from './pipeline-dispatch';

/** A run GitHub has said nothing of for this long is asked about. */
export const QUIET_MS = 10 * 60_000;
/** Runs looked at a status a run: GitHub's hourly allowance is shared with the dispatches. */
const PER_STATUS = 50;

export interface RunReconciliationDeps {
  runs: PipelineRunRepository;
  github: GitHubWorkflows;
  signals: WorkflowRunSignals;
  queue: TriggerQueue;
  state: SystemStateRepository;
  clock: Clock;
}

export interface RunReconciliationReport {
  asked_github: number;
  moved: number;
  resent: number;
}

/**
 * The reconciliation's part for runs (the webhook's twin, for what it missed):
 * - runs `dispatched` or `in_progress` and quiet for QUIET_MS are asked
 *   about on GitHub, and what GitHub says is applied as a webhook's would be;
 * - runs still `queued` past the intent grace (a trigger lost, or an intent
 *   whose call died) have their trigger sent again, naming the run: the
 *   dispatcher looks the run up on GitHub before it sends anything;
 * - manual runs held while paused are sent again once the system runs.
 */
export class RunReconciliation {
  constructor(private readonly deps: RunReconciliationDeps) {}

  async run(): Promise<RunReconciliationReport> {
    const now = this.deps.clock.now().getTime();
    let asked = 0;
    let moved = 0;
    for (const status of ['dispatched', 'in_progress'] as const satisfies RunStatus[]) {
      const page = await this.deps.runs.listStale(status, isoOf(now - QUIET_MS), PER_STATUS);
      const github = page.items.filter((r) => r.route === 'github_actions' && r.github?.run_id != null);
      const results = await mapConcurrent(github, 4, (run) => this.ask(run));
      asked += github.length;
      moved += results.filter(Boolean).length;
    }
    const running = (await this.deps.state.get()).status === 'running';
    const stale = (await this.deps.runs.listStale('queued', isoOf(now - INTENT_GRACE_MS), PER_STATUS)).items;
    const held = running ? (await this.deps.runs.listStale('held', isoOf(now), PER_STATUS)).items.filter((r) => r.trigger_id.startsWith('manual/')) : [];
    const resend = [...stale, ...held];
    if (resend.length > 0) await this.deps.queue.send(resend.map((run) => triggerOf(run, isoOf(now))));
    return { asked_github: asked, moved, resent: resend.length };
  }

  private async ask(run: PipelineRun): Promise<boolean> {
    const github = run.github as NonNullable<PipelineRun['github']>;
    try {
      const state = await this.deps.github.getRun(github, github.run_id as number);
      if (!state) return false;
      const outcome = await this.deps.signals.apply({
        github_run_id: state.github_run_id,
        run_id: run.run_id,
        status: state.status,
        conclusion: state.conclusion,
        html_url: state.html_url,
        at: state.updated_at,
        source: 'reconciliation',
      });
      return outcome.changed;
    } catch (error) {
      // One repository's trouble never stops the walk; the next run asks again.
      if (error instanceof GitHubCallError) return false;
      throw error;
    }
  }
}

/** A trigger naming its run: the dispatcher takes the run as it is (its publications, its intent). */
export function triggerOf(run: PipelineRun, at: string): PipelineTrigger {
  return {
    trigger_id: run.trigger_id,
    channel_id: run.channel_id,
    slot_id: run.slot_id,
    publications: run.publications,
    priority: run.priority,
    enqueued_at: at,
    run_id: run.run_id,
    video_id: run.video_id,
    inputs: run.inputs,
  };
}
