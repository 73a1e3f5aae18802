import type { ProcessingJob, ProcessingQueue } from '#shared/ports/processing-queue';
import type { SnapshotStore } from './in-process-slot-scheduler';

export interface ProcessingQueueSnapshot {
  jobs: ProcessingJob[];
}

/**
 * The processing queue of `npm start`: no shared workers run locally, so the
 * jobs wait here (in DATA_DIR when set, so a restart keeps them) for whoever
 * plays the worker: GET them from the log line each send writes, and report
 * the end with POST /pipeline-runs/{run_id}/complete (docs/pipelines.md).
 */
export class InProcessProcessingQueue implements ProcessingQueue {
  private jobs: ProcessingJob[] = [];

  constructor(
    private readonly options: { store?: SnapshotStore<ProcessingQueueSnapshot>; onJob?: (job: ProcessingJob) => void } = {},
  ) {}

  async load(): Promise<void> {
    this.jobs = (await this.options.store?.load())?.jobs ?? [];
  }

  async send(job: ProcessingJob): Promise<void> {
    this.jobs.push(job);
    await this.options.store?.save(() => ({ jobs: this.jobs }));
    this.options.onJob?.(job);
  }

  /** The jobs handed over, oldest first (what a worker would have received). */
  pending(): readonly ProcessingJob[] {
    return this.jobs;
  }
}
