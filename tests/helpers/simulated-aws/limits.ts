/**
 * The AWS numbers the simulated services enforce. Each one names the page it
 * comes from; docs/simulated-aws.md explains how each is applied.
 */
export interface SimulatedLimits {
  /** DynamoDB item size limit, bytes (ServiceQuotas: "Item size", 400 KB). */
  maxItemBytes: number;
  /** Write units a second one partition key value serves, in the table and in each index (bp-partition-key-design). */
  partitionWcu: number;
  /** Read units a second one partition key value serves, in the table and in each index. */
  partitionRcu: number;
  /** Write units a second a new on-demand table sustains (on-demand "initial throughput"); also applied to each GSI. */
  tableWcu: number;
  /** Read units a second a new on-demand table sustains; also applied to each GSI. */
  tableRcu: number;
  /** SQS message size (body and attributes), bytes. AWS raised it to 1 MiB in 2025; the harness keeps 256 KiB. */
  sqsMessageBytes: number;
  /** SQS SendMessageBatch: the sum of its messages, bytes. */
  sqsBatchBytes: number;
  /** SQS SendMessageBatch: entries a call. */
  sqsBatchEntries: number;
  /** SQS DelaySeconds upper bound (0 to 900). */
  sqsMaxDelaySeconds: number;
  /** EventBridge Scheduler Target.Input size, bytes. */
  schedulerInputBytes: number;
  /** EventBridge Scheduler request rates, calls a second (us-east-1 defaults). */
  schedulerTps: { CreateSchedule: number; DeleteSchedule: number; GetSchedule: number };
}

const KIB = 1024;

/** The defaults: a new on-demand table in us-east-1, standard SQS queue, EventBridge Scheduler. */
export const AWS_LIMITS: Readonly<SimulatedLimits> = Object.freeze({
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html (Item size)
  maxItemBytes: 400 * KIB,
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html
  partitionWcu: 1_000,
  partitionRcu: 3_000,
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html (Initial throughput)
  tableWcu: 4_000,
  tableRcu: 12_000,
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
  sqsMessageBytes: 256 * KIB,
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
  sqsBatchBytes: 256 * KIB,
  sqsBatchEntries: 10,
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html (DelaySeconds)
  sqsMaxDelaySeconds: 900,
  // https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html (Input, 256 KB)
  schedulerInputBytes: 256 * KIB,
  // https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
  schedulerTps: { CreateSchedule: 5_000, DeleteSchedule: 1_000, GetSchedule: 1_000 },
});

/** Limits with some overridden (a test that wants a small partition, or SQS at 1 MiB). */
export type LimitOverrides = Partial<Omit<SimulatedLimits, 'schedulerTps'>> & { schedulerTps?: Partial<SimulatedLimits['schedulerTps']> };

export function resolveLimits(overrides: LimitOverrides = {}): SimulatedLimits {
  return { ...AWS_LIMITS, ...overrides, schedulerTps: { ...AWS_LIMITS.schedulerTps, ...overrides.schedulerTps } };
}
