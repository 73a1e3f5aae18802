import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchWrite } from '#shared/adapters/dynamodb/batch';
import { publicationKeys } from '#shared/adapters/dynamodb/keys';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { routes } from '#shared/routes';
import { apiEvent, invoke, TEST_ACTOR } from '#tests/helpers/api-gateway-event';
import type { EmbeddedDynamo, EmbeddedTable } from '#tests/helpers/embedded-table';
import { snapshotTable, startEmbeddedDynamo } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { channelBody, publication } from '#tests/helpers/sample-entities';

/** PUT/GET/DELETE /channels/{channel_id} and GET /channels through the middy stack against dynalite. */
describe('Handlers: channels', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let http: Handlers;

  const put = (id: string, body: unknown = channelBody()) => invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: id }, body }));
  const get = (id: string) => invoke(http.getChannel, apiEvent(routes.getChannel, { params: { channel_id: id } }));
  const remove = (id: string, query?: Record<string, string>) =>
    invoke(http.deleteChannel, apiEvent(routes.deleteChannel, { params: { channel_id: id }, ...(query ? { query } : {}) }));
  const activityOf = async (id: string) =>
    (await invoke(http.listActivity, apiEvent(routes.listActivity, { query: { channel_id: id, limit: '100' } }))).body.items as Record<string, any>[];

  /** A publication of `channelId` stored as the publication repository stores it (keys from keys.ts). */
  async function seedPublication(channelId: string, status: 'scheduled' | 'held' | 'succeeded', videoId: string) {
    const p = publication({
      channel_id: channelId,
      video_id: videoId,
      status,
      group_id: 'coord_01J0000000000000000000SEED',
      slot_id: 'coord_01J0000000000000000000SEED-20990101T090000Z',
      scheduled_at: '2099-01-01T09:00:00.000Z',
    });
    await batchWrite(table.doc, table.tableName, [{ PutRequest: { Item: { ...publicationKeys.item(p), entity: 'publication', ...p } } }]);
    return p;
  }

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    http = await bootHandlers(table);
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('PUT creates a channel (201), then replaces it (200): version counts writes, created_at stays', async () => {
    // Act
    const created = await put('cats', channelBody({ name: 'Cats' }));
    const replaced = await put('cats', channelBody({ name: 'Cats HD', priority: 8 }));

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel_id: 'cats',
      name: 'Cats',
      version: 1,
      github: { owner: 'acme', repo: 'channel-repo', workflow: 'publish.yml', ref: 'main' },
      publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 60, max_per_day: 4 },
      filters: null,
      config: { theme: 'dark' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'Cats HD', priority: 8, version: 2, created_at: created.body.created_at });
    expect((await get('cats')).body).toEqual(replaced.body);
    expect((await activityOf('cats')).map((e) => [e.type, e.actor])).toEqual([
      ['channel.updated', TEST_ACTOR],
      ['channel.created', TEST_ACTOR],
    ]);
  });

  it("stores and answers a time zone in its canonical spelling, whatever the request's case", async () => {
    // Act
    const created = await put('zones', channelBody({ publishing: { timezone: 'europe/paris' } }));
    const read = await get('zones');
    const replaced = await put('zones', channelBody({ publishing: { timezone: 'utc' } }));
    const listed = await invoke(http.listChannels, apiEvent(routes.listChannels, { query: { limit: '100' } }));

    // Assess
    expect(created.body.publishing.timezone).toBe('Europe/Paris');
    expect(read.body.publishing.timezone).toBe('Europe/Paris');
    expect(replaced.body.publishing.timezone).toBe('UTC');
    expect(listed.body.items.find((c: { channel_id: string }) => c.channel_id === 'zones').publishing.timezone).toBe('UTC');
    expect((await remove('zones')).status).toBe(200);
  });

  it('GET /channels lists them in id order, page by page, and filters by status', async () => {
    // Prepare
    for (const id of ['list-c', 'list-a', 'list-b']) await put(id, channelBody({ status: id === 'list-b' ? 'paused' : 'active' }));

    // Act
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke(http.listChannels, apiEvent(routes.listChannels, { query: { limit: '2', ...(cursor ? { cursor } : {}) } }));
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((c: { channel_id: string }) => c.channel_id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    const paused = await invoke(http.listChannels, apiEvent(routes.listChannels, { query: { status: 'paused' } }));

    // Assess
    expect(ids.filter((id) => id.startsWith('list-'))).toEqual(['list-a', 'list-b', 'list-c']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(paused.body).toEqual({ items: [expect.objectContaining({ channel_id: 'list-b' })], next_cursor: null });
  });

  it('DELETE removes a channel without pending publications; GET is then 404 channel_not_found', async () => {
    // Prepare
    await put('short-lived');

    // Act
    const deleted = await remove('short-lived');
    const after = await get('short-lived');

    // Assess
    expect(deleted).toMatchObject({ status: 200, body: { channel_id: 'short-lived', deleted: true, cancelled_publications: 0 } });
    expect(after.status).toBe(404);
    expect(after.body.error).toMatchObject({ code: 'channel_not_found', details: { channel_id: 'short-lived' } });
    expect((await activityOf('short-lived'))[0]).toMatchObject({ type: 'channel.deleted', details: { forced: false } });
  });

  it('a finished publication does not block DELETE', async () => {
    // Prepare
    await put('finished');
    await seedPublication('finished', 'succeeded', 'some-video');

    // Act
    const deleted = await remove('finished');

    // Assess
    expect(deleted.status).toBe(200);
  });

  it('DELETE is refused with 409 channel_has_pending_publications while publications are pending, changing nothing', async () => {
    // Prepare
    await put('busy');
    await seedPublication('busy', 'scheduled', 'busy-video');
    await seedPublication('busy', 'held', 'busy-video');
    const before = await snapshotTable(table);

    // Act
    const refused = await remove('busy');

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'channel_has_pending_publications',
      message: expect.stringContaining('force=true'),
      details: { channel_id: 'busy', pending_publications: 2 },
    });
    expect(await snapshotTable(table)).toEqual(before);
    expect((await get('busy')).status).toBe(200);
  });

  it('DELETE ?force=true cancels the pending publications and removes the channel', async () => {
    // Prepare
    const video = await invoke(http.createVideo, apiEvent(routes.createVideo, { body: { title: 'For the forced channel', video_id: 'forced-video' } }));
    expect(video.status).toBe(201);
    await put('forced');
    const scheduled = await seedPublication('forced', 'scheduled', 'forced-video');
    const held = await seedPublication('forced', 'held', 'forced-video');
    const publications = new DynamoPublicationRepository(table);

    // Act
    const deleted = await remove('forced', { force: 'true' });

    // Assess
    expect(deleted).toMatchObject({ status: 200, body: { channel_id: 'forced', deleted: true, cancelled_publications: 2 } });
    expect((await get('forced')).status).toBe(404);
    expect(await publications.countPendingForChannel('forced')).toBe(0);
    expect((await publications.get(scheduled.publication_id))?.status).toBe('cancelled');
    expect((await publications.get(held.publication_id))?.status).toBe('cancelled');
    expect((await activityOf('forced'))[0]).toMatchObject({ type: 'channel.deleted', details: { forced: true, cancelled_publications: 2 } });
  });
});
