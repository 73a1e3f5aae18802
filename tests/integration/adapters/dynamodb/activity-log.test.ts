import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activityListScope, DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { encodeCursor } from '#shared/adapters/dynamodb/cursor';
import { ACTIVITY_SHARDS, activityKeys, fnv1a32 } from '#shared/adapters/dynamodb/keys';
import type { ActivityEntry } from '#shared/domain/activity';
import type { Page } from '#shared/domain/pagination';
import type { ActivityQuery } from '#shared/ports/activity-log';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { scanTable, useTablePerTest } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { activityEntry } from '#tests/helpers/sample-entities';

const RETENTION_DAYS = 365;

/** Ids sort like the ULIDs the log stores: by time. */
const idAt = (at: string, n = 0) => `01${at.replace(/\D/g, '')}${String(n).padStart(3, '0')}`;
const entryAt = (at: string, overrides: Partial<ActivityEntry> = {}, n = 0) => activityEntry(idAt(at, n), at, overrides);

async function everyPage(log: DynamoActivityLog, query: Omit<ActivityQuery, 'cursor'>) {
  const pages: Page<ActivityEntry>[] = [];
  let cursor: string | undefined;
  do {
    const page = await log.list({ ...query, cursor });
    pages.push(page);
    cursor = page.next_cursor ?? undefined;
    if (pages.length > 100) throw new Error('pagination does not end');
  } while (cursor);
  return pages;
}

