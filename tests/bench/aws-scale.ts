import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookDelivery } from '#infra/local/github-simulator';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { githubDelivery } from '#tests/helpers/github-webhook-deliveries';
import {
  channelIdOf,
  seedFleet,
  SIMULATED_ACCOUNT,
  simultaneousWave,
  startSimulatedDeployment,
  videoIdOf,
  type FleetShape,
  type SimulatedDeployment,
} from '#tests/helpers/simulated-aws/simulated-deployment';
import type { SimulatedAwsReport } from '#tests/helpers/simulated-aws/simulated-aws';
import type { SimulatedMessage } from '#tests/helpers/simulated-aws/sqs-simulation';

export interface WaveRun {
  shape: string;
  simulated: boolean;
  status: number;
  wallMs: number;
  publications: number;
  slots: number;
  /** DynamoDB calls the code made (not counting the SDK's retries). */
  dynamodbCalls: Record<string, number>;
  /** Every attempt that reached the simulated services, and what they metered (simulated runs only). */
  aws?: SimulatedAwsReport;
}

export const WAVE_SHAPES: (FleetShape & { name: string })[] = [
  { name: '10 x 1,000', videos: 10, channels: 1_000, publishing: { min_gap_minutes: 30, max_per_day: 6 } },
  { name: '100 x 100', videos: 100, channels: 100, publishing: { min_gap_minutes: 30, max_per_day: 24 } },
];

/**
 * Issue 8: a 10,000-publication wave (shift policy, simultaneous, gaps and
 * caps binding) accepted in one POST /schedule-wave, on the embedded table
 * alone and under the simulated AWS limits (docs/simulated-aws.md).
 */
export async function measureWaveUnderLimits(shape: FleetShape & { name: string }, simulated: boolean): Promise<WaveRun> {
  const deployment = await startSimulatedDeployment({ simulateTable: simulated });
  try {
    await seedFleet(deployment, shape);
    deployment.aws.reset();
    deployment.dynamoCalls.clear();
    const started = performance.now();
    const answer = await deployment.api.call('scheduleWave', simultaneousWave(shape));
    const wallMs = performance.now() - started;
    return {
      shape: shape.name,
      simulated,
      status: answer.status,
      wallMs,
      publications: answer.body.total_publications ?? 0,
      slots: answer.body.slots ?? 0,
      dynamodbCalls: Object.fromEntries(deployment.dynamoCalls),
      ...(simulated ? { aws: deployment.aws.report() } : {}),
    };
  } finally {
    await deployment.close();
  }
}

export interface PhaseCost {
  phase: string;
  /** How many times a day the phase happens in the cost model. */
  perDay: number;
  /** Measured for one occurrence: the invocations ran one after another, so this is their billed duration summed. */
  wallMs: number;
  lambdaInvocations: number;
  /** The memory of the phase's function (infra/stateless-stack.ts), for its GB-seconds. */
  memoryMb: number;
  /** Requests through the HTTP API (API Gateway). */
  httpRequests: number;
  calls: Record<string, number>;
  wcu: number;
  rcu: number;
  /** Messages sent to SQS in the phase (each also received and deleted, in batches of 10). */
  sqsMessages: number;
  schedules: number;
}

/** What the dispatch of the measured slot asked of GitHub and got back. */
export interface DispatchSummary {
  triggers: number;
  /** The pacing the dispatcher ran with (GITHUB_DISPATCHES_PER_MINUTE and _PER_HOUR). */
  pacing: { perMinute: number; perHour: number };
  /** Triggers sent back to the queue with a delay (the pacer's wait) and received again; 0 when the slot went through in one pass. */
  requeued: number;
  githubRequests: number;
  githubDispatches: number;
  workflowRuns: number;
  /** workflow_run deliveries delivered to the webhook handler, by action. */
  webhookDeliveries: Record<string, number>;
  /**
   * Seconds the deployed GitHub client would have waited inside the dispatcher's invocations:
   * it spaces one process's writes DEPLOYED_WRITE_SPACING_MS apart (GitHub's advice), the
   * bench's client does not. Each invocation's dispatches after its first wait that long.
   */
  writeSpacingSeconds: number;
}

