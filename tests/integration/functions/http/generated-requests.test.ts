import { fc, it } from '@fast-check/vitest';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { declaredStatuses, openApiDocument } from '#shared/http/openapi';
import { takesIdempotencyKey } from '#shared/http/idempotency-key';
import { BASE_PATH, routeList, routes, type AnyRoute, type RouteId } from '#shared/routes';
import type { EventInput } from '#tests/helpers/api-gateway-event';
import { embeddedTable, snapshotTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { TEST_WEBHOOK_SECRET, webhookExamples } from '#tests/helpers/github-webhook-deliveries';
import { FixedClock, InMemoryQueueMonitor } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import { arbitraryOf, type Steering } from '#tests/helpers/schema-arbitraries';

type Json = Record<string, any>;

/** Generated requests per operation and property. FC_SEED reproduces a run (fast-check prints the seed of a failure). */
const RUNS = 25;
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_261_201;

const document = openApiDocument() as Json;
const operationOf = (route: AnyRoute): Json => document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()];
const resolve = (ref: string): Json => document.components.schemas[ref.replace('#/components/schemas/', '')];
const routeIdOf = Object.fromEntries(Object.entries(routes).map(([key, route]) => [route.id, key as RouteId]));

const clock = new FixedClock('2026-07-01T10:00:00.000Z');
const known: Record<string, string[]> = {
  channel_id: ['gen-a', 'gen-b', 'gen-c'],
  channel_ids: ['gen-a', 'gen-b', 'gen-c'],
  video_id: ['gen-v1', 'gen-v2', 'gen-v3'],
  video_ids: ['gen-v1', 'gen-v2', 'gen-v3'],
  // A time zone is a refinement the document cannot carry (it must exist): steer toward real ones.
  timezone: ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'],
  // The webhook's events: the two it acts on, and others it ignores.
  'X-GitHub-Event': ['workflow_run', 'ping', 'push', 'workflow_job'],
};
const steering: Steering = { resolve, known, instants: { from: '2026-06-01T00:00:00Z', to: '2027-08-01T00:00:00Z' } };

/** How a request to a route that authenticates itself by its signature (the webhook) is signed when it is sent. */
type Signing = 'signed' | 'unsigned' | 'another secret' | 'another body';
type GeneratedRequest = EventInput & { signing?: Signing };

const signedByGithub = (route: AnyRoute) => route.auth === 'github-signature';

/**
 * The request as sent. A webhook's body is sent as JSON text signed as GitHub
 * signs it (with the secret the server is given), unless the request says otherwise.
 */
async function prepared(route: AnyRoute, { signing = 'signed', ...request }: GeneratedRequest): Promise<EventInput> {
  if (!signedByGithub(route)) return request;
  const text = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const headers = { ...request.headers };
  delete headers['X-Hub-Signature-256'];
  // The library signs no empty payload; the server takes an empty body as unsigned anyway.
  const signed = (secret: string, over: string) => (over === '' ? `sha256=${'0'.repeat(64)}` : sign(secret, over));
  if (signing === 'signed') headers['x-hub-signature-256'] = await signed(TEST_WEBHOOK_SECRET, text);
  if (signing === 'another secret') headers['x-hub-signature-256'] = await signed('another secret', text);
  if (signing === 'another body') headers['x-hub-signature-256'] = await signed(TEST_WEBHOOK_SECRET, `${text} `);
  return { ...request, headers, ...(request.body !== undefined ? { body: text } : {}) };
}

/** A request the document accepts: parameters and body drawn from the operation's own schemas. */
function validRequest(route: AnyRoute): fc.Arbitrary<GeneratedRequest> {
  const operation = operationOf(route);
  const parameters = ((operation.parameters ?? []) as Json[]).filter((p) => p.name !== 'Idempotency-Key');
  const byPlace = (place: string) =>
    fc.record(
      Object.fromEntries(
        parameters.filter((p) => p.in === place).map((p) => [p.name, arbitraryOf(p.schema, steering, p.name).map((v) => String(v))]),
      ),
      { requiredKeys: parameters.filter((p) => p.in === place && p.required).map((p) => p.name as string) },
    ) as fc.Arbitrary<Record<string, string>>;
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema as Json | undefined;
  // A webhook's body is any object; GitHub's own payloads are drawn too, so that some reach the service.
  const githubPayloads = signedByGithub(route) ? [...webhookExamples('workflow_run'), ...webhookExamples('ping')] : [];
  const body: fc.Arbitrary<unknown> = bodySchema
    ? githubPayloads.length > 0
      ? fc.oneof(arbitraryOf(bodySchema, steering), fc.constantFrom(...githubPayloads))
      : arbitraryOf(bodySchema, steering)
    : route.method === 'POST'
      ? fc.constantFrom(undefined, {}) // a control call: no body, or {}
      : fc.constant(undefined);
  const idempotencyKey = takesIdempotencyKey(route) ? fc.option(fc.stringMatching(/^[\x21-\x7e]{1,40}$/), { nil: undefined }) : fc.constant(undefined);
  // A made-up cursor is refused (400 invalid_cursor) before the list is read: send one only now and then.
  const query = fc.tuple(byPlace('query'), fc.integer({ min: 0, max: 9 })).map(([q, dice]) => {
    const { cursor, ...rest } = q;
    return dice === 0 && cursor !== undefined ? { ...rest, cursor } : rest;
  });
  return fc.record({ params: byPlace('path'), query, headers: byPlace('header'), body, key: idempotencyKey }).map(({ params, query, headers, body, key }) => ({
    params,
    query,
    ...(body !== undefined ? { body } : {}),
    ...(key !== undefined || Object.keys(headers).length > 0 ? { headers: { ...headers, ...(key !== undefined ? { 'idempotency-key': key } : {}) } } : {}),
  }));
}

