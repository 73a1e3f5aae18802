import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullPath, routeList } from '#shared/routes';
import { LocalServer, type ApiResponse } from '#tests/helpers/local-server';

/** The registry, the refusal of bad input and the OpenAPI document, over HTTP against one `npm start`. */
let api: LocalServer;

beforeAll(async () => {
  api = await LocalServer.start();
});
afterAll(async () => {
  await api?.stop();
});

const channelDefinition = (name: string) => ({
  name,
  priority: 7,
  publishing: { timezone: 'Europe/Paris', slots: ['18:00', '09:30'], min_gap_minutes: 60, max_per_day: 4 },
  filters: { tags_any: ['music'] },
  config: { theme: 'dark' },
});

const given = {
  aChannel: async (channelId: string, name = `Channel ${channelId}`) => {
    const response = await api.request('PUT', `/channels/${channelId}`, { body: channelDefinition(name) });
    expect([200, 201], JSON.stringify(response.body)).toContain(response.status);
    return response.body;
  },
  /** What bad input must leave untouched: the system state, a channel and the audit trail. */
  aSnapshotOfTheState: async (channelId: string) => ({
    status: (await api.request('GET', '/status')).body,
    channel: (await api.request('GET', `/channels/${channelId}`)).body,
    channels: (await api.request('GET', '/channels?limit=100')).body,
    activity: (await api.request('GET', '/activity?limit=100')).body,
  }),
};