export interface DailyOperation {
  phases: PhaseCost[];
  dispatch: DispatchSummary;
}

/** OctokitWorkflows' default `minMillisecondsBetweenWrites` (shared/adapters/github/octokit-workflows.ts), which the composition root keeps. */
export const DEPLOYED_WRITE_SPACING_MS = 1_000;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
type SlotEvent = { slot_id: string; group_id: string; fire_at: string };

interface PhaseRun {
  lambdaInvocations: number;
  httpRequests?: number;
  /** Messages the phase sent and took off the simulated queue itself (delivered again within the phase). */
  sqsMessagesTaken?: number;
}

const WEBHOOK_SECRET = 'bench-webhook-secret';
const GITHUB_TOKEN = 'bench-token';
const CHANNELS = 1_000;
/** The day's coordinations, one slot each: every per-slot phase happens this often. */
export const SLOTS_PER_DAY = 10;
/** The dispatcher's memory (pipeline-triggers, infra/stateless-stack.ts: the functions' default). */
export const DISPATCHER_MEMORY_MB = 512;
const SLOT_AT = '2026-11-21T11:00:00.000Z';

/**
 * The cost model's day (docs/operations.md "Monthly cost"): 1,000 channels,
 * each with a GitHub repository, 10 publications each a day, as 10
 * coordinations of one video to all 1,000 channels (one slot each). One
 * slot's whole path is measured under the simulated limits, a phase at a
 * time: booked, fired, its 1,000 triggers dispatched to the GitHub simulator
 * by the queue consumer (SQS batches of 10), GitHub's webhook deliveries of
 * the 1,000 runs (requested, in_progress, completed) through the webhook
 * handler, then the reconciliation (every 5 minutes) once the publications
 * are final, and an operator's dashboard polling GET /status, a page of
 * publications and a page of activity once a minute. The model multiplies
 * each phase by how often it happens.
 */