describe('Class: DynamoActivityLog', () => {
  let table: EmbeddedTable;
  let clock: FixedClock;
  let log: DynamoActivityLog;

  useTablePerTest((created) => {
    table = created;
    clock = new FixedClock('2026-03-15T12:00:00.000Z');
    log = new DynamoActivityLog(table, clock, RETENTION_DAYS);
  });

  describe('Method: append', () => {
    it('is idempotent per activity_id: appending an entry again, alone or in a batch, stores it once', async () => {
      // Prepare
      const entry = entryAt('2026-03-10T10:00:00.000Z', { channel_ids: ['c1'] });
      const other = entryAt('2026-03-11T10:00:00.000Z');

      // Act
      await log.append([entry]);
      await log.append([entry, other]);
      await log.append([entry]);

      // Assess
      expect((await log.list({ limit: 100 })).items.map((e) => e.activity_id)).toEqual([other.activity_id, entry.activity_id]);
      expect(await scanTable(table)).toHaveLength(3); // two entries + one channel copy
    });

    it('stores an entry whole and lists it under every channel it concerns (naming that channel and the count of all), and no other', async () => {
      // Prepare
      const entry = entryAt('2026-03-10T10:00:00.000Z', {
        type: 'publication.coordinated',
        channel_ids: ['c1', 'c2'],
        target: { type: 'coordination', id: 'coord_1' },
        details: { publications: 2, nested: { list: [1, 'two'] } },
      });

      // Act
      await log.append([entry]);

      // Assess
      expect((await log.list({ limit: 10 })).items).toEqual([{ ...entry, channel_count: 2 }]);
      expect((await log.list({ limit: 10, channelId: 'c1' })).items).toEqual([{ ...entry, channel_ids: ['c1'], channel_count: 2 }]);
      expect((await log.list({ limit: 10, channelId: 'c2' })).items).toEqual([{ ...entry, channel_ids: ['c2'], channel_count: 2 }]);
      expect((await log.list({ limit: 10, channelId: 'c3' })).items).toEqual([]);
    });

    it('writes a 1,000-channel entry as 1,001 items whose size grows with the channels, not their square', async () => {
      // Prepare: the largest request (1,000 channels of 64 characters) with a booking's details.
      const channelIds = Array.from({ length: 1_000 }, (_, i) => `c${String(i).padStart(4, '0')}`.padEnd(64, '-'));
      const entry = entryAt('2026-03-10T10:00:00.000Z', {
        type: 'wave.scheduled',
        actor: 'api-key:operator-with-a-long-name',
        target: { type: 'wave', id: 'wave_01J00000000000000000000000' },
        channel_ids: channelIds,
        details: { timing: 'staggered', video_count: 10, stagger_by: 'video', total_publications: 10_000, slots: 10, shifted: 0, preempted: 0 },
      });

      // Act
      await log.append([entry]);

      // Assess
      const items = await scanTable(table);
      expect(items).toHaveLength(1_001);
      // The item's JSON: at least DynamoDB's measure of it (names and values, without the quotes, colons and commas).
      const sizeOf = (item: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(item), 'utf8');
      const [main, ...copies] = [...items].sort((a, b) => (String(a.pk).startsWith('ACTIVITY#') ? -1 : String(b.pk).startsWith('ACTIVITY#') ? 1 : 0));
      expect(main!.channel_ids).toEqual(channelIds);
      expect(sizeOf(main!)).toBeLessThan(100 * 1024);
      expect(Math.max(...copies.map(sizeOf))).toBeLessThan(2 * 1024);
      expect(copies.every((c) => (c.channel_ids as string[]).length === 1 && c.channel_count === 1_000)).toBe(true);
      expect(items.reduce((n, item) => n + sizeOf(item), 0)).toBeLessThan(2 * 1024 * 1_001);

      const listed = (await log.list({ limit: 10, channelId: channelIds[999] })).items;
      expect(listed).toEqual([{ ...entry, channel_ids: [channelIds[999]], channel_count: 1_000 }]);
      expect((await log.list({ limit: 10 })).items).toEqual([{ ...entry, channel_count: 1_000 }]);
    });

    it('keeps at most the first 1,000 channel ids in the main item, and the count of all', async () => {
      // Prepare: a release of held work can concern more channels than any request names.
      const channelIds = Array.from({ length: 1_200 }, (_, i) => `c${String(i).padStart(4, '0')}`);
      const entry = entryAt('2026-03-10T10:00:00.000Z', { type: 'publications.released', channel_ids: channelIds, details: { released: 1_200 } });

      // Act
      await log.append([entry]);

      // Assess
      expect((await log.list({ limit: 10 })).items).toEqual([{ ...entry, channel_ids: channelIds.slice(0, 1_000), channel_count: 1_200 }]);
      expect((await log.list({ limit: 10, channelId: 'c1199' })).items).toEqual([{ ...entry, channel_ids: ['c1199'], channel_count: 1_200 }]);
    });

    it('sets the TTL attribute (expires_at) on the entry and on its channel copies', async () => {
      // Prepare
      const entry = entryAt('2026-03-10T10:00:00.000Z', { channel_ids: ['c1'] });
      const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + RETENTION_DAYS * 86_400;

      // Act
      await log.append([entry]);

      // Assess
      const { pk, sk } = activityKeys.item(entry.activity_id, entry.at, entry.type);
      const main = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk } }));
      const copy = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: activityKeys.channelCopy('c1', entry.activity_id) }));
      expect(main.Item?.expires_at).toBe(expiresAt);
      expect(copy.Item?.expires_at).toBe(expiresAt);
    });

    it('writes the main item to its month in the shard its id hashes to, and its type entry to the same shard', async () => {
      // Prepare
      const entry = entryAt('2026-03-10T10:00:00.000Z', { type: 'wave.scheduled', channel_ids: ['c1'] });

      // Act
      await log.append([entry]);

      // Assess
      const shard = fnv1a32(entry.activity_id) % ACTIVITY_SHARDS;
      const main = (await scanTable(table)).find((item) => String(item.pk).startsWith('ACTIVITY#'));
      expect(main).toMatchObject({ pk: `ACTIVITY#2026-03#${shard}`, sk: `ACT#${entry.activity_id}`, gsi2pk: `ACTIVITY#TYPE#wave.scheduled#${shard}`, gsi2sk: entry.activity_id });
    });

    it('writes more entries than one batch holds', async () => {
      // Prepare: 40 entries with 2 channel copies each = 120 writes, ~5 batches
      const entries = Array.from({ length: 40 }, (_, i) => entryAt('2026-03-01T00:00:00.000Z', { channel_ids: ['c1', 'c2'] }, i));

      // Act
      await log.append(entries);

      // Assess
      expect(await scanTable(table)).toHaveLength(120);
      expect((await log.list({ limit: 100, channelId: 'c2' })).items).toHaveLength(40);
    });
  });

  describe('Method: list', () => {
    it('lists by type through the type index, newest first, without the channel copies', async () => {
      // Prepare
      await log.append([
        entryAt('2026-01-05T00:00:00.000Z', { type: 'channel.created', channel_ids: ['c1'] }),
        entryAt('2026-02-05T00:00:00.000Z', { type: 'system.started' }),
        entryAt('2026-03-05T00:00:00.000Z', { type: 'channel.created', channel_ids: ['c2', 'c3'] }),
        entryAt('2026-03-06T00:00:00.000Z', { type: 'channel.updated', channel_ids: ['c2'] }),
      ]);

      // Act
      const pages = await everyPage(log, { limit: 1, type: 'channel.created' });

      // Assess
      expect(pages.flatMap((p) => p.items.map((e) => e.at))).toEqual(['2026-03-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    });

    it('combines the channel and type filters', async () => {
      // Prepare
      await log.append([
        entryAt('2026-03-01T00:00:00.000Z', { type: 'channel.created', channel_ids: ['c1'] }),
        entryAt('2026-03-02T00:00:00.000Z', { type: 'channel.updated', channel_ids: ['c1'] }),
        entryAt('2026-03-03T00:00:00.000Z', { type: 'channel.updated', channel_ids: ['c2'] }),
      ]);

      // Act
      const page = await log.list({ limit: 10, channelId: 'c1', type: 'channel.updated' });

      // Assess
      expect(page.items.map((e) => e.at)).toEqual(['2026-03-02T00:00:00.000Z']);
    });

    it('lists across month partitions newest first, page after page: none missing, none twice', async () => {
      // Prepare: 3 in January, none in February, 2 in December, 4 in March (the current month)
      const times = [
        '2025-12-30T23:00:00.000Z',
        '2025-12-31T23:59:59.000Z',
        '2026-01-01T00:00:00.000Z',
        '2026-01-15T00:00:00.000Z',
        '2026-01-31T23:59:59.000Z',
        '2026-03-01T00:00:00.000Z',
        '2026-03-02T00:00:00.000Z',
        '2026-03-10T00:00:00.000Z',
        '2026-03-15T11:59:00.000Z',
      ];
      await log.append(times.map((at) => entryAt(at)));

      for (const limit of [1, 2, 3, 4, 5, 9, 10]) {
        // Act
        const pages = await everyPage(log, { limit });

        // Assess
        const listed = pages.flatMap((p) => p.items.map((e) => e.at));
        expect(listed, `limit ${limit}`).toEqual([...times].reverse());
        expect(pages.every((p) => p.items.length <= limit), `limit ${limit}`).toBe(true);
      }
    });

    it('merges the shards of each month, newest first across months and pages: none missing, none twice', async () => {
      // Prepare: 30 in March (every shard), 12 in January, 6 in December
      const times = [
        ...Array.from({ length: 6 }, (_, i) => `2025-12-${String(10 + i).padStart(2, '0')}T08:00:00.000Z`),
        ...Array.from({ length: 12 }, (_, i) => `2026-01-${String(10 + i).padStart(2, '0')}T08:00:00.000Z`),
        ...Array.from({ length: 30 }, (_, i) => `2026-03-${String(1 + Math.floor(i / 3)).padStart(2, '0')}T0${i % 3}:00:00.000Z`),
      ];
      const entries = times.map((at, i) => entryAt(at, { type: i % 2 ? 'channel.created' : 'system.started' }));
      await log.append([...entries].reverse());
      const shards = new Set((await scanTable(table)).filter((item) => String(item.pk).startsWith('ACTIVITY#2026-03#')).map((item) => item.pk));
      expect(shards.size).toBe(ACTIVITY_SHARDS);

      for (const limit of [1, 4, 7, 30, 100]) {
        // Act
        const pages = await everyPage(log, { limit });
        const typed = await everyPage(log, { limit, type: 'channel.created' });

        // Assess
        expect(pages.flatMap((p) => p.items.map((e) => e.at)), `limit ${limit}`).toEqual([...times].reverse());
        expect(pages.every((p) => p.items.length <= limit), `limit ${limit}`).toBe(true);
        const created = entries.filter((e) => e.type === 'channel.created').map((e) => e.activity_id);
        expect(typed.flatMap((p) => p.items.map((e) => e.activity_id)), `limit ${limit}`).toEqual(created.reverse());
      }
    });

    it('answers entries in order when one Query of a shard stops at 1 MB before the page is full', async () => {
      // Prepare: 120 entries of ~66 KB (1,000 channel ids of 64 characters), ~2 MB a shard: each shard's Query stops at ~16
      const channelIds = Array.from({ length: 1_000 }, (_, i) => `c${String(i).padStart(4, '0')}`.padEnd(64, '-'));
      const entries = Array.from({ length: 120 }, (_, i) => entryAt(`2026-03-01T${String(Math.floor(i / 6)).padStart(2, '0')}:0${i % 6}:00.000Z`));
      await log.append(entries);
      // The large main items, written directly: appending them would also write 60,000 channel copies.
      await Promise.all(
        entries.map((entry) =>
          table.doc.send(
            new PutCommand({
              TableName: table.tableName,
              Item: { ...entry, channel_ids: channelIds, channel_count: 1_000, entity: 'activity', ...activityKeys.item(entry.activity_id, entry.at, entry.type) },
            }),
          ),
        ),
      );

      // Act
      const pages = await everyPage(log, { limit: 100 });

      // Assess
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flatMap((p) => p.items.map((e) => e.activity_id))).toEqual(entries.map((e) => e.activity_id).reverse());
    });

    it('stops at the retention horizon', async () => {
      // Prepare: one entry well past the 365 days kept
      await log.append([entryAt('2024-11-01T00:00:00.000Z'), entryAt('2026-03-01T00:00:00.000Z')]);

      // Act
      const page = await log.list({ limit: 10 });

      // Assess
      expect(page.items.map((e) => e.at)).toEqual(['2026-03-01T00:00:00.000Z']);
      expect(page.next_cursor).toBeNull();
    });

    it("refuses another list's cursor as a 400 invalid_cursor", async () => {
      // Prepare: a real cursor of channel c1's list
      await log.append(Array.from({ length: 3 }, (_, i) => entryAt('2026-03-01T00:00:00.000Z', { channel_ids: ['c1'] }, i)));
      const channelCursor = (await log.list({ limit: 1, channelId: 'c1' })).next_cursor ?? undefined;
      const monthCursor = (await log.list({ limit: 1 })).next_cursor ?? undefined;

      // Act
      const onMonths = await log.list({ limit: 1, cursor: channelCursor }).catch((e: unknown) => e);
      const onChannel = await log.list({ limit: 1, channelId: 'c1', cursor: monthCursor }).catch((e: unknown) => e);
      const onOtherChannel = await log.list({ limit: 1, channelId: 'c2', cursor: channelCursor }).catch((e: unknown) => e);

      // Assess
      for (const error of [onMonths, onChannel, onOtherChannel]) expect(error).toMatchObject({ code: 'invalid_cursor' });
    });

    for (const [what, month] of [
      ['a month after the current one', '9999-12'],
      ['month 00', '2026-00'],
      ['month 13', '2026-13'],
    ] as const) {
      it(`refuses a forged cursor naming ${what} at once (400 invalid_cursor, no walk through the months)`, { timeout: 5_000 }, async () => {
        // Prepare
        const cursor = encodeCursor(activityListScope({}), { month, after: '01ZZZZ' });

        // Act
        const error = await log.list({ limit: 10, cursor }).catch((e: unknown) => e);

        // Assess
        expect(error).toMatchObject({ code: 'invalid_cursor' });
      });
    }
  });
});
