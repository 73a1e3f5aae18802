import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channelListScope, DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { encodeCursor } from '#shared/adapters/dynamodb/cursor';
import { DynamoVideoRepository } from '#shared/adapters/dynamodb/video-repository';
import { ValidationFailed } from '#shared/domain/errors';
import type { Channel } from '#shared/domain/channel';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { useTablePerTest } from '#tests/helpers/embedded-table';
import { channelDefinition, video } from '#tests/helpers/sample-entities';

const AT = '2026-03-15T12:00:00.000Z';
const LATER = '2026-03-16T08:30:00.000Z';

/** Every page of a list, following next_cursor to the end. */
async function allPages(list: (cursor: string | undefined) => Promise<{ items: Channel[]; next_cursor: string | null }>) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    pages.push(page.items.map((c) => c.channel_id));
    cursor = page.next_cursor ?? undefined;
    if (pages.length > 50) throw new Error('pagination does not end');
  } while (cursor);
  return pages;
}

describe('Class: DynamoChannelRepository', () => {
  let table: EmbeddedTable;
  let channels: DynamoChannelRepository;

  useTablePerTest((created) => {
    table = created;
    channels = new DynamoChannelRepository(table);
  });

  describe('Method: put', () => {
    it('creates a channel at version 1 and reads it back whole', async () => {
      // Prepare
      const definition = channelDefinition({ github: null, filters: { tags_any: ['cats'], tags_none: [], languages: ['en'], categories: [], min_duration_seconds: 10, max_duration_seconds: null } });

      // Act
      const { channel, created } = await channels.put('channel-1', definition, AT);

      // Assess
      const expected: Channel = { ...definition, channel_id: 'channel-1', created_at: AT, updated_at: AT, version: 1 };
      expect(created).toBe(true);
      expect(channel).toEqual(expected);
      expect(await channels.get('channel-1')).toEqual(expected);
    });

    it('replaces a channel: version 2, created_at kept, updated_at moved', async () => {
      // Prepare
      await channels.put('channel-1', channelDefinition({ name: 'Before' }), AT);

      // Act
      const { channel, created } = await channels.put('channel-1', channelDefinition({ name: 'After', status: 'paused' }), LATER);

      // Assess
      expect(created).toBe(false);
      expect(channel).toMatchObject({ name: 'After', status: 'paused', version: 2, created_at: AT, updated_at: LATER });
      expect(await channels.get('channel-1')).toEqual(channel);
    });

    it('keeps a config DynamoDB could not store natively (deep nesting, extreme numbers) intact', async () => {
      // Prepare
      let deep: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 40; i++) deep = { [`level${i}`]: deep };
      const config = { deep, tiny: 1e-200, huge: 1.7976931348623157e308, empty: '', list: [] };

      // Act
      await channels.put('channel-1', channelDefinition({ config }), AT);

      // Assess
      expect((await channels.get('channel-1'))?.config).toEqual(config);
    });
  });

  describe('Method: get / getMany / delete', () => {
    it('answers null for an unknown channel and leaves missing ids out of getMany', async () => {
      // Prepare
      await channels.put('a', channelDefinition(), AT);
      await channels.put('b', channelDefinition(), AT);

      // Act
      const missing = await channels.get('zzz');
      const many = await channels.getMany(['a', 'zzz', 'b', 'a']);

      // Assess
      expect(missing).toBeNull();
      expect([...many.keys()].sort()).toEqual(['a', 'b']);
    });

    it('deletes a channel once: true, then false', async () => {
      // Prepare
      await channels.put('a', channelDefinition(), AT);

      // Act
      const first = await channels.delete('a');
      const second = await channels.delete('a');

      // Assess
      expect([first, second]).toEqual([true, false]);
      expect(await channels.get('a')).toBeNull();
    });
  });

  describe('Method: list', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `ch-${String(i).padStart(2, '0')}`);

    beforeEach(async () => {
      // Written out of order; every third one inactive.
      for (const id of [...ids].reverse()) {
        await channels.put(id, channelDefinition({ status: Number(id.slice(3)) % 3 === 0 ? 'inactive' : 'active' }), AT);
      }
    });

    it('pages through every channel in id order with the returned cursors: none missing, none twice', async () => {
      // Act
      const pages = await allPages((cursor) => channels.list({ limit: 5, cursor }));

      // Assess
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
      expect(pages.flat()).toEqual(ids);
    });

    it('pages through a status filter, keeping full pages and the filter across cursors', async () => {
      // Act
      const pages = await allPages((cursor) => channels.list({ limit: 3, status: 'inactive', cursor }));

      // Assess
      const inactive = ids.filter((id) => Number(id.slice(3)) % 3 === 0);
      expect(pages.flat()).toEqual(inactive);
      expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
    });

    it('answers next_cursor null on the last page, and on a list that fits in one page', async () => {
      // Act
      const whole = await channels.list({ limit: 100 });

      // Assess
      expect(whole.items).toHaveLength(23);
      expect(whole.next_cursor).toBeNull();
    });

    it("refuses another list's cursor as a 400 invalid_cursor", async () => {
      // Prepare: a real cursor of the video list (same index, another partition)
      const videos = new DynamoVideoRepository(table);
      for (let i = 0; i < 3; i++) await videos.create(video(`v${i}`, `2026-03-1${i}T00:00:00.000Z`));
      const videoCursor = (await videos.list({ limit: 1 })).next_cursor;
      expect(videoCursor).not.toBeNull();

      // Act
      const error = await channels.list({ limit: 5, cursor: videoCursor ?? undefined }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ValidationFailed);
      expect(error).toMatchObject({ code: 'invalid_cursor', fields: [{ field: 'cursor', in: 'query' }] });
    });

    it('refuses a cursor of the wrong shape or garbage as a 400 invalid_cursor', async () => {
      for (const cursor of ['garbage', encodeCursor(channelListScope(undefined), { pk: 'CHANNEL#ch-01', sk: 'CHANNEL' }), encodeCursor(channelListScope(undefined), { after: 'ch-01' })]) {
        const error = await channels.list({ limit: 5, cursor }).catch((e: unknown) => e);
        expect(error, cursor).toMatchObject({ code: 'invalid_cursor' });
      }
    });
  });

  describe('Method: listStatuses', () => {
    it('answers every channel, id and status only, in id order, and nothing else of the table', async () => {
      // Prepare
      for (const [id, status] of [['c-2', 'paused'], ['c-1', 'active'], ['c-3', 'inactive']] as const) await channels.put(id, channelDefinition({ status }), AT);
      await new DynamoVideoRepository(table).create(video('v-1', AT));

      // Act
      const statuses = await channels.listStatuses();

      // Assess
      expect(statuses).toEqual([
        { channel_id: 'c-1', status: 'active' },
        { channel_id: 'c-2', status: 'paused' },
        { channel_id: 'c-3', status: 'inactive' },
      ]);
    });
  });
});