export async function measureDailyOperation(): Promise<DailyOperation> {
  const { startGitHubSimulator } = await import('#infra/local/github-simulator');
  const { OctokitWorkflows } = await import('#shared/adapters/github/octokit-workflows');
  const { DISPATCH_LIMITS } = await import('#shared/config');
  const inbox = await startWebhookInbox();
  const github = await startGitHubSimulator({ token: GITHUB_TOKEN, webhook: { url: inbox.url, secret: WEBHOOK_SECRET } });
  // The settings' highest rates: a 1,000-channel slot fits the minute (the defaults, 60 a minute, would spread it over hours).
  const pacing = { perMinute: DISPATCH_LIMITS.perMinute.max, perHour: DISPATCH_LIMITS.perHour.max };
  const env = withEnv({
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITHUB_DISPATCHES_PER_MINUTE: String(pacing.perMinute),
    GITHUB_DISPATCHES_PER_HOUR: String(pacing.perHour),
  });
  const deployment = await startSimulatedDeployment({
    // The composition root's client on the simulator, its writes not spaced (writeSpacingSeconds says what spacing adds in AWS).
    adapters: { githubWorkflows: new OctokitWorkflows({ baseUrl: github.url, token: async () => GITHUB_TOKEN, minMillisecondsBetweenWrites: 0 }) },
  });
  const phases: PhaseCost[] = [];
  const measure = async (phase: string, perDay: number, memoryMb: number, run: () => Promise<PhaseRun>) => {
    deployment.aws.reset();
    const started = performance.now();
    const result = await run();
    const wallMs = performance.now() - started;
    const report = deployment.aws.report();
    phases.push({
      phase,
      perDay,
      wallMs,
      lambdaInvocations: result.lambdaInvocations,
      memoryMb,
      httpRequests: result.httpRequests ?? 0,
      calls: report.calls,
      wcu: report.dynamodb.wcu,
      rcu: report.dynamodb.rcu,
      sqsMessages: report.sqs.messages + (result.sqsMessagesTaken ?? 0),
      schedules: report.scheduler.schedules,
    });
  };
  try {
    await seedFleet(deployment, {
      channels: CHANNELS,
      videos: 1,
      publishing: { min_gap_minutes: 60, max_per_day: 10 },
      github: { owner: 'bench', workflow: 'publish.yml', ref: 'main' },
    });
    let slot: SlotEvent | undefined;
    await measure('coordinate one video to 1,000 channels (POST /coordinate-publication)', SLOTS_PER_DAY, 1024, async () => {
      slot = await coordinate(deployment);
      return { lambdaInvocations: 1, httpRequests: 1 };
    });
    const fired = requireSlot(slot);
    await measure('fire its slot: 1,000 publications to the trigger queue (fire-slot)', SLOTS_PER_DAY, 1024, async () => {
      await fireSlot(deployment, fired);
      return { lambdaInvocations: 1 };
    });
    const triggers = deployment.aws.takeMessages(SIMULATED_ACCOUNT.triggerQueueUrl);
    let dispatch: ConsumeResult | undefined;
    await measure('dispatch its 1,000 triggers to GitHub (pipeline-triggers, SQS batches of 10)', SLOTS_PER_DAY, DISPATCHER_MEMORY_MB, async () => {
      dispatch = await consumeTriggers(deployment, triggers, () => github.dispatches.length);
      return { lambdaInvocations: dispatch.invocations, sqsMessagesTaken: dispatch.requeued };
    });
    const consumed = requireResult(dispatch);

    // GitHub runs each workflow: in_progress, then completed (success); the simulator queues their deliveries beside the dispatch's `requested`.
    for (const run of github.runs) await github.completeRun(run.id);
    await github.idle();
    const deliveries = [...github.deliveries].sort((a, b) => ACTIONS.indexOf(a.action) - ACTIONS.indexOf(b.action));
    await measure('GitHub\'s webhook deliveries of its 1,000 runs: requested, in_progress, completed (POST /webhooks/github)', SLOTS_PER_DAY, 512, async () => {
      await deliverWebhooks(deployment, deliveries);
      return { lambdaInvocations: deliveries.length, httpRequests: deliveries.length };
    });

    deployment.clock.set(new Date(Date.parse(fired.fire_at) + 10 * 60_000).toISOString());
    await measure('reconciliation run, the slot\'s publications final (every 5 minutes)', 288, 512, async () => {
      await reconcile();
      return { lambdaInvocations: 1 };
    });
    await measure('dashboard poll: GET /status, /publications?status=scheduled, /activity (once a minute)', 1_440, 512, async () => {
      await pollDashboard(deployment);
      return { lambdaInvocations: 3, httpRequests: 3 };
    });
    return {
      phases,
      dispatch: {
        triggers: triggers.length,
        pacing,
        requeued: consumed.requeued,
        githubRequests: github.requests.length,
        githubDispatches: github.dispatches.length,
        workflowRuns: github.runs.length,
        webhookDeliveries: tally(deliveries.map((d) => d.action)),
        writeSpacingSeconds: consumed.writeSpacingSeconds,
      },
    };
  } finally {
    await deployment.close();
    await github.close();
    await inbox.close();
    env.restore();
  }
}

const ACTIONS = ['requested', 'in_progress', 'completed'] as const;

async function coordinate(deployment: SimulatedDeployment): Promise<SlotEvent> {
  const channelIds = Array.from({ length: CHANNELS }, (_, c) => channelIdOf(c));
  const answer = await deployment.api.call('coordinatePublication', {
    body: { video_id: videoIdOf(0), channel_ids: channelIds, timing: 'simultaneous', scheduled_at: SLOT_AT },
  });
  if (answer.status !== 201) throw new Error(`coordinate-publication answered ${answer.status}`);
  // The slot's Scheduler target input: what EventBridge Scheduler would invoke fire-slot with.
  return JSON.parse(String([...deployment.aws.schedules.values()][0]?.request.Target?.Input)) as SlotEvent;
}

