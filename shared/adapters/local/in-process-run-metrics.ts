import { RUN_METRICS, type RunMetrics } from '#shared/ports/run-metrics';

/**
 * The run counts of `npm start` (and of tests that look at them), kept in
 * the process: there is no CloudWatch to send them to, and their lines would
 * only crowd the server's log.
 */
export class InProcessRunMetrics implements RunMetrics {
  private readonly counts = new Map<string, number>();

  runDispatched(): void {
    this.add(RUN_METRICS.dispatched);
  }

  runFinished(outcome: 'succeeded' | 'failed'): void {
    this.add(outcome === 'succeeded' ? RUN_METRICS.succeeded : RUN_METRICS.failed);
  }

  /** Each metric's count so far, by its CloudWatch name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}