interface Mutation {
  name: string;
  expected: number;
  apply(request: GeneratedRequest): GeneratedRequest;
}

/**
 * The ways a request to the webhook can break the document. Its signature is
 * checked before anything else, so an unsigned or wrongly signed request is a
 * 401 whatever else is wrong with it; a signed one meets the usual checks.
 */
function signedRouteMutations(): Mutation[] {
  const without = (header: string) => (r: GeneratedRequest) => {
    const { [header]: _dropped, ...headers } = r.headers ?? {};
    return { ...r, headers };
  };
  return [
    { name: 'no signature', expected: 401, apply: (r) => ({ ...r, signing: 'unsigned' }) },
    { name: 'a signature made with another secret', expected: 401, apply: (r) => ({ ...r, signing: 'another secret' }) },
    { name: 'a signature over another body', expected: 401, apply: (r) => ({ ...r, signing: 'another body' }) },
    { name: 'an unsigned body that is not JSON', expected: 401, apply: (r) => ({ ...r, body: '{"unterminated', signing: 'unsigned' }) },
    { name: 'no body (nothing signed)', expected: 401, apply: ({ body: _body, ...r }) => r },
    { name: 'a signed body that is not JSON', expected: 400, apply: (r) => ({ ...r, body: '{"unterminated' }) },
    { name: 'a signed JSON array', expected: 400, apply: (r) => ({ ...r, body: '[1]' }) },
    { name: 'a signed text/plain body', expected: 415, apply: (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } }) },
    { name: 'an unknown query parameter, signed', expected: 400, apply: (r) => ({ ...r, query: { ...r.query, zz_unknown: '1' } }) },
    { name: 'no X-GitHub-Event, signed', expected: 400, apply: without('X-GitHub-Event') },
    { name: 'no X-GitHub-Delivery, signed', expected: 400, apply: without('X-GitHub-Delivery') },
    { name: 'a malformed X-GitHub-Delivery, signed', expected: 400, apply: (r) => ({ ...r, headers: { ...r.headers, 'X-GitHub-Delivery': 'not a guid!' } }) },
  ];
}

/** The ways a request can break the document, those that apply to this operation. */
function mutationsOf(route: AnyRoute): Mutation[] {
  if (signedByGithub(route)) return signedRouteMutations();
  const operation = operationOf(route);
  const parameters = (operation.parameters ?? []) as Json[];
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema as Json | undefined;
  const resolved = bodySchema?.$ref ? resolve(bodySchema.$ref as string) : bodySchema;
  const mutations: Mutation[] = [
    { name: 'an unknown query parameter', expected: 400, apply: (r) => ({ ...r, query: { ...r.query, zz_unknown: '1' } }) },
  ];
  const pathParameter = parameters.find((p) => p.in === 'path');
  if (pathParameter) {
    mutations.push({ name: `a malformed ${pathParameter.name}`, expected: 400, apply: (r) => ({ ...r, params: { ...r.params, [pathParameter.name]: 'bad id!' } }) });
  }
  const boundedQuery = parameters.find((p) => p.in === 'query' && (p.schema.enum || p.schema.minimum !== undefined || p.schema.format));
  if (boundedQuery) {
    const bad = boundedQuery.schema.minimum !== undefined ? String(boundedQuery.schema.minimum - 1) : 'not-a-value';
    mutations.push({ name: `${boundedQuery.name}=${bad}`, expected: 400, apply: (r) => ({ ...r, query: { ...r.query, [boundedQuery.name]: bad } }) });
  }
  if (takesIdempotencyKey(route)) {
    mutations.push({ name: 'an Idempotency-Key with a space', expected: 400, apply: (r) => ({ ...r, headers: { ...r.headers, 'idempotency-key': 'has space' } }) });
    mutations.push({ name: 'a body that is not JSON', expected: 400, apply: (r) => ({ ...r, body: '{"unterminated' }) });
  }
  if (route.method === 'POST' && !route.body) {
    mutations.push({ name: 'a body on a call that takes none', expected: 400, apply: (r) => ({ ...r, body: { force: true } }) });
  }
  if (resolved) {
    mutations.push({ name: 'an unknown body field', expected: 400, apply: (r) => ({ ...r, body: { ...(r.body as object), zz_unknown: 1 } }) });
    mutations.push({ name: 'no body', expected: 400, apply: ({ body: _body, ...r }) => r });
    mutations.push({ name: 'a text/plain body', expected: 415, apply: (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } }) });
    for (const field of (resolved.required ?? []) as string[]) {
      mutations.push({
        name: `no ${field}`,
        expected: 400,
        apply: (r) => {
          const { [field]: _dropped, ...rest } = r.body as Json;
          return { ...r, body: rest };
        },
      });
      const type = (resolved.properties?.[field] as Json | undefined)?.type as string | undefined;
      if (type) mutations.push({ name: `${field} of the wrong type`, expected: 400, apply: (r) => ({ ...r, body: { ...(r.body as Json), [field]: type === 'string' ? 12_345 : 'x' } }) });
    }
  }
  return mutations;
}

