import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { Conflict, NotAuthenticated, NotFound } from '#shared/domain/errors';
import { useLocalTable } from '#shared/config';
import { httpHandler, MAX_BODY_BYTES, MAX_JSON_DEPTH, reply, type RawRequest } from '#shared/http/http-handler';
import { routes, type AnyRoute } from '#shared/routes';
import { apiEvent, invoke, TEST_ACTOR } from '#tests/helpers/api-gateway-event';
import { channelBody, channelView } from '#tests/helpers/sample-entities';

/**
 * The middy stack over a stub use case: no table is reached (POST routes get
 * an idempotency store, which is only used when an Idempotency-Key is sent).
 */
beforeAll(() => {
  useLocalTable('unit-tests-reach-no-table', 'http://127.0.0.1:9');
});

/** Stub answers keep the OpenAPI contract that invoke() checks. */
const CHANNEL_VIEW = channelView();
const CONTROL_VIEW = { status: 'running', previous: 'stopped', changed: true, running: true, paused: false, since: '2026-11-21T18:00:00.000Z', updated_at: '2026-11-21T18:00:00.000Z' };

/** A stub use case whose answer, by default, is one the route documents. */
function stubbed<R extends (typeof routes)[keyof typeof routes]>(route: R, answer?: (request: unknown) => Promise<unknown>) {
  const documented = route.response.schema === routes.getChannel.response.schema ? CHANNEL_VIEW : CONTROL_VIEW;
  const handle = vi.fn(answer ?? (async () => documented));
  return { handle, handler: httpHandler(route, handle as never) };
}

