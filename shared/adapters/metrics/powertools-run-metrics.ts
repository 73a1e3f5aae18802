import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { RUN_METRICS, type RunMetrics } from '#shared/ports/run-metrics';

/**
 * Run counts as CloudWatch embedded metric format lines, through Powertools
 * Metrics. Each count is a single metric, written at once: the dispatcher,
 * the webhook, the worker's report and the reconciliation all move runs, and
 * none of them has to remember to flush, so no count is lost to a handler
 * that returns or throws first.
 */
export class PowertoolsRunMetrics implements RunMetrics {
  /** `metrics`: namespace RUN_METRICS.namespace, service RUN_METRICS.service (the composition root builds it so). */
  constructor(private readonly metrics: Metrics) {}

  runDispatched(): void {
    this.count(RUN_METRICS.dispatched);
  }

  runFinished(outcome: 'succeeded' | 'failed'): void {
    this.count(outcome === 'succeeded' ? RUN_METRICS.succeeded : RUN_METRICS.failed);
  }

  private count(name: string): void {
    this.metrics.singleMetric().addMetric(name, MetricUnit.Count, 1);
  }
}
