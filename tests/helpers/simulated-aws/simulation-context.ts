import type { HandlerExecutionContext } from '@smithy/types';
import type { SimulatedLimits } from './limits';

export type SimulatedService = 'dynamodb' | 'scheduler' | 'sqs';

/** One refused request: what AWS would have throttled, and why. */
export interface ThrottleEvent {
  service: SimulatedService;
  /** The operation (`PutItem`, `BatchWriteItem`, `CreateSchedule`...). */
  command: string;
  /** AWS's ThrottlingReason (`TableWriteKeyRangeThroughputExceeded`...), or the quota's name for Scheduler. */
  reason: string;
  /** 'table', an index name, or the Scheduler operation. */
  resource: string;
  /** The partition key value, for a partition throttle. */
  key?: string;
  /** On the simulation's clock (ms). */
  at: number;
}

/** What the three simulated services share: limits, clock, latency, call counts and throttle reports. */
export interface SimulationContext {
  readonly limits: SimulatedLimits;
  /** Milliseconds, monotonic: the clock the one-second windows run on. */
  now(): number;
  /** Waits the service's per-call latency (real time). */
  delay(service: SimulatedService): Promise<void>;
  /** Counts one call (every attempt, retries included) as `Service.Operation`. */
  countCall(service: string, command: string): void;
  /** Records a throttled request and tells the `onThrottle` listener. */
  throttled(event: ThrottleEvent): void;
}

/** `PutItemCommand` becomes `PutItem`. */
export function operationName(context: HandlerExecutionContext): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

/** The `$metadata` a service error from a 400 answer carries. */
export const CLIENT_ERROR_METADATA = { httpStatusCode: 400 } as const;