async function fireSlot(deployment: SimulatedDeployment, slot: SlotEvent): Promise<void> {
  const fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: Handler }).handler;
  deployment.clock.set(slot.fire_at);
  await fire(slot, lambdaContext('fire-slot', 120_000));
}

interface ConsumeResult {
  invocations: number;
  requeued: number;
  writeSpacingSeconds: number;
}

/**
 * The trigger queue's event source: batches of 10 to the pipeline-triggers
 * handler, one invocation after another. Triggers the dispatcher sends back
 * with a delay (to wait for the pacer) are taken off the queue and delivered
 * again once the clock has moved past their delay.
 */
async function consumeTriggers(deployment: SimulatedDeployment, messages: readonly SimulatedMessage[], dispatchCount: () => number): Promise<ConsumeResult> {
  const consume = ((await import('#functions/queue/pipeline-triggers')) as unknown as { handler: Handler }).handler;
  let pending = messages;
  let invocations = 0;
  let requeued = 0;
  let writeSpacingMs = 0;
  for (let pass = 1; pending.length > 0; pass++) {
    if (pass > 20) throw new Error(`${pending.length} triggers still waiting for the pacer after 20 passes`);
    for (let i = 0; i < pending.length; i += 10) {
      const before = dispatchCount();
      await consume({ Records: pending.slice(i, i + 10).map(sqsRecordOf) }, lambdaContext('pipeline-triggers'));
      writeSpacingMs += Math.max(0, dispatchCount() - before - 1) * DEPLOYED_WRITE_SPACING_MS;
      invocations++;
    }
    pending = deployment.aws.takeMessages(SIMULATED_ACCOUNT.triggerQueueUrl);
    requeued += pending.length;
    const longestDelay = Math.max(0, ...pending.map((m) => m.delaySeconds));
    deployment.clock.set(new Date(deployment.clock.now().getTime() + longestDelay * 1000).toISOString());
  }
  return { invocations, requeued, writeSpacingSeconds: writeSpacingMs / 1000 };
}

function sqsRecordOf(message: SimulatedMessage) {
  return {
    messageId: message.messageId,
    receiptHandle: message.messageId,
    body: message.body,
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:pipeline-triggers',
    awsRegion: 'us-east-1',
  };
}

