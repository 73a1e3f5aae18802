import { runNameMarker } from '#shared/domain/pipeline-run';
import type { Clock } from '#shared/ports/clock';
import type { DispatchedWorkflowRun, GitHubWorkflows, WorkflowRunState, WorkflowTarget } from '#shared/ports/github';
import type { ProcessingJob, ProcessingQueue } from '#shared/ports/processing-queue';
import type { SlotSchedule, SlotScheduler } from '#shared/ports/slot-scheduler';
import type { PipelineTrigger, QueueDepth, SendOptions, TriggerQueue } from '#shared/ports/trigger-queue';

/** A SlotScheduler that remembers the schedules it holds, like Scheduler would (names unique). */
export class RecordingSlotScheduler implements SlotScheduler {
  readonly schedules = new Map<string, SlotSchedule>();
  readonly ensureCalls: SlotSchedule[][] = [];
  created = 0;
  /** Slots to answer as too late, as Scheduler refuses a time that passed while the request was writing. */
  tooLate: (slot: SlotSchedule) => boolean = () => false;

  async ensure(slots: readonly SlotSchedule[]) {
    this.ensureCalls.push([...slots]);
    const late = slots.filter((slot) => this.tooLate(slot));
    let created = 0;
    for (const slot of slots.filter((s) => !late.includes(s))) {
      if (!this.schedules.has(slot.slot_id)) {
        this.schedules.set(slot.slot_id, slot);
        created++;
      }
    }
    this.created += created;
    return { created, existing: slots.length - late.length - created, tooLate: late };
  }

  async remove(slotIds: readonly string[]) {
    return slotIds.filter((id) => this.schedules.delete(id)).length;
  }
}

/** A TriggerQueue that keeps what was sent, batch by batch, and each batch's delay. */
export class RecordingTriggerQueue implements TriggerQueue {
  readonly sends: PipelineTrigger[][] = [];
  /** The delay (seconds) of each of `sends`. */
  readonly delays: number[] = [];
  /** When each of `sends` was sent (epoch ms on `clock`; 0 without one). */
  readonly sentAt: number[] = [];

  constructor(private readonly clock?: Clock) {}

  get triggers(): PipelineTrigger[] {
    return this.sends.flat();
  }

  async send(triggers: readonly PipelineTrigger[], options?: SendOptions) {
    if (triggers.length === 0) return;
    this.sends.push([...triggers]);
    this.delays.push(options?.delaySeconds ?? 0);
    this.sentAt.push(this.clock?.now().getTime() ?? 0);
  }

  async depth(): Promise<QueueDepth> {
    return { pending: this.triggers.length, in_flight: 0, dead_letter: 0 };
  }
}

/** The processing queue, recording the jobs handed over. */
export class RecordingProcessingQueue implements ProcessingQueue {
  readonly jobs: ProcessingJob[] = [];

  async send(job: ProcessingJob): Promise<void> {
    this.jobs.push(job);
  }
}

/** A workflow run GitHub started, with the inputs of its dispatch. */
export type RecordedWorkflowRun = WorkflowRunState & { inputs: Record<string, string>; target: WorkflowTarget };

/**
 * A GitHub that keeps the runs it started (in memory, at the port): what the
 * dispatcher's own guarantees are tested against. Each dispatch starts one
 * run named by the workflow's `run-name` (docs/examples/channel-pipeline.yml),
 * so `findRun` finds it by the run id's marker as GitHub's list would. The
 * real Octokit client against the GitHub simulator is tested in
 * tests/integration/adapters/github/.
 */
export class RecordingGitHub implements GitHubWorkflows {
  readonly runs: RecordedWorkflowRun[] = [];
  constructor(private readonly clock: Clock) {}

  async dispatch(target: WorkflowTarget, inputs: Record<string, string>): Promise<DispatchedWorkflowRun> {
    const id = 1000 + this.runs.length;
    const at = this.clock.now().toISOString();
    const html = `https://github.test/${target.owner}/${target.repo}/actions/runs/${id}`;
    this.runs.push({ github_run_id: id, name: `Publish ${inputs.video_id} ${runNameMarker(String(inputs.run_id))}`, status: 'queued', conclusion: null, html_url: html, created_at: at, updated_at: at, inputs, target });
    return { github_run_id: id, html_url: html };
  }

  async findRun(_target: WorkflowTarget, marker: string, createdAfter: string): Promise<WorkflowRunState | null> {
    return this.runs.find((r) => r.name.includes(marker) && r.created_at >= createdAfter) ?? null;
  }

  async getRun(_target: Pick<WorkflowTarget, 'owner' | 'repo'>, id: number): Promise<WorkflowRunState | null> {
    return this.runs.find((r) => r.github_run_id === id) ?? null;
  }

  /** GitHub finishes a run (what its `completed` webhook then tells). */
  finish(githubRunId: number, conclusion: 'success' | 'failure'): RecordedWorkflowRun {
    const run = this.runs.find((r) => r.github_run_id === githubRunId);
    if (!run) throw new Error(`GitHub has no run ${githubRunId}`);
    Object.assign(run, { status: 'completed', conclusion, updated_at: this.clock.now().toISOString() });
    return run;
  }
}
