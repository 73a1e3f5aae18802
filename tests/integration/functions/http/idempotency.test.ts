import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idempotencyKeys } from '#shared/adapters/dynamodb/keys';
import { routes } from '#shared/routes';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';
import type { EmbeddedDynamo, EmbeddedTable } from '#tests/helpers/embedded-table';
import { snapshotTable, startEmbeddedDynamo } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { InMemoryTriggerQueue } from '#tests/helpers/in-memory-ports';

const videoBody = { title: 'Cats at play', tags: ['cats'], language: 'en' };

/** SPEC "Everywhere": POST endpoints honour an Idempotency-Key header for 24 hours. */
describe('Handlers: Idempotency-Key on POST', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let http: Handlers;
  let keyCount = 0;
  let key: string;

  /** `null`: no Idempotency-Key header at all. */
  const withKey = (k: string | null): Record<string, string> => (k === null ? {} : { 'Idempotency-Key': k });
  const createVideo = (body: unknown, k: string | null = key) => invoke(http.createVideo, apiEvent(routes.createVideo, { body, headers: withKey(k) }));
  const control = (command: 'start' | 'stop', k: string | null = key) => invoke(http[command], apiEvent(routes[command], { headers: withKey(k) }));

  async function systemEntries(): Promise<number> {
    const answer = await invoke(http.listActivity, apiEvent(routes.listActivity, { query: { limit: '100' } }));
    return (answer.body.items as { type: string }[]).filter((e) => e.type.startsWith('system.')).length;
  }
  async function videoIds(): Promise<string[]> {
    const answer = await invoke(http.listVideos, apiEvent(routes.listVideos, { query: { limit: '100' } }));
    return (answer.body.items as { video_id: string }[]).map((v) => v.video_id);
  }
  async function idempotencyRecords(): Promise<number> {
    const { Items } = await table.doc.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': idempotencyKeys.partition }, ConsistentRead: true }),
    );
    return Items?.length ?? 0;
  }

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    http = await bootHandlers(table, { triggerQueue: new InMemoryTriggerQueue() });
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    keyCount += 1;
    key = `key-${keyCount}-${Date.now()}`;
    expect((await control('stop', null)).status).toBe(200);
  });

  it('replays the first response of POST /start byte for byte, marked idempotent-replayed, and writes nothing more', async () => {
    // Prepare
    const entriesBefore = await systemEntries();
    const first = await control('start');
    expect(first).toMatchObject({ status: 200, body: { changed: true } });
    const after = await snapshotTable(table);

    // Act
    const replay = await control('start');

    // Assess
    expect(replay.status).toBe(first.status);
    expect(replay.raw).toBe(first.raw);
    expect(replay.headers).toEqual({ ...first.headers, 'idempotent-replayed': 'true' });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await snapshotTable(table)).toEqual(after);
    expect(await systemEntries()).toBe(entriesBefore + 1);
  });

  it('replays the first response of POST /videos (same generated id) and creates no second video', async () => {
    // Prepare
    const first = await createVideo(videoBody);
    expect(first.status).toBe(201);
    const videosAfterFirst = await videoIds();

    // Act
    const replays = await Promise.all([createVideo(videoBody), createVideo({ ...videoBody })]);

    // Assess
    for (const replay of replays) {
      expect(replay.status).toBe(201);
      expect(replay.raw).toBe(first.raw);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    expect(await videoIds()).toEqual(videosAfterFirst);
  });

  it('treats the same body with different key order and spacing as the same request', async () => {
    // Prepare
    const first = await createVideo('{"title":"Spaced","tags":["a","b"]}');

    // Act
    const replay = await createVideo('{ "tags": ["a", "b"],   "title": "Spaced" }');

    // Assess
    expect(replay.raw).toBe(first.raw);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the same key with a different body as 422 idempotency_key_reused, writing nothing', async () => {
    // Prepare
    await createVideo(videoBody);
    const before = await snapshotTable(table);

    // Act
    const reused = await createVideo({ ...videoBody, title: 'Something else' });

    // Assess
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', details: { header: 'Idempotency-Key' } });
    expect(await snapshotTable(table)).toEqual(before);
  });

  it('keeps replaying the first response after a refused reuse of its key', async () => {
    // Prepare
    const first = await createVideo(videoBody);
    expect((await createVideo({ ...videoBody, title: 'Something else' })).status).toBe(422);
    const videos = await videoIds();

    // Act
    const replay = await createVideo(videoBody);

    // Assess
    expect(replay.raw).toBe(first.raw);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await videoIds()).toEqual(videos);
  });

  it('runs concurrent duplicates once: the others replay it or are told it is in progress (409), never run it again', async () => {
    // Prepare
    const videosBefore = (await videoIds()).length;

    // Act
    const answers = await Promise.all(Array.from({ length: 6 }, () => createVideo(videoBody)));
    const later = await createVideo(videoBody);

    // Assess
    const created = answers.filter((a) => a.status === 201);
    const inProgress = answers.filter((a) => a.status === 409);
    expect(created.length + inProgress.length).toBe(answers.length);
    expect(new Set(created.map((a) => a.raw)).size).toBe(1);
    for (const a of inProgress) expect(a.body.error).toMatchObject({ code: 'idempotency_in_progress', details: { retryable: true } });
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect((await videoIds()).length).toBe(videosBefore + 1);
    if (created[0]) expect(later.raw).toBe(created[0].raw);
  });

  it('does not deduplicate a POST without the header', async () => {
    // Prepare
    const records = await idempotencyRecords();

    // Act
    const first = await createVideo(videoBody, null);
    const second = await createVideo(videoBody, null);

    // Assess
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.video_id).not.toBe(first.body.video_id);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await idempotencyRecords()).toBe(records);
  });

  it('keeps one key apart on two routes: /start then /stop with the same key both run', async () => {
    // Act
    const started = await control('start');
    const stopped = await control('stop');

    // Assess
    expect(started.body).toMatchObject({ status: 'running', changed: true });
    expect(stopped.body).toMatchObject({ status: 'stopped', previous: 'running', changed: true });
    expect(stopped.headers['idempotent-replayed']).toBeUndefined();
  });

  it('does not store a refused request: after a 409 the same key runs again once the state allows it', async () => {
    // Prepare: pause while stopped is refused
    const refused = await invoke(http.pause, apiEvent(routes.pause, { headers: withKey(key) }));
    expect(refused.status).toBe(409);
    await control('start', null);

    // Act
    const retried = await invoke(http.pause, apiEvent(routes.pause, { headers: withKey(key) }));

    // Assess
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'paused', changed: true });
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });
});
