import { channelIdOf, seedFleet, simultaneousWave, startSimulatedDeployment, videoIdOf, type FleetShape } from '#tests/helpers/simulated-aws/simulated-deployment';
import type { SimulatedAwsReport } from '#tests/helpers/simulated-aws/simulated-aws';

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
  /** Measured for one occurrence. */
  wallMs: number;
  lambdaInvocations: number;
  calls: Record<string, number>;
  wcu: number;
  rcu: number;
  sqsMessages: number;
  schedules: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * The cost model's day (docs/operations.md "Monthly cost"): 1,000 channels,
 * 10 publications each a day, as 10 coordinations of one video to all 1,000
 * channels (one slot each), fired, their triggers consumed by the queue
 * consumer (SQS batches of 10), the reconciliation every 5 minutes, and an
 * operator's dashboard polling GET /status, a page of publications and a page
 * of activity once a minute. Each phase is measured once under the simulated
 * limits; the model multiplies by how often it happens.
 */
export async function measureDailyOperation(): Promise<PhaseCost[]> {
  const deployment = await startSimulatedDeployment();
  const { lambdaContext } = await import('#tests/helpers/api-gateway-event');
  const { SIMULATED_ACCOUNT } = await import('#tests/helpers/simulated-aws/simulated-deployment');
  const phases: PhaseCost[] = [];
  const measure = async (phase: string, perDay: number, run: () => Promise<number>) => {
    deployment.aws.reset();
    const started = performance.now();
    const lambdaInvocations = await run();
    const wallMs = performance.now() - started;
    const report = deployment.aws.report();
    phases.push({
      phase,
      perDay,
      wallMs,
      lambdaInvocations,
      calls: report.calls,
      wcu: report.dynamodb.wcu,
      rcu: report.dynamodb.rcu,
      sqsMessages: report.sqs.messages,
      schedules: report.scheduler.schedules,
    });
  };
  try {
    await seedFleet(deployment, { channels: 1_000, videos: 1, publishing: { min_gap_minutes: 60, max_per_day: 10 } });
    const channelIds = Array.from({ length: 1_000 }, (_, c) => channelIdOf(c));
    let slot: { slot_id: string; group_id: string; fire_at: string } | undefined;
    await measure('coordinate one video to 1,000 channels (POST /coordinate-publication)', 10, async () => {
      const answer = await deployment.api.call('coordinatePublication', {
        body: { video_id: videoIdOf(0), channel_ids: channelIds, timing: 'simultaneous', scheduled_at: '2026-11-21T11:00:00Z' },
      });
      if (answer.status !== 201) throw new Error(`coordinate-publication answered ${answer.status}`);
      slot = JSON.parse(String([...deployment.aws.schedules.values()][0]?.request.Target?.Input));
      return 1;
    });
    const fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: Handler }).handler;
    await measure('fire its slot: 1,000 publications to the trigger queue (fire-slot)', 10, async () => {
      deployment.clock.set(slot!.fire_at);
      await fire(slot, lambdaContext('fire-slot'));
      return 1;
    });
    const messages = deployment.aws.takeMessages(SIMULATED_ACCOUNT.triggerQueueUrl);
    const consume = ((await import('#functions/queue/pipeline-triggers')) as unknown as { handler: Handler }).handler;
    await measure('consume its 1,000 triggers (pipeline-triggers, SQS batches of 10)', 10, async () => {
      let invocations = 0;
      for (let i = 0; i < messages.length; i += 10) {
        const records = messages.slice(i, i + 10).map((m) => ({
          messageId: m.messageId,
          receiptHandle: m.messageId,
          body: m.body,
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:pipeline-triggers',
          awsRegion: 'us-east-1',
        }));
        await consume({ Records: records }, lambdaContext('pipeline-triggers'));
        invocations++;
      }
      return invocations;
    });
    const reconcile = ((await import('#functions/scheduled/reconcile-publications')) as unknown as { handler: Handler }).handler;
    deployment.clock.set('2026-11-21T11:10:00.000Z');
    await measure('reconciliation run, nothing to repair (every 5 minutes)', 288, async () => {
      await reconcile({}, lambdaContext('reconcile-publications'));
      return 1;
    });
    await measure('dashboard poll: GET /status, /publications?status=scheduled, /activity (once a minute)', 1_440, async () => {
      for (const [id, input] of [
        ['status', {}],
        ['listPublications', { query: { status: 'scheduled', limit: '50' } }],
        ['listActivity', { query: { limit: '50' } }],
      ] as const) {
        const answer = await deployment.api.call(id, input);
        if (answer.status !== 200) throw new Error(`${id} answered ${answer.status}`);
      }
      return 3;
    });
    return phases;
  } finally {
    await deployment.close();
  }
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
  // fire-slot and the large HTTP routes run at 1 GB, the rest at 512 MB (infra/stateless-stack.ts).
  const gbSeconds = phases.reduce((n, p) => n + month(p, (p.wallMs / 1000) * (p.phase.includes('fire') || p.phase.includes('coordinate') ? 1 : 0.5)), 0);
  // SQS: a send, a receive and a delete per message (batched by 10 on each side).
  const sqsRequests = sum((p) => p.sqsMessages) * 3 / 10;
  const schedules = sum((p) => p.schedules);
  const httpRequests = phases.filter((p) => p.phase.includes('GET') || p.phase.includes('POST')).reduce((n, p) => n + month(p, p.lambdaInvocations), 0);
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
