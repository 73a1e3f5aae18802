import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '#shared/adapters/dynamodb/document-client';
import type { Overridable } from '#shared/composition-root';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createTableInput } from '#shared/adapters/dynamodb/table-definition';
import { EventBridgeSlotScheduler } from '#shared/adapters/scheduler/eventbridge-slot-scheduler';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';
import type { FireResult } from '#shared/services/slot-dispatch';
import { lambdaContext } from '../api-gateway-event';
import { FixedClock } from '../in-memory-ports';
import { bootRoutes, type RouteCaller } from '../route-harness';
import { startDynamoDbService } from './dynamodb-service';
import { SimulatedAws, type SimulatedAwsOptions } from './simulated-aws';

export const SIMULATED_ACCOUNT = {
  region: 'us-east-1',
  triggerQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/pipeline-triggers',
  triggerDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/pipeline-triggers-dlq',
  scheduleGroup: 'orchestrator-slots',
} as const;

/**
 * The same latencies the bench and the scale tests run with: a few ms a
 * DynamoDB call inside a Region, more for Scheduler's control plane
 * (docs/simulated-aws.md "Latency").
 */
export const REGION_LATENCY_MS = { dynamodb: 4, scheduler: 15, sqs: 8 } as const;

export interface SimulatedDeployment {
  /** Every HTTP route, by id, through its real handler. */
  api: RouteCaller;
  /** The simulation: its report, schedules and messages. Null for an embedded-only run. */
  aws: SimulatedAws;
  /** The orchestrator's clock (what time the planner and the slot firing think it is). */
  clock: FixedClock;
  /** The same table, unmetered and unthrottled: what a test seeds and inspects with. */
  table: TableContext;
  /** Calls each DynamoDB operation made (also counted when the table is not simulated). */
  dynamoCalls: Map<string, number>;
  /** Fires one slot through the real fire-slot handler, the clock set to its time. */
  fireSlot(event: SlotFiredEvent): Promise<FireResult>;
  close(): Promise<void>;
}

/**
 * The orchestrator as deployed, over simulated AWS: the real handlers and
 * adapters, DynamoDB's adapters against dynalite metered and throttled by
 * `SimulatedAws`, the real EventBridge Scheduler and SQS adapters whose SDK
 * clients the simulation answers. `simulateTable: false` leaves the embedded
 * table as it is (no limits, no latency): the baseline run of the bench.
 */
export async function startSimulatedDeployment(
  options: {
    simulateTable?: boolean;
    aws?: SimulatedAwsOptions;
    now?: string;
    /** Adapters the composition root takes instead of its own, beside the simulated Scheduler and SQS (a GitHub client). */
    adapters?: Partial<Pick<Overridable, 'githubWorkflows'>>;
  } = {},
): Promise<SimulatedDeployment> {
  const dynamodb = await startDynamoDbService();
  const endpoint = dynamodb.endpoint;
  const tableName = `simulated-${Date.now().toString(36)}`;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const raw = new DynamoDBClient({ endpoint, region: SIMULATED_ACCOUNT.region, credentials });
  await raw.send(new CreateTableCommand(createTableInput(tableName)));

  const aws = new SimulatedAws({ latencyMs: { ...REGION_LATENCY_MS }, ...options.aws });
  const schedulerClient = new SchedulerClient({ region: SIMULATED_ACCOUNT.region, credentials, maxAttempts: 8 });
  const sqsClient = new SQSClient({ region: SIMULATED_ACCOUNT.region, credentials });
  aws.attachScheduler(schedulerClient).attachSqs(sqsClient);

  const clock = new FixedClock(options.now ?? '2026-11-21T10:00:00.000Z');
  const api = await bootRoutes(
    { tableName, endpoint },
    {
      clock,
      slotScheduler: new EventBridgeSlotScheduler(
        schedulerClient,
        {
          groupName: SIMULATED_ACCOUNT.scheduleGroup,
          targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:fire-slot',
          roleArn: 'arn:aws:iam::123456789012:role/scheduler',
          deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:slot-dlq',
        },
        clock,
      ),
      triggerQueue: new SqsTriggerQueue(sqsClient, {
        queueUrl: SIMULATED_ACCOUNT.triggerQueueUrl,
        deadLetterQueueUrl: SIMULATED_ACCOUNT.triggerDeadLetterQueueUrl,
      }),
      ...options.adapters,
    },
  );
  const dynamoClient = api.root.dynamoClient();
  const dynamoCalls = new Map<string, number>();
  dynamoClient.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? '?').replace(/Command$/, '');
      dynamoCalls.set(name, (dynamoCalls.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'simulatedDeploymentCallCounter' },
  );
  if (options.simulateTable !== false) aws.attachDynamo(dynamoClient, raw, { emptyTable: true });

  type FireHandler = (event: unknown, context: unknown) => Promise<FireResult>;
  let fire: FireHandler | undefined;
  return {
    api,
    aws,
    clock,
    dynamoCalls,
    table: { doc: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), tableName },
    async fireSlot(event) {
      fire ??= ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: FireHandler }).handler;
      clock.set(event.fire_at);
      // fire-slot is deployed with a 2-minute timeout (infra/stateless-stack.ts).
      return fire(event, lambdaContext('fire-slot', 120_000));
    },
    async close() {
      raw.destroy();
      schedulerClient.destroy();
      sqsClient.destroy();
      api.root.dynamoClient().destroy();
      await dynamodb.close();
    },
  };
}