/** Each delivery the simulator made, as GitHub sends it (signed with the webhook secret), through the webhook route's handler, one after another. */
async function deliverWebhooks(deployment: SimulatedDeployment, deliveries: readonly WebhookDelivery[]): Promise<void> {
  for (const delivery of deliveries) {
    const answer = await deployment.api.call('githubWebhook', await githubDelivery(delivery.event, delivery.body, { delivery: delivery.id, secret: WEBHOOK_SECRET }));
    if (answer.status !== 200) throw new Error(`webhook ${delivery.action} for run ${delivery.github_run_id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

async function reconcile(): Promise<void> {
  const handler = ((await import('#functions/scheduled/reconcile-publications')) as unknown as { handler: Handler }).handler;
  const report = (await handler({}, lambdaContext('reconcile-publications'))) as { runs: { asked_github: number; resent: number } };
  // The slot's runs are final: nothing for the reconciliation to ask GitHub or re-send.
  if (report.runs.asked_github > 0 || report.runs.resent > 0) throw new Error(`the reconciliation found runs to repair: ${JSON.stringify(report.runs)}`);
}

async function pollDashboard(deployment: SimulatedDeployment): Promise<void> {
  for (const [id, input] of [
    ['status', {}],
    ['listPublications', { query: { status: 'scheduled', limit: '50' } }],
    ['listActivity', { query: { limit: '50' } }],
  ] as const) {
    const answer = await deployment.api.call(id, input);
    if (answer.status !== 200) throw new Error(`${id} answered ${answer.status}`);
  }
}

function requireSlot(slot: SlotEvent | undefined): SlotEvent {
  if (!slot) throw new Error('the coordination made no slot');
  return slot;
}

function requireResult<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the phase did not run');
  return value;
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Sets environment variables for the composition root to read, and puts them back as they were. */
function withEnv(values: Record<string, string>): { restore(): void } {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return {
    restore() {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/**
 * Where the simulator sends its webhooks during the day: GitHub's side of a
 * delivery, answered at once. The deliveries themselves (body, id) are read
 * from the simulator and delivered to the orchestrator in their own phase.
 */
async function startWebhookInbox(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** us-east-1 list prices (December 2026 pages; docs/operations.md cites each). */
export const PRICES = {
  dynamodbWritePerMillion: 0.625,
  dynamodbReadPerMillion: 0.125,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  sqsPerMillionRequests: 0.4,
  schedulerPerMillionInvocations: 1.0,
  httpApiPerMillionRequests: 1.0,
} as const;

export interface MonthlyCost {
  lines: { item: string; quantity: string; usd: number }[];
  totalUsd: number;
}

/** A month (30 days) of the measured day, priced. Lambda GB-seconds from the measured wall time at each phase's memory size. */
export function monthlyCost(phases: readonly PhaseCost[]): MonthlyCost {
  const month = (p: PhaseCost, value: number) => value * p.perDay * 30;
  const sum = (f: (p: PhaseCost) => number) => phases.reduce((n, p) => n + month(p, f(p)), 0);
  const wcu = sum((p) => p.wcu);
  const rcu = sum((p) => p.rcu);
  const invocations = sum((p) => p.lambdaInvocations);
  const gbSeconds = sum((p) => (p.wallMs / 1000) * (p.memoryMb / 1024));
  // SQS: a send, a receive and a delete per message (batched by 10 on each side).
  const sqsRequests = sum((p) => p.sqsMessages) * 3 / 10;
  const schedules = sum((p) => p.schedules);
  const httpRequests = sum((p) => p.httpRequests);
  const lines = [
    { item: 'DynamoDB writes (on-demand)', quantity: `${(wcu / 1e6).toFixed(1)} M WRU`, usd: (wcu / 1e6) * PRICES.dynamodbWritePerMillion },
    { item: 'DynamoDB reads (on-demand)', quantity: `${(rcu / 1e6).toFixed(1)} M RRU`, usd: (rcu / 1e6) * PRICES.dynamodbReadPerMillion },
    { item: 'Lambda requests', quantity: `${(invocations / 1e6).toFixed(2)} M`, usd: (invocations / 1e6) * PRICES.lambdaPerMillionRequests },
    { item: 'Lambda duration (arm64)', quantity: `${Math.round(gbSeconds).toLocaleString('en-US')} GB-s`, usd: gbSeconds * PRICES.lambdaArmPerGbSecond },
    { item: 'SQS requests', quantity: `${(sqsRequests / 1e6).toFixed(2)} M`, usd: (sqsRequests / 1e6) * PRICES.sqsPerMillionRequests },
    { item: 'EventBridge Scheduler', quantity: `${schedules.toLocaleString('en-US')} invocations`, usd: (schedules / 1e6) * PRICES.schedulerPerMillionInvocations },
    { item: 'API Gateway HTTP API', quantity: `${(httpRequests / 1e6).toFixed(2)} M`, usd: (httpRequests / 1e6) * PRICES.httpApiPerMillionRequests },
  ];
  return { lines, totalUsd: lines.reduce((n, l) => n + l.usd, 0) };
}

/**
 * A month of the deployed GitHub client's write spacing, which the measured
 * dispatch did not wait (DispatchSummary.writeSpacingSeconds): billed Lambda
 * duration of the dispatcher (`memoryMb`) for each of `perDay` slots.
 */
export function writeSpacingCost(writeSpacingSeconds: number, perDay: number, memoryMb: number): { gbSeconds: number; usd: number } {
  const gbSeconds = writeSpacingSeconds * (memoryMb / 1024) * perDay * 30;
  return { gbSeconds, usd: gbSeconds * PRICES.lambdaArmPerGbSecond };
}
