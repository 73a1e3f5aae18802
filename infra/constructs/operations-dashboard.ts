import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUN_METRICS } from '#shared/ports/run-metrics';

export interface OperationsDashboardProps {
  api: IHttpApi;
  /** Every Lambda function of the stack, by its handler name (route id or background job). */
  functions: ReadonlyMap<string, IFunction>;
  /** The work queues, by the name the API's GET /dashboard reports them under. */
  queues: { name: string; queue: IQueue }[];
  /** The dead-letter queues, likewise. */
  deadLetterQueues: { name: string; queue: IQueue }[];
  /** The stack's alarms, shown by state at the top. */
  alarms: IAlarm[];
}

const PERIOD = Duration.minutes(5);
const WIDTH = 8;
const HEIGHT = 6;

/**
 * The CloudWatch dashboard of the whole system (issue 10): API requests,
 * 5xx and latency; Lambda errors and throttles; every queue's depth and the
 * age of the oldest trigger; the dead-letter queues; pipeline dispatches and
 * run outcomes (the RunsDispatched, RunsSucceeded and RunsFailed metrics the
 * functions emit). docs/operations.md reads it panel by panel.
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const fns = [...props.functions.entries()].sort(([a], [b]) => a.localeCompare(b));
    const sumOf = (label: string, prefix: string, metricOf: (fn: IFunction) => IMetric) =>
      new MathExpression({
        label,
        // SUM of the array: one series, missing points counted as none.
        expression: `SUM([${fns.map((_, i) => `${prefix}${i}`).join(',')}])`,
        usingMetrics: Object.fromEntries(fns.map(([, fn], i) => [`${prefix}${i}`, metricOf(fn)])),
        period: PERIOD,
      });
    const runs = (name: string, label: string) =>
      new Metric({ namespace: RUN_METRICS.namespace, metricName: name, dimensionsMap: { service: RUN_METRICS.service }, statistic: Stats.SUM, period: PERIOD, label });
    const visible = (q: { name: string; queue: IQueue }) => q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: Stats.MAXIMUM, label: q.name });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# Channel Orchestrator\nAPI, functions, queues and pipeline runs. `GET /api/orchestration/dashboard` gives the same picture from the table; ' +
          'docs/operations.md ("The CloudWatch dashboard") says what each panel means and what to do.',
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests',
        left: [props.api.metricCount({ period: PERIOD, statistic: Stats.SUM, label: 'requests' })],
        width: WIDTH,
        height: HEIGHT,
      }),
      new GraphWidget({
        title: 'API errors',
        left: [
          props.api.metricServerError({ period: PERIOD, statistic: Stats.SUM, label: '5xx' }),
          props.api.metricClientError({ period: PERIOD, statistic: Stats.SUM, label: '4xx' }),
        ],
        width: WIDTH,
        height: HEIGHT,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          props.api.metricLatency({ period: PERIOD, statistic: Stats.percentile(50), label: 'p50' }),
          props.api.metricLatency({ period: PERIOD, statistic: Stats.percentile(99), label: 'p99' }),
        ],
        width: WIDTH,
        height: HEIGHT,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors and throttles (all functions)',
        left: [sumOf('errors', 'e', (fn) => fn.metricErrors({ period: PERIOD, statistic: Stats.SUM })), sumOf('throttles', 't', (fn) => fn.metricThrottles({ period: PERIOD, statistic: Stats.SUM }))],
        width: WIDTH,
        height: HEIGHT,
      }),
      new GraphWidget({
        title: 'Function errors by function',
        left: fns.map(([name, fn]) => fn.metricErrors({ period: PERIOD, statistic: Stats.SUM, label: name })),
        width: 2 * WIDTH,
        height: HEIGHT,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Queue depth (visible)', left: props.queues.map(visible), width: WIDTH, height: HEIGHT }),
      new GraphWidget({
        title: 'Oldest message (seconds)',
        left: props.queues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: Stats.MAXIMUM, label: q.name })),
        width: WIDTH,
        height: HEIGHT,
      }),
      new GraphWidget({ title: 'Dead-letter queues (visible): work that did not happen', left: props.deadLetterQueues.map(visible), width: WIDTH, height: HEIGHT }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Pipeline dispatches', left: [runs(RUN_METRICS.dispatched, 'dispatched')], width: WIDTH, height: HEIGHT }),
      new GraphWidget({
        title: 'Run outcomes',
        left: [runs(RUN_METRICS.succeeded, 'succeeded'), runs(RUN_METRICS.failed, 'failed')],
        width: WIDTH,
        height: HEIGHT,
      }),
      new GraphWidget({
        title: 'Run success rate (%)',
        left: [
          new MathExpression({
            label: 'succeeded / (succeeded + failed)',
            expression: '100 * s / (s + f)',
            usingMetrics: { s: runs(RUN_METRICS.succeeded, 'succeeded'), f: runs(RUN_METRICS.failed, 'failed') },
            period: PERIOD,
          }),
        ],
        width: WIDTH,
        height: HEIGHT,
      }),
    );
  }
}
