import type { PipelineRun } from '#shared/domain/pipeline-run';

/**
 * What a run's end changes beyond the run and its publications: the video
 * (`published` on success), the channel's `last_publication_at`, and the
 * channel's counters for the day (total, succeeded, failed publications).
 * Each change may be applied again (a redelivered webhook after a crash) and
 * takes effect once.
 */
export interface RunEffects {
  runFinished(run: PipelineRun, outcome: { succeeded: boolean; at: string; publications: number; newlyFinal: number }): Promise<void>;
}