describe('Generated requests (fast-check, from the OpenAPI document) against every operation, on dynalite', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const scheduler = new RecordingSlotScheduler();
  const queue = new RecordingTriggerQueue();

  /** The known channels and videos exist and the system runs: each operation starts from there, whatever the one before did. */
  const ensureFleet = async () => {
    for (const id of known.channel_id!) {
      await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 30, max_per_day: 20 } } });
    }
    for (const id of known.video_id!) await api.call('createVideo', { body: { video_id: id, title: id } });
    const status = await api.call('status');
    if (status.body.status === 'paused') await api.call('resume');
    else await api.call('start');
  };

  beforeAll(async () => {
    process.env.GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
    table = await embeddedTable('generated');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue, queueMonitor: new InMemoryQueueMonitor() });
    await ensureFleet();
    // Something booked, so that reads and cancels of real ids are generated too.
    const wave = await api.call('scheduleWave', {
      body: { video_ids: known.video_id, channel_ids: known.channel_id, wave_config: { timing: 'simultaneous', scheduled_at: '2026-07-02T00:00:00Z' } },
    });
    const coordination = await api.call('coordinatePublication', {
      body: { video_id: known.video_id![0], channel_ids: known.channel_id, timing: 'simultaneous', scheduled_at: '2026-07-03T00:00:00Z' },
    });
    const page = await api.call('listPublications', { query: { group_id: wave.body.wave_id, limit: '100' } });
    known.wave_id = [wave.body.wave_id];
    known.coordination_id = [coordination.body.coordination_id];
    known.group_id = [wave.body.wave_id, coordination.body.coordination_id];
    known.publication_id = page.body.items.map((p: Json) => p.publication_id);
  });
  afterAll(async () => {
    delete process.env.GITHUB_WEBHOOK_SECRET;
    await table.close();
  });

  for (const route of routeList) describe(`${route.method} ${route.path}`, () => {
    const id = routeIdOf[route.id] as RouteId;
    const declared = declaredStatuses(route);
    beforeAll(ensureFleet);

    it.prop([fc.constant(null).chain(() => validRequest(route))], { numRuns: RUNS, seed: SEED })(
      'a request the document accepts answers a declared status, never a 5xx',
      async (request) => {
        // api.call checks the answer against the document (status, body, headers) and throws when it breaks it.
        const answer = await api.call(id, await prepared(route, request));
        expect(declared, JSON.stringify(answer.body)).toContain(answer.status);
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
      },
    );

    const mutations = mutationsOf(route);
    it.prop([fc.constant(null).chain(() => validRequest(route)), fc.constantFrom(...mutations)], { numRuns: RUNS, seed: SEED })(
      'a request the document refuses answers a declared 4xx and changes nothing',
      async (request, mutation) => {
        // Prepare
        const before = await snapshotTable(table);
        const schedulesBefore = scheduler.schedules.size;
        const sendsBefore = queue.sends.length;

        // Act
        const answer = await api.call(id, await prepared(route, mutation.apply(request)));

        // Assess
        expect(answer.status, `${mutation.name}: ${JSON.stringify(answer.body)}`).toBe(mutation.expected);
        expect(declared).toContain(answer.status);
        expect(await snapshotTable(table), mutation.name).toEqual(before);
        expect([scheduler.schedules.size, queue.sends.length], mutation.name).toEqual([schedulesBefore, sendsBefore]);
      },
    );
  });
});
