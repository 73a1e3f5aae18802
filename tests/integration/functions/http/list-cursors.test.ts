import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteId } from '#shared/routes';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

/**
 * Every cursor the API returns is bound to the list and the filters it was
 * made for: reused on another list, or on the same list with other filters,
 * it is 400 invalid_cursor naming query.cursor; reused where it belongs (even
 * with another limit), it pages to the end with every item once.
 */
describe('List cursors (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock('2026-09-01T10:00:00.000Z');
  const videos = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5'];

  /** The first page of a list with `query`, which must carry a cursor. */
  async function firstCursor(route: RouteId, query: Record<string, string>): Promise<string> {
    const page = await api.call(route, { query: { limit: '2', ...query } });
    expect(page.status).toBe(200);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    return page.body.next_cursor as string;
  }

  /** Every item of a list, following next_cursor with `limits` in turn (the last one repeats). */
  async function walk(route: RouteId, query: Record<string, string>, limits: number[]): Promise<{ items: any[]; pages: number }> {
    const items: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const limit = limits[Math.min(pages, limits.length - 1)] as number;
      const page = await api.call(route, { query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) } });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.body.items);
      cursor = page.body.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    return { items, pages };
  }

  function expectInvalidCursor(answer: { status: number; body: any }): void {
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'invalid_cursor',
      message: expect.any(String),
      details: { fields: [{ field: 'cursor', in: 'query', message: expect.any(String) }] },
    });
  }

  beforeAll(async () => {
    table = await embeddedTable('cursors');
    api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: new RecordingTriggerQueue() });
    for (const id of ['alpha', 'beta']) {
      expect((await api.call('putChannel', { params: { channel_id: id }, body: { name: id } })).status).toBe(201);
    }
    expect((await api.call('putChannel', { params: { channel_id: 'gamma' }, body: { name: 'gamma', status: 'paused' } })).status).toBe(201);
    for (const id of videos) expect((await api.call('createVideo', { body: { video_id: id, title: id } })).status).toBe(201);
    expect((await api.call('start')).status).toBe(200);
    // Six publications on each of alpha and beta, staggered an hour apart.
    const wave = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: ['alpha', 'beta'], wave_config: { timing: 'staggered', delay_seconds: 3600, scheduled_at: '2026-09-02T00:00:00Z' } },
    });
    expect(wave.status).toBe(201);
  });
  afterAll(async () => table.close());

  describe('GET /publications', () => {
    it("refuses channel alpha's cursor on channel beta's list", async () => {
      // Prepare
      const cursor = await firstCursor('listPublications', { channel_id: 'alpha' });

      // Act
      const answer = await api.call('listPublications', { query: { channel_id: 'beta', limit: '2', cursor } });

      // Assess
      expectInvalidCursor(answer);
    });

    it("refuses status=scheduled's cursor with status=held, and on the unfiltered list", async () => {
      // Prepare
      const cursor = await firstCursor('listPublications', { status: 'scheduled' });

      // Act
      const held = await api.call('listPublications', { query: { status: 'held', cursor } });
      const unfiltered = await api.call('listPublications', { query: { cursor } });

      // Assess
      expectInvalidCursor(held);
      expectInvalidCursor(unfiltered);
    });

    it('refuses a cursor made for one time window in another, and takes the same instants in another spelling', async () => {
      // Prepare
      const cursor = await firstCursor('listPublications', { from: '2026-09-02T00:00:00Z', to: '2026-09-03T00:00:00Z' });

      // Act
      const otherWindow = await api.call('listPublications', { query: { from: '2026-09-02T00:00:00Z', to: '2026-09-04T00:00:00Z', cursor } });
      const sameWindow = await api.call('listPublications', { query: { from: '2026-09-02T02:00:00+02:00', to: '2026-09-03T00:00:00.000Z', limit: '2', cursor } });

      // Assess
      expectInvalidCursor(otherWindow);
      expect(sameWindow.status).toBe(200);
      expect(sameWindow.body.items).toHaveLength(2);
    });

    it('refuses a publications cursor on /activity', async () => {
      // Prepare
      const cursor = await firstCursor('listPublications', {});

      // Act
      const answer = await api.call('listActivity', { query: { cursor } });

      // Assess
      expectInvalidCursor(answer);
    });

    it("pages a channel's scheduled publications to the end with its own cursor, whatever the limit of each page", async () => {
      // Act
      const walked = await walk('listPublications', { channel_id: 'alpha', status: 'scheduled' }, [2, 3, 1]);

      // Assess
      const ids = walked.items.map((p) => p.publication_id);
      expect(walked.items).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      expect(walked.items.every((p) => p.channel_id === 'alpha' && p.status === 'scheduled')).toBe(true);
      expect(walked.items.map((p) => p.scheduled_at)).toEqual(videos.map((_, k) => `2026-09-02T0${k}:00:00.000Z`));
      expect(walked.pages).toBeGreaterThan(2);
    });
  });

  describe('GET /activity', () => {
    it("refuses a type's cursor without the type, and one channel's cursor on another channel", async () => {
      // Prepare
      const typed = await firstCursor('listActivity', { type: 'channel.created' });
      const channel = (await api.call('listActivity', { query: { channel_id: 'alpha', limit: '1' } })).body.next_cursor as string;
      expect(channel).toEqual(expect.any(String));

      // Act
      const untyped = await api.call('listActivity', { query: { cursor: typed } });
      const otherChannel = await api.call('listActivity', { query: { channel_id: 'beta', cursor: channel } });

      // Assess
      expectInvalidCursor(untyped);
      expectInvalidCursor(otherChannel);
    });

    it('pages the channel.created entries to the end with their own cursor', async () => {
      // Act
      const walked = await walk('listActivity', { type: 'channel.created' }, [1]);

      // Assess
      expect(walked.items.map((e) => e.target.id).sort()).toEqual(['alpha', 'beta', 'gamma']);
    });
  });

  describe('GET /channels and GET /videos', () => {
    it("refuses status=active's channel cursor without the filter, and a channel cursor on /videos", async () => {
      // Prepare
      const cursor = (await api.call('listChannels', { query: { status: 'active', limit: '1' } })).body.next_cursor as string;
      expect(cursor).toEqual(expect.any(String));

      // Act
      const unfiltered = await api.call('listChannels', { query: { cursor } });
      const onVideos = await api.call('listVideos', { query: { cursor } });

      // Assess
      expectInvalidCursor(unfiltered);
      expectInvalidCursor(onVideos);
    });

    it("refuses status=assigned's video cursor with status=available", async () => {
      // Prepare
      const cursor = await firstCursor('listVideos', { status: 'assigned' });

      // Act
      const answer = await api.call('listVideos', { query: { status: 'available', cursor } });

      // Assess
      expectInvalidCursor(answer);
    });

    it('pages the active channels and the assigned videos to the end with their own cursors', async () => {
      // Act
      const channels = await walk('listChannels', { status: 'active' }, [1]);
      const assigned = await walk('listVideos', { status: 'assigned' }, [4, 1]);

      // Assess
      expect(channels.items.map((c) => c.channel_id)).toEqual(['alpha', 'beta']);
      expect(assigned.items.map((v) => v.video_id).sort()).toEqual(videos);
    });
  });
});