const when = {
  wePutAChannel: (channelId: string, body: unknown) => api.request('PUT', `/channels/${channelId}`, { body }),
  weGetAChannel: (channelId: string) => api.request('GET', `/channels/${channelId}`),
  weDeleteAChannel: (channelId: string) => api.request('DELETE', `/channels/${channelId}`),
  weWalkTheChannelPages: async (limit: number) => {
    const pages: ApiResponse[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await api.request('GET', `/channels?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      pages.push(page);
      cursor = page.body.next_cursor;
    } while (cursor && pages.length < 50);
    return pages;
  },
  weAddAVideo: (body: unknown, headers: Record<string, string> = {}) => api.request('POST', '/videos', { body, headers }),
  weSend: (method: string, path: string, rawBody?: string) => api.request(method, path, rawBody === undefined ? {} : { rawBody }),
};

const then = {
  itIsRefused: (response: ApiResponse, status: number, code: string) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.error.code).toBe(code);
  },
  theFieldsAtFaultAre: (response: ApiResponse, fields: string[]) => {
    expect((response.body.error.details.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
  },
};

describe('Local server: channels', () => {
  it('creates (201), replaces (200), reads and deletes a channel', async () => {
    // When
    const created = await when.wePutAChannel('news-fr', channelDefinition('News FR'));
    const replaced = await when.wePutAChannel('news-fr', { ...channelDefinition('Nouvelles'), status: 'paused' });
    const read = await when.weGetAChannel('news-fr');
    const deleted = await when.weDeleteAChannel('news-fr');
    const afterDelete = await when.weGetAChannel('news-fr');

    // Then
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel_id: 'news-fr',
      name: 'News FR',
      status: 'active',
      priority: 7,
      github: null,
      publishing: { timezone: 'Europe/Paris', slots: ['09:30', '18:00'], min_gap_minutes: 60, max_per_day: 4 },
      filters: { tags_any: ['music'], tags_none: [] },
      config: { theme: 'dark' },
      version: 1,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'Nouvelles', status: 'paused', version: 2 });
    expect(read.body).toEqual(replaced.body);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ channel_id: 'news-fr', deleted: true, cancelled_publications: 0 });
    then.itIsRefused(afterDelete, 404, 'channel_not_found');
  });

  it('pages through GET /channels with the cursor, in id order, each channel once', async () => {
    // Given
    const ids = ['page-01', 'page-02', 'page-03', 'page-04', 'page-05'];
    for (const id of ids) await given.aChannel(id);

    // When
    const pages = await when.weWalkTheChannelPages(2);

    // Then
    const walked = pages.flatMap((p) => (p.body.items as { channel_id: string }[]).map((c) => c.channel_id));
    const all = (await api.request('GET', '/channels?limit=100')).body.items.map((c: { channel_id: string }) => c.channel_id);
    expect(pages.every((p) => p.body.items.length <= 2)).toBe(true);
    expect(pages.at(-1)?.body.next_cursor).toBeNull();
    expect(walked).toEqual(all);
    expect(walked).toEqual([...walked].sort());
    expect(walked).toEqual(expect.arrayContaining(ids));
    expect(new Set(walked).size).toBe(walked.length);
  });
});

describe('Local server: videos', () => {
  it('adds videos (201; an existing id is 409), lists them newest first and reads one', async () => {
    // When
    const added = await when.weAddAVideo({ video_id: 'vid-001', title: 'First cut', tags: ['music'], language: 'fr', duration_seconds: 95 });
    const duplicate = await when.weAddAVideo({ video_id: 'vid-001', title: 'Again' });
    const generated = await when.weAddAVideo({ title: 'No id of its own' });
    const list = await api.request('GET', '/videos?limit=100');
    const one = await api.request('GET', '/videos/vid-001');
    const unknown = await api.request('GET', '/videos/vid-unknown');

    // Then
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ video_id: 'vid-001', title: 'First cut', tags: ['music'], language: 'fr', status: 'available' });
    then.itIsRefused(duplicate, 409, 'video_exists');
    expect(generated.status).toBe(201);
    expect(generated.body.video_id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    const listed = (list.body.items as { video_id: string }[]).map((v) => v.video_id);
    expect(listed.indexOf(generated.body.video_id)).toBeLessThan(listed.indexOf('vid-001'));
    expect(list.body.next_cursor).toBeNull();
    expect(one.body).toEqual(added.body);
    then.itIsRefused(unknown, 404, 'video_not_found');
  });

  it('answers a POST repeated with its Idempotency-Key with the first response, and refuses the key with another body', async () => {
    // Given
    const video = { video_id: 'vid-idem', title: 'Sent twice' };

    // When
    const first = await when.weAddAVideo(video, { 'idempotency-key': 'e2e-video-1' });
    const replay = await when.weAddAVideo(video, { 'idempotency-key': 'e2e-video-1' });
    const reused = await when.weAddAVideo({ ...video, title: 'Something else' }, { 'idempotency-key': 'e2e-video-1' });

    // Then
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    then.itIsRefused(reused, 422, 'idempotency_key_reused');
  });
});

describe('Local server: bad input', () => {
  it('refuses each bad request with a 4xx naming the problem, and changes nothing', async () => {
    // Given
    await given.aChannel('stable-1', 'Stable');
    const before = await given.aSnapshotOfTheState('stable-1');

    // When
    const malformed = await when.weSend('PUT', '/channels/stable-1', '{"name": "Half');
    const unknownField = await when.wePutAChannel('stable-1', { name: 'Stable', colour: 'red' });
    const tooLarge = await when.wePutAChannel('stable-1', { name: 'Stable', config: { blob: 'x'.repeat(300 * 1024) } });
    const spaceInId = await when.wePutAChannel('has%20space', { name: 'Spaced' });
    const unknownChannel = await when.weGetAChannel('no-such-channel');
    const bodyOnControl = await when.weSend('POST', '/start', '{"force": true}');
    const unknownRoute = await when.weSend('GET', '/no-such-route');
    const wrongMethod = await when.weSend('PATCH', '/channels/stable-1');

    // Then
    then.itIsRefused(malformed, 400, 'invalid_json');
    then.itIsRefused(unknownField, 400, 'validation_failed');
    then.theFieldsAtFaultAre(unknownField, ['colour']);
    then.itIsRefused(tooLarge, 413, 'payload_too_large');
    then.itIsRefused(spaceInId, 400, 'validation_failed');
    then.theFieldsAtFaultAre(spaceInId, ['channel_id']);
    then.itIsRefused(unknownChannel, 404, 'channel_not_found');
    then.itIsRefused(bodyOnControl, 400, 'body_not_allowed');
    then.itIsRefused(unknownRoute, 404, 'route_not_found');
    then.itIsRefused(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('DELETE, GET, PUT');
    expect(await given.aSnapshotOfTheState('stable-1')).toEqual(before);
  });
});

describe('Local server: OpenAPI', () => {
  it('serves an OpenAPI 3.1 document listing every route of the route table', async () => {
    // When
    const { status, body } = await api.request('GET', '/openapi.json');

    // Then
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(body.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`),
    );
    expect(documented.sort()).toEqual(routeList.map((route) => `${route.method} ${fullPath(route)} ${route.id}`).sort());
  });
});
