import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityListScope } from '#shared/adapters/dynamodb/activity-log';
import { encodeCursor } from '#shared/adapters/dynamodb/cursor';
import { MAX_BODY_BYTES } from '#shared/http/http-handler';
import { routes } from '#shared/routes';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';
import type { EmbeddedDynamo, EmbeddedTable } from '#tests/helpers/embedded-table';
import { snapshotTable, startEmbeddedDynamo } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { InMemoryTriggerQueue } from '#tests/helpers/in-memory-ports';
import { channelBody } from '#tests/helpers/sample-entities';

interface BadCall {
  what: string;
  handler: keyof Handlers;
  event: () => APIGatewayProxyEventV2;
  status: number;
  code: string;
  /** `in:field` of every field the answer must name in details.fields. */
  fields?: string[];
}

const videoBody = { title: 'Cats at play', tags: ['cats'], language: 'en', duration_seconds: 61 };
const huge = 'x'.repeat(MAX_BODY_BYTES);
/** POSTs carry an Idempotency-Key: a refused request must not leave an idempotency record either. */
const key = (n: string) => ({ 'idempotency-key': `bad-input-${n}` });

/**
 * SPEC "Everywhere": bad input never yields a 5xx and never changes state.
 * Each call is refused with the documented status and `{error: {code,
 * message, details}}`, and the table (every item of it) is exactly as before.
 */