describe('Function: httpHandler', () => {
  describe('on valid input', () => {
    it("answers the route's status with the handler's result as JSON, with content-type and x-request-id", async () => {
      // Prepare
      const { handler } = stubbed(routes.getChannel);
      const event = apiEvent(routes.getChannel, { params: { channel_id: 'c1' } });

      // Act
      const answer = await invoke(handler, event);

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(CHANNEL_VIEW);
      expect(answer.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': event.requestContext.requestId });
    });

    it('gives the handler the validated input (defaults applied) and who asked', async () => {
      // Prepare
      const { handler, handle } = stubbed(routes.putChannel);
      const event = apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: { name: 'Cats', publishing: { slots: ['18:00', '09:00'] } } });

      // Act
      await invoke(handler, event);

      // Assess
      expect(handle).toHaveBeenCalledExactlyOnceWith({
        params: { channel_id: 'c1' },
        query: undefined,
        body: {
          name: 'Cats',
          status: 'active',
          priority: 5,
          github: null,
          publishing: { timezone: 'UTC', slots: ['09:00', '18:00'], min_gap_minutes: 0, max_per_day: null },
          filters: null,
          config: {},
        },
        // The answer may wait the function's time left (30 s in tests) less the margin a 202 needs.
        meta: { actor: TEST_ACTOR, request_id: event.requestContext.requestId, answer_within_ms: 28_000 },
      });
    });

    it('answers the status a handler replies with', async () => {
      // Prepare
      const { handler } = stubbed(routes.putChannel, async () => reply(201, { ...CHANNEL_VIEW, name: 'Created' }));

      // Act
      const answer = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: channelBody() }));

      // Assess
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ ...CHANNEL_VIEW, name: 'Created' });
    });

    it('reads a base64-encoded body and JSON media types with parameters or suffixes', async () => {
      // Prepare
      const { handler, handle } = stubbed(routes.putChannel);
      const body = Buffer.from(JSON.stringify(channelBody({ name: 'Encoded' }))).toString('base64');

      // Act
      const encoded = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body, isBase64Encoded: true }));
      const charset = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: channelBody(), headers: { 'Content-Type': 'application/json; charset=utf-8' } }));
      const suffixed = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: channelBody(), headers: { 'content-type': 'application/merge-patch+json' } }));

      // Assess
      expect([encoded.status, charset.status, suffixed.status]).toEqual([200, 200, 200]);
      expect(handle.mock.calls[0]?.[0]).toMatchObject({ body: { name: 'Encoded' } });
    });

    it('takes a control call with no body or an empty JSON object', async () => {
      // Prepare
      const { handler, handle } = stubbed(routes.start);

      // Act
      const none = await invoke(handler, apiEvent(routes.start));
      const empty = await invoke(handler, apiEvent(routes.start, { body: '{}' }));

      // Assess
      expect([none.status, empty.status]).toEqual([200, 200]);
      expect(handle).toHaveBeenCalledTimes(2);
    });

    it('takes a control call with an empty body whatever its content-type (nothing to read)', async () => {
      // Prepare
      const { handler, handle } = stubbed(routes.pause);

      // Act
      const absent = await invoke(handler, apiEvent(routes.pause, { headers: { 'content-type': 'text/plain' } }));
      const empty = await invoke(handler, apiEvent(routes.pause, { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      const blank = await invoke(handler, apiEvent(routes.pause, { body: ' \r\n', headers: { 'content-type': 'text/plain' } }));

      // Assess
      expect([absent.status, empty.status, blank.status]).toEqual([200, 200, 200]);
      expect(handle).toHaveBeenCalledTimes(3);
    });
  });

  describe('on bad input (the use case is never called)', () => {
    const cases: [string, () => ReturnType<typeof apiEvent>, (typeof routes)[keyof typeof routes], number, string, unknown?][] = [
      ['a body over 256 KB, even unparseable', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: `{${'x'.repeat(MAX_BODY_BYTES)}` }), routes.putChannel, 413, 'payload_too_large', { limit_bytes: MAX_BODY_BYTES }],
      ['a missing body where one is required', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' } }), routes.putChannel, 400, 'body_required'],
      ['a blank body where one is required', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: '   ' }), routes.putChannel, 400, 'body_required'],
      ['a text/plain body', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: channelBody(), headers: { 'content-type': 'text/plain' } }), routes.putChannel, 415, 'unsupported_media_type', { content_type: 'text/plain' }],
      ['malformed JSON', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: '{"name": "Cats",' }), routes.putChannel, 400, 'invalid_json'],
      ['a JSON array instead of an object', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: '[1,2]' }), routes.putChannel, 400, 'validation_failed'],
      ['a JSON null', () => apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: 'null' }), routes.putChannel, 400, 'validation_failed'],
      ['a control call with a non-empty body', () => apiEvent(routes.start, { body: { force: true } }), routes.start, 400, 'body_not_allowed'],
      ['a control call with a non-JSON body', () => apiEvent(routes.stop, { body: 'please stop' }), routes.stop, 400, 'body_not_allowed'],
      ['a control call with a text/plain body', () => apiEvent(routes.start, { body: 'please start', headers: { 'content-type': 'text/plain' } }), routes.start, 415, 'unsupported_media_type', { content_type: 'text/plain' }],
      ['a control call with a form-encoded body', () => apiEvent(routes.resume, { body: 'now=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), routes.resume, 415, 'unsupported_media_type', { content_type: 'application/x-www-form-urlencoded' }],
      ['a control call with {} labelled text/plain', () => apiEvent(routes.stop, { body: '{}', headers: { 'content-type': 'text/plain' } }), routes.stop, 415, 'unsupported_media_type', { content_type: 'text/plain' }],
      ['a control call with a text/plain body over 256 KB (size comes first)', () => apiEvent(routes.pause, { body: 'x'.repeat(MAX_BODY_BYTES + 1), headers: { 'content-type': 'text/plain' } }), routes.pause, 413, 'payload_too_large', { limit_bytes: MAX_BODY_BYTES }],
    ];
    for (const [what, event, route, status, code, details] of cases) {
      it(`answers ${status} ${code} to ${what}`, async () => {
        // Prepare
        const { handler, handle } = stubbed(route);

        // Act
        const answer = await invoke(handler, event());

        // Assess
        expect(answer.status).toBe(status);
        expect(answer.body.error).toMatchObject({ code, message: expect.any(String), details: details ?? expect.any(Object) });
        expect(handle).not.toHaveBeenCalled();
      });
    }

    it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels as 400 naming body.$, and takes it at the limit`, async () => {
      // Prepare: the body is level 1, config level 2, so the config nests to exactly the limit or one past it
      const { handler, handle } = stubbed(routes.putChannel);
      const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
      const body = (levels: number) => `{"name":"Deep","config":${nested(levels)}}`;

      // Act
      const atLimit = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: body(MAX_JSON_DEPTH - 1) }));
      const over = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: body(MAX_JSON_DEPTH) }));

      // Assess
      expect(atLimit.status).toBe(200);
      expect(over.status).toBe(400);
      expect(over.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: '$', in: 'body' }] } });
      expect(handle).toHaveBeenCalledTimes(1);
    });

    it('does not count brackets inside strings (escaped quotes included) as nesting', async () => {
      // Prepare
      const { handler } = stubbed(routes.putChannel);
      const brackets = `${'[{'.repeat(100)}\\"${'}]'.repeat(100)}`;

      // Act
      const answer = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body: `{"name":"Brackets","config":{"text":"\\"${brackets}"}}` }));

      // Assess
      expect(answer.status).toBe(200);
    });

    it('names every field of the wrong type, with where it was', async () => {
      // Prepare
      const { handler, handle } = stubbed(routes.putChannel);
      const body = channelBody({ name: 42, priority: 'high', publishing: { timezone: 'Mars/Olympus', slots: ['25:00'] } });

      // Act
      const answer = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body }));

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      const fields = answer.body.error.details.fields as { field: string; in: string }[];
      expect(fields.map((f) => `${f.in}:${f.field}`).sort()).toEqual(
        ['body:name', 'body:priority', 'body:publishing.slots.0', 'body:publishing.timezone'].sort(),
      );
      expect(handle).not.toHaveBeenCalled();
    });

    it("says what is wrong with each field in zod's English messages, or the schema's own", async () => {
      // Prepare
      const { handler } = stubbed(routes.putChannel);
      const body = { name: 42, status: 'gone', priority: 10, publishing: { slots: ['25:00'], min_gap_minutes: 1.5 } };

      // Act
      const answer = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body }));

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields).toEqual([
        { field: 'name', in: 'body', message: 'Invalid input: expected string, received number' },
        { field: 'status', in: 'body', message: 'Invalid option: expected one of "active"|"inactive"|"paused"' },
        { field: 'priority', in: 'body', message: 'Too big: expected number to be <=9' },
        { field: 'publishing.slots.0', in: 'body', message: 'must be a local time "HH:MM"' },
        { field: 'publishing.min_gap_minutes', in: 'body', message: 'Invalid input: expected int, received number' },
      ]);
    });

    it('names each unknown field, nested ones by their path', async () => {
      // Prepare
      const { handler } = stubbed(routes.putChannel);
      const body = channelBody({ colour: 'red', owner: 'me', publishing: { timezone: 'UTC', cadence: 'daily' } });

      // Act
      const answer = await invoke(handler, apiEvent(routes.putChannel, { params: { channel_id: 'c1' }, body }));

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields).toEqual(
        expect.arrayContaining([
          { field: 'colour', in: 'body', message: 'unknown field' },
          { field: 'owner', in: 'body', message: 'unknown field' },
          { field: 'publishing.cadence', in: 'body', message: 'unknown field' },
        ]),
      );
    });

    for (const [what, id] of [['spaces and punctuation', 'not an id!'], ['65 characters', 'x'.repeat(65)], ['a slash', 'a/b']] as const) {
      it(`refuses a path id with ${what} as 400 naming path.channel_id`, async () => {
        // Prepare
        const { handler, handle } = stubbed(routes.getChannel);

        // Act
        const answer = await invoke(handler, apiEvent(routes.getChannel, { params: { channel_id: id } }));

        // Assess
        expect(answer.status).toBe(400);
        expect(answer.body.error.details.fields).toEqual([{ field: 'channel_id', in: 'path', message: expect.any(String) }]);
        expect(handle).not.toHaveBeenCalled();
      });
    }

    for (const [what, query, field] of [
      ['limit=0', { limit: '0' }, 'limit'],
      ['limit=abc', { limit: 'abc' }, 'limit'],
      ['limit=101', { limit: '101' }, 'limit'],
      ['an unknown query parameter', { colour: 'red' }, 'colour'],
      ['an unknown status', { status: 'deleted' }, 'status'],
    ] as const) {
      it(`refuses ${what} as 400 naming query.${field}`, async () => {
        // Prepare
        const { handler, handle } = stubbed(routes.listChannels);

        // Act
        const answer = await invoke(handler, apiEvent(routes.listChannels, { query: { ...query } }));

        // Assess
        expect(answer.status).toBe(400);
        expect(answer.body.error.details.fields).toEqual([expect.objectContaining({ field, in: 'query' })]);
        expect(handle).not.toHaveBeenCalled();
      });
    }

    it('refuses query parameters on a route that takes none, naming each', async () => {
      // Prepare
      const { handler, handle } = stubbed(routes.getChannel);

      // Act
      const answer = await invoke(handler, apiEvent(routes.getChannel, { params: { channel_id: 'c1' }, query: { expand: 'all', debug: '1' } }));

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields).toEqual([
        { field: 'expand', in: 'query', message: 'unknown field' },
        { field: 'debug', in: 'query', message: 'unknown field' },
      ]);
      expect(handle).not.toHaveBeenCalled();
    });

    it('reports path, query and body faults together in one answer', async () => {
      // Prepare
      const { handler } = stubbed(routes.deleteChannel);

      // Act
      const answer = await invoke(handler, apiEvent(routes.deleteChannel, { params: { channel_id: '!!' }, query: { force: 'yes' } }));

      // Assess
      expect(answer.status).toBe(400);
      expect((answer.body.error.details.fields as { in: string }[]).map((f) => f.in).sort()).toEqual(['path', 'query']);
    });
  });

  describe('on failures of the use case', () => {
    it('maps a typed error to its status and body', async () => {
      // Prepare
      const { handler } = stubbed(routes.getChannel, async () => {
        throw new NotFound('channel', 'c1');
      });

      // Act
      const answer = await invoke(handler, apiEvent(routes.getChannel, { params: { channel_id: 'c1' } }));

      // Assess
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: { code: 'channel_not_found', message: "channel 'c1' does not exist", details: { channel_id: 'c1' } } });
    });

    it('maps a Conflict on a POST to 409', async () => {
      // Prepare
      const { handler } = stubbed(routes.pause, async () => {
        throw new Conflict('invalid_transition', 'stopped', { status: 'stopped' });
      });

      // Act
      const answer = await invoke(handler, apiEvent(routes.pause));

      // Assess
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'invalid_transition', details: { status: 'stopped' } });
    });

    it('answers an unexpected failure with 500 internal_error naming only the request id', async () => {
      // Prepare
      const { handler } = stubbed(routes.getChannel, async () => {
        throw new Error('socket hang up talking to dynamodb.eu-west-1.amazonaws.com table prod-orchestrator');
      });
      const event = apiEvent(routes.getChannel, { params: { channel_id: 'c1' } });

      // Act
      const answer = await invoke(handler, event);

      // Assess
      expect(answer.status).toBe(500);
      expect(answer.body.error).toMatchObject({ code: 'internal_error', details: { request_id: event.requestContext.requestId } });
      expect(answer.raw).not.toMatch(/dynamodb|prod-orchestrator|socket/);
    });
  });

  describe('on a route that authenticates itself (a webhook)', () => {
    /** A test-only route (not in the document, so invoke() checks no contract). */
    const signedRoute = {
      id: 'signed-test',
      method: 'POST',
      path: '/test/signed',
      summary: 'test',
      tag: 'System',
      auth: 'github-signature',
      headers: z.object({ 'X-Test-Event': z.string().check(z.regex(/^[a-z_]+$/)) }),
      body: z.record(z.string(), z.unknown()),
      response: { status: 200, description: 'test', schema: z.unknown() },
      errors: [],
      permissions: [],
    } satisfies AnyRoute;
    const GOOD = 'let me in';

    /** A check that lets through requests whose x-test-token header is GOOD, recording what it was given. */
    function signed(answer: (request: unknown) => Promise<unknown> = async (request) => request) {
      const seen: RawRequest[] = [];
      const handle = vi.fn(answer);
      const handler = httpHandler(signedRoute, handle as never, {
        authenticate: async (raw) => {
          seen.push(raw);
          if (raw.headers['x-test-token'] !== GOOD) throw new NotAuthenticated('invalid_signature', 'no');
          return { actor: 'test:signer' };
        },
      });
      return { handler, handle, seen };
    }
    const event = (input: Parameters<typeof apiEvent>[1] = {}) =>
      apiEvent(signedRoute, { body: { a: 1 }, ...input, headers: { 'x-test-token': GOOD, 'x-test-event': 'push', ...input.headers } });

    it('checks the body exactly as sent (decoded from base64), then gives the handler the parsed body, its declared headers and the checked caller', async () => {
      // Prepare
      const { handler, handle, seen } = signed();
      const text = '{ "a" :1,\n"b": "é" }';

      // Act
      const answer = await invoke(handler, event({ body: Buffer.from(text).toString('base64'), isBase64Encoded: true }));

      // Assess
      expect(answer.status).toBe(200);
      expect(seen[0]?.body).toBe(text);
      expect(handle.mock.calls[0]?.[0]).toMatchObject({ body: { a: 1, b: 'é' }, headers: { 'X-Test-Event': 'push' }, meta: { actor: 'test:signer' } });
    });

    it('refuses with 401 before the body is parsed: a request failing the check is 401 even when its body is not JSON', async () => {
      // Prepare
      const { handler, handle } = signed();

      // Act
      const answers = await Promise.all([
        invoke(handler, event({ headers: { 'x-test-token': 'wrong' } })),
        invoke(handler, event({ headers: { 'x-test-token': null }, body: '{"unterminated' })),
        invoke(handler, event({ headers: { 'x-test-token': 'wrong', 'x-test-event': null }, query: { unknown: '1' } })),
      ]);

      // Assess
      expect(answers.map((a) => [a.status, a.body.error.code])).toEqual([
        [401, 'invalid_signature'],
        [401, 'invalid_signature'],
        [401, 'invalid_signature'],
      ]);
      expect(handle).not.toHaveBeenCalled();
    });

    it('guards the size before the check: an oversized body is 413 and never checked', async () => {
      const { handler, seen } = signed();
      const answer = await invoke(handler, event({ body: `{"a":"${'x'.repeat(MAX_BODY_BYTES)}"}` }));
      expect(answer.status).toBe(413);
      expect(seen).toHaveLength(0);
    });

    it('validates after the check: malformed JSON is 400 invalid_json, a missing declared header 400 naming it', async () => {
      // Prepare
      const { handler, handle } = signed();

      // Act
      const malformed = await invoke(handler, event({ body: '{"unterminated' }));
      const noEvent = await invoke(handler, event({ headers: { 'x-test-event': null } }));

      // Assess
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('invalid_json');
      expect(noEvent.status).toBe(400);
      expect(noEvent.body.error.details.fields).toEqual([{ field: 'X-Test-Event', in: 'header', message: expect.any(String) }]);
      expect(handle).not.toHaveBeenCalled();
    });

    it('takes no Idempotency-Key: the header is neither checked nor used (a replay runs the handler again)', async () => {
      // Prepare
      const { handler, handle } = signed();

      // Act
      const first = await invoke(handler, event({ headers: { 'idempotency-key': 'has space' } }));
      const second = await invoke(handler, event({ headers: { 'idempotency-key': 'has space' } }));

      // Assess
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(handle).toHaveBeenCalledTimes(2);
      expect(handle.mock.calls[0]?.[0]).not.toHaveProperty('meta.idempotency_key');
      expect(first.headers).not.toHaveProperty('idempotent-replayed');
    });

    it('refuses to build a self-authenticating route without its check, or a check on a route behind the authorizer', () => {
      expect(() => httpHandler(signedRoute, async () => ({}))).toThrow(/needs an authenticate option/);
      expect(() => httpHandler(routes.start, async () => ({}), { authenticate: async () => ({ actor: 'x' }) })).toThrow(/takes no authenticate option/);
    });
  });
});
