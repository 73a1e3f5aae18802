import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { INDEXES, PRIMARY_KEY } from '#shared/adapters/dynamodb/table-definition';
import type { KeySchema } from './capacity-units';
import { DynamoSimulation, type DynamoReport } from './dynamodb-simulation';
import { resolveLimits, type LimitOverrides, type SimulatedLimits } from './limits';
import { SchedulerSimulation, type SimulatedSchedule } from './scheduler-simulation';
import type { SimulatedService, SimulationContext, ThrottleEvent } from './simulation-context';
import { SqsSimulation, type SimulatedMessage } from './sqs-simulation';
import { seededRandom } from '../seeded-random';

export type { ThrottleEvent } from './simulation-context';
export type { SimulatedSchedule } from './scheduler-simulation';
export type { SimulatedMessage } from './sqs-simulation';

/**
 * AWS as the orchestrator meets it, simulated around the real SDK clients:
 * DynamoDB (dynalite behind metering middleware), EventBridge Scheduler and
 * SQS (answered by middleware). Tests use it to prove behaviour under AWS's
 * limits, and `npm run bench` to measure what a run costs. The model, and
 * where each number comes from, is in docs/simulated-aws.md.
 *
 * ```ts
 * let t = 0;
 * const aws = new SimulatedAws({ now: () => t });
 * aws.attachDynamo(dynamoClient, rawClient);
 * aws.attachScheduler(schedulerClient);
 * aws.attachSqs(sqsClient);
 * // ... run the scenario ...
 * aws.report().dynamodb.busiestPartition; // { index: 'gsi2', key: 'PUB#STATUS#scheduled', wcuPerSecond: 812 }
 * ```
 */
export interface SimulatedAwsOptions {
  /** Latency added to each call (each attempt), in real milliseconds. 0 by default. */
  latencyMs?: Partial<Record<SimulatedService, number>>;
  /** Each call's latency varies by up to this many ms either way (never below 0), from a seeded generator. */
  jitterMs?: number;
  seed?: number;
  /** AWS's limits, some overridden. */
  limits?: LimitOverrides;
  /** The table's key attributes. Defaults to the orchestrator's (`pk`, `sk`). */
  primaryKey?: { partitionKey: string; sortKey: string };
  /** The global secondary indexes, all projecting ALL. Defaults to the orchestrator's (gsi1 to gsi4). */
  indexes?: Readonly<Record<string, { name: string; partitionKey: string; sortKey: string }>> | readonly KeySchema[];
  /** The clock the one-second windows run on, in ms. Defaults to `performance.now()`; tests pass a controlled one. */
  now?: () => number;
  /** Called on every throttled request (a test may advance its clock here). */
  onThrottle?: (event: ThrottleEvent) => void;
}

export interface SimulatedAwsReport {
  /** Calls that reached each simulated service (every attempt), as `Service.Operation`. */
  calls: Record<string, number>;
  dynamodb: DynamoReport;
  scheduler: { schedules: number; largestInputBytes: number; throttled: number };
  sqs: { messages: number; largestMessageBytes: number; largestBatchBytes: number; largestBatchEntries: number };
}


export class SimulatedAws {
  readonly limits: SimulatedLimits;
  /** Set or replace the listener of throttled requests. */
  onThrottle?: (event: ThrottleEvent) => void;
  private readonly calls = new Map<string, number>();
  private readonly dynamo: DynamoSimulation;
  private readonly scheduler: SchedulerSimulation;
  private readonly sqs: SqsSimulation;

  constructor(options: SimulatedAwsOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.onThrottle = options.onThrottle;
    const now = options.now ?? (() => performance.now());
    const random = seededRandom(options.seed ?? 1);
    const latency = options.latencyMs ?? {};
    const jitter = options.jitterMs ?? 0;
    const context: SimulationContext = {
      limits: this.limits,
      now,
      delay: async (service) => {
        const base = latency[service] ?? 0;
        const ms = Math.max(0, base + (jitter > 0 ? (random() * 2 - 1) * jitter : 0));
        if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      },
      countCall: (service, command) => {
        const name = `${service}.${command}`;
        this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
      },
      throttled: (event) => this.onThrottle?.(event),
    };
    const primaryKey = options.primaryKey ?? PRIMARY_KEY;
    const indexes = Object.values(options.indexes ?? INDEXES).map((i) => ({ name: i.name, partitionKey: i.partitionKey, sortKey: i.sortKey }));
    this.dynamo = new DynamoSimulation(context, { table: { name: 'table', ...primaryKey }, indexes });
    this.scheduler = new SchedulerSimulation(context);
    this.sqs = new SqsSimulation(context);
  }

  /**
   * Meters `client` (and every DynamoDBDocumentClient made from it: they share
   * its middleware stack). `raw` is a second client on the same endpoint,
   * left unmetered, that reads the item images before and after writes.
   */
  attachDynamo(client: DynamoDBClient, raw: DynamoDBClient, options: { emptyTable?: boolean } = {}): this {
    this.dynamo.attach(client, raw, options);
    return this;
  }

  /**
   * Answers `client`'s CreateSchedule, GetSchedule and DeleteSchedule. The
   * client still signs its requests, so it needs a region and any credentials.
   */
  attachScheduler(client: SchedulerClient): this {
    this.scheduler.attach(client);
    return this;
  }

  /** Answers `client`'s SendMessage, SendMessageBatch and GetQueueAttributes (a region and any credentials needed). */
  attachSqs(client: SQSClient): this {
    this.sqs.attach(client);
    return this;
  }

  /** Schedules held, by `group/name`. */
  get schedules(): ReadonlyMap<string, SimulatedSchedule> {
    return this.scheduler.schedules;
  }

  /** Messages held, in the order sent. */
  get messages(): readonly SimulatedMessage[] {
    return this.sqs.messages;
  }

  /** Removes and returns one queue's messages, as a consumer would receive them. */
  takeMessages(queueUrl: string): SimulatedMessage[] {
    return this.sqs.take(queueUrl);
  }

  /**
   * Runs `work` with DynamoDB out of the simulation: its calls go straight to
   * dynalite, as on the embedded table (not counted, metered, delayed, size-checked
   * or throttled). For a scenario's set-up that the test does not measure and
   * would `reset()` after anyway: the units it spent would be forgotten, and
   * metering it only costs time (a read of the item before every write, and
   * after every update). Scheduler and SQS calls are still answered as usual.
   * Nothing else may run against the table meanwhile.
   */
  unmetered<T>(work: () => Promise<T>): Promise<T> {
    return this.dynamo.unmetered(work);
  }

  report(): SimulatedAwsReport {
    return {
      calls: Object.fromEntries([...this.calls].sort(([a], [b]) => a.localeCompare(b))),
      dynamodb: this.dynamo.report(),
      scheduler: this.scheduler.report(),
      sqs: this.sqs.report(),
    };
  }

  /** Forgets calls, units, throttles, schedules and messages (the clients stay attached). */
  reset(): void {
    this.calls.clear();
    this.dynamo.reset();
    this.scheduler.reset();
    this.sqs.reset();
  }
}
