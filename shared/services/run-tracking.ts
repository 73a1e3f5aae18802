import { createHash } from 'node:crypto';
import type { ActivityEntry } from '#shared/domain/activity';
import { NotFound } from '#shared/domain/errors';
import { isFinalRun, type PipelineRun, type RunStatus } from '#shared/domain/pipeline-run';
import { isoOf } from '#shared/domain/publication-group';
import { mapConcurrent } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { PipelineRunRepository } from '#shared/ports/pipeline-run-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { RunEffects } from '#shared/ports/run-effects';
import type { RunMetrics } from '#shared/ports/run-metrics';
import type { SignalOutcome, WorkflowRunSignal, WorkflowRunSignals } from '#shared/ports/run-signals';

export interface RunTrackingDeps {
  runs: PipelineRunRepository;
  publications: PublicationRepository;
  /** The lasting effects of a final run beyond its publications: the video, the channel, the daily counters. */
  effects: RunEffects;
  activity: ActivityLog;
  clock: Clock;
  /** Counts runs that end, by outcome (CloudWatch in AWS). */
  metrics?: RunMetrics | undefined;
}

/** GitHub's conclusion of a completed run, as a final run status. */
export function finalStatusOf(conclusion: string | null): 'succeeded' | 'failed' {
  return conclusion === 'success' ? 'succeeded' : 'failed';
}

/** A GitHub workflow run status, as ours (null: no change it tells of). */
function statusOf(signal: Pick<WorkflowRunSignal, 'status' | 'conclusion'>): RunStatus | null {
  if (signal.status === 'completed') return finalStatusOf(signal.conclusion);
  if (signal.status === 'in_progress') return 'in_progress';
  return null;
}

/**
 * Keeps runs current with what GitHub (a webhook, the reconciliation) or a
 * processing worker (POST /pipeline-runs/{id}/complete) says of them.
 *
 * A final state is applied effects first, the run's own change last: its
 * publications `succeeded`/`failed` (conditional on `dispatched`), the video
 * `published`, the channel's `last_publication_at`, the day's counters
 * (counted once a run, by a marker), and the activity entry (its id derived
 * from the run and its state, so written again it is the same entry). Only
 * then the run leaves `dispatched`/`in_progress`. Whoever stops half-way, the
 * run is still not final, and the next word on it (a redelivered webhook, the
 * reconciliation) does it all again without counting anything twice.
 */
export class RunTracking implements WorkflowRunSignals {
  constructor(private readonly deps: RunTrackingDeps) {}

  async apply(signal: WorkflowRunSignal): Promise<SignalOutcome> {
    const run =
      (await this.deps.runs.findByGithubRunId(signal.github_run_id)) ??
      (signal.run_id ?? null ? await this.deps.runs.get(signal.run_id as string) : null) ??
      null;
    if (!run) return { matched: false, changed: false, run_id: null, status: null };
    const to = statusOf(signal);
    const github = run.github ? { ...run.github, run_id: signal.github_run_id, html_url: signal.html_url ?? run.github.html_url } : null;
    if (!to) return { matched: true, changed: false, run_id: run.run_id, status: run.status };
    const changed = await this.move(run, to, { at: signal.at, conclusion: signal.conclusion, source: signal.source, github });
    return { matched: true, changed, run_id: run.run_id, status: changed ? to : run.status };
  }

  /** A processing worker's report. @throws NotFound for an unknown run. */
  async complete(runId: string, report: { conclusion: 'success' | 'failure'; details?: Record<string, unknown> | undefined }, source: string): Promise<{ run: PipelineRun; changed: boolean }> {
    const run = await this.deps.runs.get(runId);
    if (!run) throw new NotFound('run', runId);
    const at = isoOf(this.deps.clock.now().getTime());
    const changed = await this.move(run, finalStatusOf(report.conclusion), { at, conclusion: report.conclusion, source, github: run.github, details: report.details });
    return { run: (await this.deps.runs.get(runId)) ?? run, changed };
  }

  private async move(
    run: PipelineRun,
    to: RunStatus,
    how: { at: string; conclusion: string | null; source: string; github: PipelineRun['github']; details?: Record<string, unknown> | undefined },
  ): Promise<boolean> {
    // A run GitHub reports on was dispatched, whatever our record says (an intent whose answer was lost).
    const from: RunStatus[] = ['queued', 'dispatched', 'in_progress'];
    // A final run stays as it ended; a held run (never sent, waiting for start or resume) is not ended by a report.
    if (!from.includes(run.status) || run.status === to) return false;
    if (!isFinalRun(to)) {
      const moved = await this.deps.runs.changeStatus(run.run_id, { from, to, at: how.at, ...(how.github ? { github: how.github } : {}) });
      if (moved) await this.record(moved, to, how);
      return moved !== null;
    }
    const succeeded = to === 'succeeded';
    const reason = succeeded ? null : `the pipeline run ended: ${how.conclusion ?? 'failure'}`;
    const moved = await mapConcurrent(run.publications, 8, (p) =>
      this.deps.publications.changeStatus(
        { publication_id: p.publication_id, channel_id: run.channel_id },
        { from: ['dispatching', 'dispatched', 'held'], to: succeeded ? 'succeeded' : 'failed', at: how.at, reason, set: { run_id: run.run_id } },
      ),
    );
    const published = moved.filter((p) => p !== null).length;
    await this.deps.effects.runFinished(run, { succeeded, at: how.at, publications: run.publications.length, newlyFinal: published });
    await this.record(run, to, how);
    const final = await this.deps.runs.changeStatus(run.run_id, {
      from,
      to,
      at: how.at,
      conclusion: how.conclusion,
      ...(how.github ? { github: how.github } : {}),
      error: succeeded ? null : { code: run.route === 'processing_queue' ? 'processing_failed' : 'pipeline_failed', message: reason as string, at: how.at },
    });
    // Counted by the one call whose write ended the run: a replay finds it final and counts nothing.
    if (final !== null) this.deps.metrics?.runFinished(to === 'succeeded' ? 'succeeded' : 'failed');
    return final !== null;
  }

  /** One entry a state a run reaches: its id derived from the run and the state, so writing it again writes the same entry. */
  private async record(run: PipelineRun, to: RunStatus, how: { at: string; conclusion: string | null; source: string; details?: Record<string, unknown> | undefined }): Promise<void> {
    const type = to === 'in_progress' ? 'pipeline.in_progress' : to === 'succeeded' ? 'pipeline.succeeded' : 'pipeline.failed';
    const entry: ActivityEntry = {
      activity_id: stableActivityId(how.at, `${run.run_id}|${to}`),
      at: how.at,
      type,
      actor: how.source.startsWith('webhook') ? 'github-webhook' : how.source,
      target: { type: 'pipeline_run', id: run.run_id },
      channel_ids: [run.channel_id],
      details: {
        video_id: run.video_id,
        route: run.route,
        publications: run.publications.length,
        conclusion: how.conclusion,
        github_run_id: run.github?.run_id ?? null,
        source: how.source,
        ...(how.details ? { worker_details: how.details } : {}),
      },
      request_id: how.source,
    };
    await this.deps.activity.append([entry]);
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id: the instant's 48-bit time, then 80 bits of a hash of `seed`. Time-sortable like every activity id, and the same for the same instant and seed. */
export function stableActivityId(at: string, seed: string): string {
  let time = Date.parse(at);
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const digest = createHash('sha256').update(seed).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[(digest[i] as number) % 32];
  return head + tail;
}
