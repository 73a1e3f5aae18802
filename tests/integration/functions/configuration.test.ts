import { createHmac } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUND_FUNCTIONS, OPTIONAL_FUNCTIONS } from '#infra/constructs/bundling';
import { slotIdOf } from '#shared/domain/publication-group';
import { PERMISSION_SETTINGS, routeList, routes, type Permission, type RouteId } from '#shared/routes';
import { apiEvent, invoke, lambdaContext, type EventInput } from '#tests/helpers/api-gateway-event';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';

/**
 * Every function runs with exactly the settings its permissions bring (what
 * the CDK bindings set, PERMISSION_SETTINGS) and the real AWS adapters (over
 * mocked AWS clients). A service that reaches a client its function is not
 * granted fails here with "missing configuration", not in AWS.
 */
const FAKE_VALUES: Record<string, string> = {
  TRIGGER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers',
  TRIGGER_HIGH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers-high',
  TRIGGER_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers-dlq',
  PROCESSING_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/processing',
  PROCESSING_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/processing-dlq',
  GITHUB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:github-token-AbCdEf',
  GITHUB_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:github-webhook-AbCdEf',
  SCHEDULE_GROUP_NAME: 'slots',
  SLOT_TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:fire-slot',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  SLOT_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:slot-dlq',
  SLOT_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/slot-dlq',
};
const ALL_SETTINGS = Object.keys(FAKE_VALUES);
/** The webhook secret the mocked Secrets Manager holds. */
const WEBHOOK_SECRET = 'configuration-test-secret';

let table: EmbeddedTable & { close(): Promise<void> };
let root: typeof import('#shared/composition-root');

/** The environment of a function with `permissions`: the table's name only if granted, and so on. */
async function runAs(permissions: readonly Permission[]): Promise<void> {
  const granted = new Set(permissions.flatMap((p) => PERMISSION_SETTINGS[p]));
  for (const name of ALL_SETTINGS) {
    if (granted.has(name as never)) process.env[name] = FAKE_VALUES[name];
    else delete process.env[name];
  }
  if (granted.has('TABLE_NAME')) process.env.TABLE_NAME = table.tableName;
  else delete process.env.TABLE_NAME;
  root.resetComposition();
}

async function call(id: RouteId, input: EventInput = {}) {
  const route = routes[id];
  // The environment first: a handler builds its idempotency store at import, as a cold start does.
  await runAs(route.permissions);
  const { handler } = (await import(`../../../functions/http/${route.id}.ts`)) as { handler: Parameters<typeof invoke>[0] };
  return invoke(handler, apiEvent(route, input));
}

const ids: Record<string, string> = {};
/** Noon UTC `days` days from today: a future slot with a schedule, within the 366 days a request may ask for. */
const noonIn = (days: number): string => new Date((Math.floor(Date.now() / 86_400_000) + days) * 86_400_000 + 43_200_000).toISOString();
const SCHEDULED = noonIn(30);
const WAVE_AT = noonIn(33);