describe('Handlers: bad input', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let http: Handlers;
  let channelsCursor: string;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    http = await bootHandlers(table, { triggerQueue: new InMemoryTriggerQueue() });
    // Something to protect: a running system, channels, a video, their activity.
    expect((await invoke(http.start, apiEvent(routes.start))).status).toBe(200);
    for (const id of ['known', 'other', 'third']) {
      expect((await invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: id }, body: channelBody() }))).status).toBe(201);
    }
    expect((await invoke(http.createVideo, apiEvent(routes.createVideo, { body: { ...videoBody, video_id: 'known-video' } }))).status).toBe(201);
    const page = await invoke(http.listChannels, apiEvent(routes.listChannels, { query: { limit: '1' } }));
    channelsCursor = page.body.next_cursor;
    expect(channelsCursor).toEqual(expect.any(String));
  });
  afterAll(async () => {
    await dynamo.close();
  });

  const calls: BadCall[] = [
    // Bodies
    { what: 'malformed JSON', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: '{"title": "x",', headers: key('1') }), status: 400, code: 'invalid_json', fields: ['body:$'] },
    { what: 'a JSON string instead of an object', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: '"just a title"', headers: key('2') }), status: 400, code: 'validation_failed', fields: ['body:$'] },
    {
      what: 'wrong types in a video',
      handler: 'createVideo',
      event: () => apiEvent(routes.createVideo, { body: { title: 5, tags: 'cats', duration_seconds: -1, source_url: 'ftp://x' }, headers: key('3') }),
      status: 400,
      code: 'validation_failed',
      fields: ['body:title', 'body:tags', 'body:duration_seconds', 'body:source_url'],
    },
    {
      what: 'wrong types in a channel',
      handler: 'putChannel',
      event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' }, body: channelBody({ name: 42, priority: 'high', status: 'on', publishing: { timezone: 'Nowhere/City' } }) }),
      status: 400,
      code: 'validation_failed',
      fields: ['body:name', 'body:priority', 'body:status', 'body:publishing.timezone'],
    },
    {
      what: 'unknown fields',
      handler: 'putChannel',
      event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' }, body: channelBody({ colour: 'red', github: { owner: 'acme', repo: 'r', workflow: 'p.yml', token: 'x' } }) }),
      status: 400,
      code: 'validation_failed',
      fields: ['body:colour', 'body:github.token'],
    },
    { what: 'an unknown field in a video', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: { ...videoBody, views: 10 }, headers: key('4') }), status: 400, code: 'validation_failed', fields: ['body:views'] },
    { what: 'a __proto__ field', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: '{"title":"t","__proto__":{"status":"published"}}', headers: key('5') }), status: 400, code: 'validation_failed', fields: ['body:__proto__'] },
    { what: 'inconsistent filters', handler: 'putChannel', event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' }, body: channelBody({ filters: { min_duration_seconds: 100, max_duration_seconds: 10 } }) }), status: 400, code: 'validation_failed', fields: ['body:filters.min_duration_seconds'] },
    {
      what: 'a channel config nested 5,000 levels deep (well under 256 KB)',
      handler: 'putChannel',
      event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' }, body: `{"name":"Deep","config":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}` }),
      status: 400,
      code: 'validation_failed',
      fields: ['body:$'],
    },
    {
      what: 'a video body nested 5,000 arrays deep',
      handler: 'createVideo',
      event: () => apiEvent(routes.createVideo, { body: `{"title":"Deep","tags":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, headers: key('13') }),
      status: 400,
      code: 'validation_failed',
      fields: ['body:$'],
    },
    { what: 'a video body over 256 KB', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: { ...videoBody, title: huge }, headers: key('6') }), status: 413, code: 'payload_too_large' },
    { what: 'a channel body over 256 KB', handler: 'putChannel', event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' }, body: channelBody({ config: { blob: huge } }) }), status: 413, code: 'payload_too_large' },
    { what: 'a text/plain body', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: videoBody, headers: { ...key('7'), 'content-type': 'text/plain' } }), status: 415, code: 'unsupported_media_type' },
    { what: 'a form-encoded channel body', handler: 'putChannel', event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' }, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), status: 415, code: 'unsupported_media_type' },
    { what: 'a POST without the body it needs', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { headers: key('8') }), status: 400, code: 'body_required', fields: ['body:$'] },
    { what: 'a PUT without a body', handler: 'putChannel', event: () => apiEvent(routes.putChannel, { params: { channel_id: 'known' } }), status: 400, code: 'body_required', fields: ['body:$'] },
    { what: 'a control POST (stop) with a body', handler: 'stop', event: () => apiEvent(routes.stop, { body: { force: true }, headers: key('9') }), status: 400, code: 'body_not_allowed', fields: ['body:$'] },
    { what: 'a control POST (pause) with a text body', handler: 'pause', event: () => apiEvent(routes.pause, { body: 'now please', headers: key('10') }), status: 400, code: 'body_not_allowed', fields: ['body:$'] },
    { what: 'a control POST (stop) with a text/plain body', handler: 'stop', event: () => apiEvent(routes.stop, { body: 'stop', headers: { ...key('14'), 'content-type': 'text/plain' } }), status: 415, code: 'unsupported_media_type' },
    { what: 'a control POST (stop) with a form-encoded {}', handler: 'stop', event: () => apiEvent(routes.stop, { body: '{}', headers: { ...key('15'), 'content-type': 'application/x-www-form-urlencoded' } }), status: 415, code: 'unsupported_media_type' },
    // Paths
    { what: 'a channel id with spaces', handler: 'getChannel', event: () => apiEvent(routes.getChannel, { params: { channel_id: 'not an id' } }), status: 400, code: 'validation_failed', fields: ['path:channel_id'] },
    { what: 'a PUT to a channel id over 64 characters (a valid body)', handler: 'putChannel', event: () => apiEvent(routes.putChannel, { params: { channel_id: 'c'.repeat(65) }, body: channelBody() }), status: 400, code: 'validation_failed', fields: ['path:channel_id'] },
    { what: 'a DELETE of a channel id with a slash', handler: 'deleteChannel', event: () => apiEvent(routes.deleteChannel, { params: { channel_id: 'a/b' } }), status: 400, code: 'validation_failed', fields: ['path:channel_id'] },
    { what: 'a video id with a quote', handler: 'getVideo', event: () => apiEvent(routes.getVideo, { params: { video_id: "it's" } }), status: 400, code: 'validation_failed', fields: ['path:video_id'] },
    // Unknown ids
    { what: 'an unknown channel (GET)', handler: 'getChannel', event: () => apiEvent(routes.getChannel, { params: { channel_id: 'ghost' } }), status: 404, code: 'channel_not_found' },
    { what: 'an unknown channel (DELETE ?force=true)', handler: 'deleteChannel', event: () => apiEvent(routes.deleteChannel, { params: { channel_id: 'ghost' }, query: { force: 'true' } }), status: 404, code: 'channel_not_found' },
    { what: 'an unknown video', handler: 'getVideo', event: () => apiEvent(routes.getVideo, { params: { video_id: 'ghost' } }), status: 404, code: 'video_not_found' },
    // State conflicts
    { what: 'a video id that exists', handler: 'createVideo', event: () => apiEvent(routes.createVideo, { body: { ...videoBody, video_id: 'known-video' }, headers: key('11') }), status: 409, code: 'video_exists' },
    // Queries
    { what: 'limit=0', handler: 'listChannels', event: () => apiEvent(routes.listChannels, { query: { limit: '0' } }), status: 400, code: 'validation_failed', fields: ['query:limit'] },
    { what: 'limit=abc', handler: 'listVideos', event: () => apiEvent(routes.listVideos, { query: { limit: 'abc' } }), status: 400, code: 'validation_failed', fields: ['query:limit'] },
    { what: 'an unknown query parameter', handler: 'listActivity', event: () => apiEvent(routes.listActivity, { query: { since: 'yesterday' } }), status: 400, code: 'validation_failed', fields: ['query:since'] },
    { what: 'an unknown activity type', handler: 'listActivity', event: () => apiEvent(routes.listActivity, { query: { type: 'system.exploded' } }), status: 400, code: 'validation_failed', fields: ['query:type'] },
    { what: 'force=maybe on DELETE', handler: 'deleteChannel', event: () => apiEvent(routes.deleteChannel, { params: { channel_id: 'known' }, query: { force: 'maybe' } }), status: 400, code: 'validation_failed', fields: ['query:force'] },
    { what: 'a query on a control POST', handler: 'start', event: () => apiEvent(routes.start, { query: { now: '1' }, headers: key('12') }), status: 400, code: 'validation_failed', fields: ['query:now'] },
    // Cursors
    { what: 'a garbage cursor', handler: 'listChannels', event: () => apiEvent(routes.listChannels, { query: { cursor: 'not-a-cursor' } }), status: 400, code: 'invalid_cursor', fields: ['query:cursor'] },
    { what: "the channel list's cursor on the video list", handler: 'listVideos', event: () => apiEvent(routes.listVideos, { query: { cursor: channelsCursor } }), status: 400, code: 'invalid_cursor', fields: ['query:cursor'] },
    { what: "the channel list's cursor on the activity list", handler: 'listActivity', event: () => apiEvent(routes.listActivity, { query: { cursor: channelsCursor } }), status: 400, code: 'invalid_cursor', fields: ['query:cursor'] },
    {
      what: 'a forged activity cursor naming month 00',
      handler: 'listActivity',
      event: () => apiEvent(routes.listActivity, { query: { cursor: encodeCursor(activityListScope({}), { month: '2026-00', after: '0' }) } }),
      status: 400,
      code: 'invalid_cursor',
      fields: ['query:cursor'],
    },
  ];

  for (const call of calls) {
    it(`answers ${call.status} ${call.code} to ${call.what}, and changes nothing`, { timeout: 10_000 }, async () => {
      // Prepare
      const before = await snapshotTable(table);

      // Act
      const answer = await invoke(http[call.handler], call.event());

      // Assess
      expect(answer.status).toBe(call.status);
      expect(answer.body).toEqual({ error: { code: call.code, message: expect.any(String), details: expect.any(Object) } });
      if (call.fields) {
        const named = (answer.body.error.details.fields as { field: string; in: string }[]).map((f) => `${f.in}:${f.field}`);
        expect(named.sort()).toEqual([...call.fields].sort());
      }
      expect(await snapshotTable(table)).toEqual(before);
    });
  }

  it("a channel page's own cursor still works (the refusals above are about foreign cursors)", async () => {
    // Act
    const answer = await invoke(http.listChannels, apiEvent(routes.listChannels, { query: { limit: '1', cursor: channelsCursor } }));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((c: { channel_id: string }) => c.channel_id)).toEqual(['other']);
  });
});
