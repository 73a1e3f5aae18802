/**
 * Counts of pipeline runs for CloudWatch, the operations dashboard's
 * "dispatches" and "run outcomes" (infra/constructs/operations-dashboard.ts):
 * a run handed over (to GitHub Actions or the processing queue), and a run
 * that reached its final state. Each is counted by whoever made the move
 * that won (a conditional write), so a retried or duplicate delivery counts nothing twice.
 */
export interface RunMetrics {
  /** A run moved to `dispatched`. */
  runDispatched(): void;
  /** A run moved to `succeeded` or `failed` (at dispatch, a run GitHub refused, or at its end). */
  runFinished(outcome: 'succeeded' | 'failed'): void;
}

/** The CloudWatch namespace, the service dimension and the metric names: the functions emit them, the dashboard reads them. */
export const RUN_METRICS = {
  namespace: 'ChannelOrchestrator',
  service: 'channel-orchestrator',
  dispatched: 'RunsDispatched',
  succeeded: 'RunsSucceeded',
  failed: 'RunsFailed',
} as const;