export interface FleetShape {
  channels: number;
  videos: number;
  /** Each channel's publishing rules (UTC). */
  publishing: { min_gap_minutes: number; max_per_day?: number };
  /** Each channel's repository: `owner/<channel id>`, dispatched to by the dispatcher. Absent: no repository (the processing queue). */
  github?: { owner: string; workflow: string; ref: string };
}

export const channelIdOf = (c: number) => `channel-${String(c).padStart(4, '0')}`;
export const videoIdOf = (v: number) => `video-${String(v).padStart(4, '0')}`;

/**
 * Registers the channels and videos through the API (16 calls at a time) and
 * starts the system. The table is out of the simulation meanwhile
 * (`SimulatedAws.unmetered`): what the set-up costs is not what a test or the
 * bench measures, and every caller resets the simulation after it.
 */
export async function seedFleet(deployment: SimulatedDeployment, shape: FleetShape): Promise<void> {
  await deployment.aws.unmetered(() => registerFleet(deployment, shape));
}

async function registerFleet(deployment: SimulatedDeployment, shape: FleetShape): Promise<void> {
  const { mapConcurrent } = await import('#shared/concurrency');
  const ok = (what: string, status: number) => {
    if (status >= 300) throw new Error(`${what} answered ${status}`);
  };
  await mapConcurrent(
    Array.from({ length: shape.channels }, (_, c) => c),
    16,
    async (c) => {
      const answer = await deployment.api.call('putChannel', {
        params: { channel_id: channelIdOf(c) },
        body: {
          name: `Channel ${c}`,
          publishing: { timezone: 'UTC', ...shape.publishing },
          ...(shape.github ? { github: { ...shape.github, repo: channelIdOf(c) } } : {}),
        },
      });
      ok(`PUT /channels/${channelIdOf(c)}`, answer.status);
    },
  );
  await mapConcurrent(
    Array.from({ length: shape.videos }, (_, v) => v),
    16,
    async (v) => ok(`POST /videos ${videoIdOf(v)}`, (await deployment.api.call('createVideo', { body: { video_id: videoIdOf(v), title: `Video ${v}` } })).status),
  );
  ok('POST /start', (await deployment.api.call('start')).status);
}

/** The largest wave's request: every video on every channel, all at 11:00 UTC, shifted where gaps and caps bind. */
export function simultaneousWave(shape: Pick<FleetShape, 'videos' | 'channels'>) {
  return {
    body: {
      video_ids: Array.from({ length: shape.videos }, (_, v) => videoIdOf(v)),
      channel_ids: Array.from({ length: shape.channels }, (_, c) => channelIdOf(c)),
      wave_config: { timing: 'simultaneous', scheduled_at: '2026-11-21T11:00:00Z' },
      conflict_policy: 'shift',
    },
  };
}
