import type { RunPublication } from '#shared/domain/pipeline-run';

/**
 * A run for the shared processing workers (a channel with no repository).
 * The message's JSON schema is docs/processing-queue.schema.json; a worker
 * reports the end with POST /pipeline-runs/{run_id}/complete.
 */
export interface ProcessingJob {
  run_id: string;
  channel_id: string;
  video_id: string | null;
  publications: RunPublication[];
  inputs: Record<string, string>;
  priority: 'high' | 'normal';
  /** The channel's config at hand-over (the same object sync-configs writes to repositories). */
  config: Record<string, unknown>;
  enqueued_at: string;
}

export interface ProcessingQueue {
  send(job: ProcessingJob): Promise<void>;
}