/** A request each route can serve (an exhaustive map: a new route without one does not compile). */
const REQUESTS: Record<RouteId, () => EventInput> = {
  status: () => ({}),
  dashboard: () => ({}),
  start: () => ({}),
  pause: () => ({}),
  resume: () => ({}),
  stop: () => ({}),
  putChannel: () => ({ params: { channel_id: 'cfg-2' }, body: { name: 'cfg 2' } }),
  getChannel: () => ({ params: { channel_id: 'cfg-1' } }),
  listChannels: () => ({}),
  createVideo: () => ({ body: { title: 'cfg video' } }),
  listVideos: () => ({}),
  getVideo: () => ({ params: { video_id: 'cfg-v' } }),
  listActivity: () => ({}),
  coordinatePublication: () => ({ body: { video_id: 'cfg-v', channel_ids: ['cfg-1'], timing: 'simultaneous', scheduled_at: noonIn(31) } }),
  scheduleWave: () => ({ body: { video_ids: ['cfg-v'], channel_ids: ['cfg-1'], wave_config: { timing: 'simultaneous', scheduled_at: noonIn(32) } } }),
  listPublications: () => ({}),
  getPublication: () => ({ params: { publication_id: ids.publication! } }),
  cancelPublication: () => ({ params: { publication_id: ids.publication! }, body: {} }),
  getWave: () => ({ params: { wave_id: ids.wave! } }),
  cancelWave: () => ({ params: { wave_id: ids.wave! }, body: {} }),
  getCoordination: () => ({ params: { coordination_id: ids.coordination! } }),
  cancelCoordination: () => ({ params: { coordination_id: ids.coordination! }, body: {} }),
  listWaves: () => ({}),
  listCoordinations: () => ({}),
  deleteChannel: () => ({ params: { channel_id: 'cfg-1' }, query: { force: 'true' } }),
  openapi: () => ({}),
  triggerPipeline: () => ({ body: { channel_id: 'cfg-1', video_id: 'cfg-v' } }),
  listPipelineRuns: () => ({ query: { channel_id: 'cfg-1' } }),
  getPipelineRun: () => ({ params: { run_id: ids.run! } }),
  completePipelineRun: () => ({ params: { run_id: ids.run! }, body: { conclusion: 'success' } }),
  // A channel without a repository: skipped, so GitHub is not called; the token's settings are still needed to build the client.
  syncConfigs: () => ({ body: { channel_ids: ['cfg-1'] } }),
  // Books the catalogue's available video on cfg-1 (no filters: a free slot of the next 24 h): the scheduler and the table.
  distributeVideos: () => ({ body: { channel_ids: ['cfg-1'] } }),
  // A live check: the channel has no repository, so GitHub is not called; the token's settings still build the client.
  monitorChannels: () => ({ query: { refresh: 'true' } }),
  // Signed with the secret the mocked Secrets Manager holds: the permission brings GITHUB_WEBHOOK_SECRET_ARN, the secret is read through it.
  githubWebhook: () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    return { headers: { 'x-github-event': 'ping', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-hub-signature-256': signature }, body };
  },
};

/** The order the routes are called in: state first, removal last. */
const ORDER: RouteId[] = [
  'status', 'dashboard', 'start', 'pause', 'resume', 'putChannel', 'getChannel', 'listChannels', 'createVideo', 'listVideos', 'getVideo',
  'coordinatePublication', 'scheduleWave', 'listPublications', 'getPublication', 'getWave', 'getCoordination', 'listWaves',
  'listCoordinations', 'listActivity', 'openapi', 'triggerPipeline', 'listPipelineRuns', 'getPipelineRun', 'completePipelineRun', 'githubWebhook', 'syncConfigs', 'distributeVideos', 'monitorChannels', 'cancelPublication', 'cancelWave', 'cancelCoordination', 'deleteChannel', 'stop',
];

beforeAll(async () => {
  mockClient(SQSClient).resolves({ Attributes: {}, Successful: [], Failed: [] });
  mockClient(SchedulerClient).resolves({});
  mockClient(SecretsManagerClient).on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK_SECRET });
  table = await embeddedTable('configuration');
  const { useLocalTable } = await import('#shared/config');
  useLocalTable(table.tableName, table.endpoint);
  root = await import('#shared/composition-root');
  // Data every route can act on, made with everything granted.
  await runAs(['table:write', 'queue:send', 'schedules:write']);
  await call('start');
  await call('putChannel', { params: { channel_id: 'cfg-1' }, body: { name: 'cfg 1' } });
  await call('createVideo', { body: { video_id: 'cfg-v', title: 'cfg' } });
  const coordinated = await call('coordinatePublication', { body: { video_id: 'cfg-v', channel_ids: ['cfg-1'], timing: 'simultaneous', scheduled_at: SCHEDULED } });
  ids.publication = coordinated.body.publications[0].publication_id;
  ids.coordination = coordinated.body.coordination_id;
  ids.run = (await call('triggerPipeline', { body: { channel_id: 'cfg-1', video_id: 'cfg-v' } })).body.run_id;
  ids.wave = (await call('scheduleWave', { body: { video_ids: ['cfg-v'], channel_ids: ['cfg-1'], wave_config: { timing: 'simultaneous', scheduled_at: WAVE_AT } } })).body.wave_id;
});
afterAll(async () => table?.close());

