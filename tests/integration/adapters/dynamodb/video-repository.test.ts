import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoVideoRepository } from '#shared/adapters/dynamodb/video-repository';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { useTablePerTest } from '#tests/helpers/embedded-table';
import { video } from '#tests/helpers/sample-entities';

const minute = (n: number) => new Date(Date.UTC(2026, 2, 15, 12, n)).toISOString();

describe('Class: DynamoVideoRepository', () => {
  let table: EmbeddedTable;
  let videos: DynamoVideoRepository;

  useTablePerTest((created) => {
    table = created;
    videos = new DynamoVideoRepository(table);
  });

  describe('Method: create', () => {
    it('stores a new video and reads it back whole', async () => {
      // Prepare
      const v = video('yt-1', minute(0), { language: null, category: null, duration_seconds: null, source_url: null, tags: [] });

      // Act
      const created = await videos.create(v);

      // Assess
      expect(created).toBe(true);
      expect(await videos.get('yt-1')).toEqual(v);
    });

    it('creates only when absent: a second video under the same id is refused and the first stays', async () => {
      // Prepare
      const original = video('yt-1', minute(0), { title: 'Original' });
      await videos.create(original);

      // Act
      const created = await videos.create(video('yt-1', minute(5), { title: 'Impostor' }));

      // Assess
      expect(created).toBe(false);
      expect(await videos.get('yt-1')).toEqual(original);
    });

    it('lets exactly one of concurrent creates of one id win', async () => {
      // Act
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => videos.create(video('race', minute(i), { title: `T${i}` }))));

      // Assess
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('Method: getMany', () => {
    it('reads many at once, leaving missing ids out', async () => {
      // Prepare
      await videos.create(video('a', minute(0)));
      await videos.create(video('b', minute(1)));

      // Act
      const found = await videos.getMany(['a', 'b', 'missing']);

      // Assess
      expect([...found.keys()].sort()).toEqual(['a', 'b']);
    });
  });

  describe('Method: list', () => {
    beforeEach(async () => {
      // Created out of id order; every other one archived.
      for (const [i, id] of ['m', 'c', 'x', 'a', 'q', 'b', 'z'].entries()) {
        await videos.create(video(id, minute(i), { status: i % 2 === 1 ? 'archived' : 'available' }));
      }
    });

    it('lists newest first across pages, none missing, none twice', async () => {
      // Act
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await videos.list({ limit: 3, cursor });
        ids.push(...page.items.map((v) => v.video_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);

      // Assess
      expect(ids).toEqual(['z', 'b', 'q', 'a', 'x', 'c', 'm']);
    });

    it('lists one status through its index, newest first', async () => {
      // Act
      const available = await videos.list({ limit: 10, status: 'available' });
      const archived = await videos.list({ limit: 10, status: 'archived' });

      // Assess
      expect(available.items.map((v) => v.video_id)).toEqual(['z', 'q', 'x', 'm']);
      expect(archived.items.map((v) => v.video_id)).toEqual(['b', 'a', 'c']);
      expect(available.next_cursor).toBeNull();
    });

    it("refuses the all-videos list's cursor on a status list", async () => {
      // Prepare
      const cursor = (await videos.list({ limit: 2 })).next_cursor ?? undefined;

      // Act
      const error = await videos.list({ limit: 2, status: 'available', cursor }).catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({ code: 'invalid_cursor' });
    });
  });
});
