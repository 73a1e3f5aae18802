import type { RequestMeta } from '#shared/domain/activity';
import { Conflict, NotFound } from '#shared/domain/errors';
import type { Page } from '#shared/domain/pagination';
import { newRun, type PipelineRun, type RunPriority, type RunStatus } from '#shared/domain/pipeline-run';
import { isoOf } from '#shared/domain/publication-group';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PipelineRunRepository } from '#shared/ports/pipeline-run-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { TriggerQueue } from '#shared/ports/trigger-queue';
import type { VideoRepository } from '#shared/ports/video-repository';
import { AuditRecorder } from './audit-recorder';
import { triggerOf } from './run-reconciliation';

export interface PipelineRunsDeps {
  runs: PipelineRunRepository;
  channels: ChannelRepository;
  videos: VideoRepository;
  state: SystemStateRepository;
  queue: TriggerQueue;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
}

export interface TriggerRequest {
  channel_id: string;
  video_id?: string | undefined;
  priority: RunPriority;
  inputs?: Record<string, string> | undefined;
}

/** A run as the API shows it: without the dispatch's own bookkeeping (intent token) or the manual inputs. */
export type RunView = Omit<PipelineRun, 'dispatch_token' | 'dispatch_started_at' | 'inputs'>;

export function toRunView(run: PipelineRun): RunView {
  const { dispatch_token: _token, dispatch_started_at: _started, inputs: _inputs, ...view } = run;
  return view;
}

/**
 * POST /trigger-pipeline, and reading runs. A manual trigger is a run like a
 * slot's: written `queued` (or `held` while paused) and its trigger enqueued;
 * the dispatcher takes it from there (PipelineDispatch).
 */
export class PipelineRuns {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: PipelineRunsDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async trigger(request: TriggerRequest, meta: RequestMeta): Promise<RunView> {
    const [channel, video] = await Promise.all([
      this.deps.channels.get(request.channel_id),
      request.video_id ? this.deps.videos.get(request.video_id) : Promise.resolve(null),
    ]);
    if (!channel) throw new NotFound('channel', request.channel_id);
    if (request.video_id && !video) throw new NotFound('video', request.video_id);
    const state = await this.deps.state.get();
    if (state.status === 'stopped') {
      throw new Conflict('orchestration_stopped', 'the orchestration is stopped: start it before triggering pipelines', { status: state.status });
    }
    const at = isoOf(this.deps.clock.now().getTime());
    const runId = `run_${this.deps.ids.next()}`;
    const held = state.status === 'paused';
    const run = newRun({
      run_id: runId,
      channel,
      video_id: request.video_id ?? null,
      status: held ? 'held' : 'queued',
      priority: request.priority,
      trigger_id: `manual/${runId}`,
      slot_id: null,
      publications: [],
      inputs: request.inputs ?? {},
      at,
    });
    await this.deps.runs.create(run);
    // Held while paused: resume (or the reconciliation) sends it (releaseHeld).
    if (!held) await this.deps.queue.send([triggerOf(run, at)]);
    await this.audit.record(meta, {
      type: 'pipeline.triggered',
      target: { type: 'pipeline_run', id: runId },
      channelIds: [channel.channel_id],
      details: { video_id: run.video_id, route: run.route, priority: run.priority, status: run.status, inputs: Object.keys(run.inputs) },
    });
    return toRunView(run);
  }

  /** Sends the triggers of manual runs held while paused (slot runs come back with their publications' release). */
  async releaseHeld(limit = 200): Promise<number> {
    const page = await this.deps.runs.list({ limit: Math.min(limit, 100), status: 'held' });
    const at = isoOf(this.deps.clock.now().getTime());
    const manual = page.items.filter((r) => r.trigger_id.startsWith('manual/'));
    if (manual.length > 0) await this.deps.queue.send(manual.map((r) => triggerOf(r, at)));
    return manual.length;
  }
}


/** GET /pipeline-runs and GET /pipeline-runs/{run_id}: reads only (no queue, so the read routes need no queue). */
export class PipelineRunQueries {
  constructor(private readonly runs: PipelineRunRepository) {}

  async get(runId: string): Promise<RunView> {
    const run = await this.runs.get(runId);
    if (!run) throw new NotFound('run', runId);
    return toRunView(run);
  }

  async list(query: { limit: number; cursor?: string | undefined; channelId?: string | undefined; status?: RunStatus | undefined }): Promise<Page<RunView>> {
    const page = await this.runs.list(query);
    return { items: page.items.map(toRunView), next_cursor: page.next_cursor };
  }
}