describe('Every function runs with exactly the configuration its permissions bring', () => {
  it('the order covers every route', () => {
    expect([...ORDER].sort()).toEqual(Object.keys(routes).sort());
    expect(routeList).toHaveLength(ORDER.length);
  });

  for (const id of ORDER) {
    it(`${routes[id].method} ${routes[id].path} (${routes[id].permissions.join(', ') || 'no permissions'})`, async () => {
      const answer = await call(id, REQUESTS[id]());
      expect(answer.status, answer.raw).toBeLessThan(500);
    });
  }

  it('the webhook reads its secret through the ARN its permission brings: a delivery signed with it is answered 200', async () => {
    const answer = await call('githubWebhook', REQUESTS.githubWebhook());
    expect(answer.status, answer.raw).toBe(200);
    expect(answer.body).toEqual({ ok: true, event: 'ping', hook_id: 1 });
  });

  it('the background functions, each with its own permissions', async () => {
    const fire = (await import('#functions/scheduled/fire-slot')).handler as unknown as (e: unknown, c: unknown) => Promise<{ outcome: string }>;
    const reconcile = (await import('#functions/scheduled/reconcile-publications')).handler as unknown as (e: unknown, c: unknown) => Promise<unknown>;
    const sweep = (await import('#functions/scheduled/health-sweep')).handler as unknown as (e: unknown, c: unknown) => Promise<{ checked: number }>;
    const consume = (await import('#functions/queue/pipeline-triggers')).handler as unknown as (e: unknown, c: unknown) => Promise<{ batchItemFailures: unknown[] }>;

    await runAs(BACKGROUND_FUNCTIONS.fireSlot.permissions);
    const fired = await fire({ slot_id: slotIdOf(ids.wave!, WAVE_AT), group_id: ids.wave, fire_at: WAVE_AT }, lambdaContext('fire-slot'));
    expect(['not_due', 'skipped']).toContain(fired.outcome); // the wave was cancelled above

    await runAs(BACKGROUND_FUNCTIONS.reconcilePublications.permissions);
    await expect(reconcile({}, lambdaContext('reconcile-publications'))).resolves.toBeDefined();

    const distribute = (await import('#functions/scheduled/auto-distribute-videos')).handler as unknown as (e: unknown, c: unknown) => Promise<unknown>;
    await runAs(OPTIONAL_FUNCTIONS.autoDistributeVideos.permissions);
    // The routes above ended with POST /stop: the job reads the channels and the state, and does nothing.
    await expect(distribute({}, lambdaContext('auto-distribute-videos'))).resolves.toEqual({ skipped: 'orchestration_stopped' });
    await runAs(BACKGROUND_FUNCTIONS.healthSweep.permissions);
    await expect(sweep({}, lambdaContext('health-sweep'))).resolves.toMatchObject({ checked: 1 });

    await runAs(BACKGROUND_FUNCTIONS.pipelineTriggers.permissions);
    const trigger = { trigger_id: 's/c', channel_id: 'cfg-1', slot_id: 's', publications: [], priority: 'normal', enqueued_at: SCHEDULED };
    const result = await consume({ Records: [{ messageId: 'm1', body: JSON.stringify(trigger), attributes: {}, messageAttributes: {} }] }, lambdaContext('pipeline-triggers'));
    expect(result.batchItemFailures).toEqual([]);
  });
});
