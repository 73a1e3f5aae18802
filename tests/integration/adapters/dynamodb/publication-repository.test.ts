import { describe, expect, it } from 'vitest';
import { fnv1a32, PUBLICATION_STATUS_SHARDS, publicationKeys } from '#shared/adapters/dynamodb/keys';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import type { Page } from '#shared/domain/pagination';
import { PUBLICATION_STATUSES, type Publication, type PublicationStatus } from '#shared/domain/publication';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { scanTable, useTablePerTest } from '#tests/helpers/embedded-table';
import { publication } from '#tests/helpers/sample-entities';

/** 10 publications at each of 10 times: ties in time are ordered by id, across shards. */
const timeOf = (i: number) => `2026-03-20T${String(10 + Math.floor(i / 10)).padStart(2, '0')}:00:00.000Z`;
const byTimeThenId = (a: Publication, b: Publication) => {
  const ka = publicationKeys.timeSortKey(a.scheduled_at, a.publication_id);
  const kb = publicationKeys.timeSortKey(b.scheduled_at, b.publication_id);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
const idsOf = (publications: readonly Publication[]) => publications.map((p) => p.publication_id);

/** Every page of a list, to its end. */
async function everyPage(read: (cursor: string | undefined) => Promise<Page<Publication>>): Promise<Page<Publication>[]> {
  const pages: Page<Publication>[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page);
    cursor = page.next_cursor ?? undefined;
    if (pages.length > 200) throw new Error('pagination does not end');
  } while (cursor);
  return pages;
}

describe('Class: DynamoPublicationRepository, status partitions in shards (against dynalite)', () => {
  let table: EmbeddedTable;
  let repository: DynamoPublicationRepository;

  useTablePerTest((created) => {
    table = created;
    repository = new DynamoPublicationRepository(table);
  });

  /** The gsi2 partitions the stored publications are in. */
  async function statusPartitionsUsed(): Promise<Set<string>> {
    return new Set((await scanTable(table)).map((item) => String(item.gsi2pk)));
  }

  describe('Method: putMany', () => {
    it('writes each publication to the gsi2 shard its id hashes to', async () => {
      // Prepare
      const p = publication({ status: 'held' });

      // Act
      await repository.putMany([p]);

      // Assess
      const [item] = await scanTable(table);
      expect(item?.gsi2pk).toBe(`PUB#STATUS#held#${fnv1a32(p.publication_id) % PUBLICATION_STATUS_SHARDS}`);
      expect(item?.gsi1pk).toBe(`CHANNEL#${p.channel_id}#PUB#held`);
    });
  });

  describe('Method: list', () => {
    it('merges all 8 shards of a status in sort order across pages of 7: 100 publications, none twice, none missed', async () => {
      // Prepare: 100 scheduled (in every shard) and 20 held that the list leaves out
      const scheduled = Array.from({ length: 100 }, (_, i) => publication({ scheduled_at: timeOf(i) }));
      const held = Array.from({ length: 20 }, (_, i) => publication({ status: 'held', scheduled_at: timeOf(i * 5) }));
      await repository.putMany([...held, ...scheduled].reverse());
      expect([...(await statusPartitionsUsed())].filter((pk) => pk.startsWith('PUB#STATUS#scheduled#'))).toHaveLength(8);

      // Act
      const pages = await everyPage((cursor) => repository.list({ status: 'scheduled', limit: 7, cursor }));

      // Assess
      expect(pages.flatMap((p) => idsOf(p.items))).toEqual(idsOf([...scheduled].sort(byTimeThenId)));
      expect(pages.slice(0, -1).every((p) => p.items.length === 7)).toBe(true);
      expect(pages).toHaveLength(Math.ceil(100 / 7));
    });

    it('merges every shard of every status for the unfiltered list, within from/to', async () => {
      // Prepare: 70 publications, statuses in turn
      const all = Array.from({ length: 70 }, (_, i) =>
        publication({ status: PUBLICATION_STATUSES[i % PUBLICATION_STATUSES.length] as PublicationStatus, scheduled_at: timeOf(i) }),
      );
      await repository.putMany(all);
      const from = timeOf(20);
      const to = timeOf(60);

      // Act
      const pages = await everyPage((cursor) => repository.list({ limit: 7, cursor }));
      const ranged = await everyPage((cursor) => repository.list({ limit: 7, cursor, from, to }));

      // Assess
      expect(pages.flatMap((p) => idsOf(p.items))).toEqual(idsOf([...all].sort(byTimeThenId)));
      expect(ranged.flatMap((p) => idsOf(p.items))).toEqual(idsOf(all.filter((p) => p.scheduled_at >= from && p.scheduled_at < to).sort(byTimeThenId)));
    });
  });

  describe('Method: listByStatus', () => {
    it('reads only those due before `before`, every shard merged, earliest first across pages, each once', async () => {
      // Prepare
      const scheduled = Array.from({ length: 100 }, (_, i) => publication({ scheduled_at: timeOf(i) }));
      await repository.putMany(scheduled);
      const before = timeOf(55); // 10:00 .. 14:00 are due before 15:00

      // Act
      const pages = await everyPage((cursor) => repository.listByStatus('scheduled', 7, cursor, before));

      // Assess
      const due = scheduled.filter((p) => p.scheduled_at < before).sort(byTimeThenId);
      expect(due).toHaveLength(50);
      expect(pages.flatMap((p) => idsOf(p.items))).toEqual(idsOf(due));
    });

    it('misses none while the walk moves what it read to another status (held release)', async () => {
      // Prepare
      const held = Array.from({ length: 60 }, (_, i) => publication({ status: 'held', scheduled_at: timeOf(i) }));
      await repository.putMany(held);

      // Act: each page released before the next is read, as releaseHeld does
      const released: string[] = [];
      await everyPage(async (cursor) => {
        const page = await repository.listByStatus('held', 7, cursor);
        for (const p of page.items) {
          if (await repository.changeStatus(p, { from: ['held'], to: 'dispatching', at: '2026-03-20T09:00:00.000Z', reason: null })) released.push(p.publication_id);
        }
        return page;
      });

      // Assess
      expect(released).toEqual(idsOf([...held].sort(byTimeThenId)));
      expect(await repository.countByStatus('held')).toBe(0);
      expect(await repository.countByStatus('dispatching')).toBe(60);
    });

    it('refuses a cursor made for another `before` (400 invalid_cursor)', async () => {
      // Prepare
      await repository.putMany(Array.from({ length: 10 }, (_, i) => publication({ scheduled_at: timeOf(i) })));
      const cursor = (await repository.listByStatus('scheduled', 3, undefined, timeOf(50))).next_cursor ?? undefined;
      expect(cursor).toBeDefined();

      // Act
      const error = await repository.listByStatus('scheduled', 3, cursor, timeOf(90)).catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({ code: 'invalid_cursor' });
    });
  });

  describe('Method: countByStatus', () => {
    it('sums the publications of a status over every shard', async () => {
      // Prepare: 45 held in several shards, 5 scheduled
      const held = Array.from({ length: 45 }, (_, i) => publication({ status: 'held', scheduled_at: timeOf(i) }));
      await repository.putMany([...held, ...Array.from({ length: 5 }, () => publication())]);
      expect([...(await statusPartitionsUsed())].filter((pk) => pk.startsWith('PUB#STATUS#held#')).length).toBeGreaterThan(1);

      // Act
      const count = await repository.countByStatus('held');

      // Assess
      expect(count).toBe(45);
    });

    it('with a due range, counts only those scheduled at or after from and before before', async () => {
      // Prepare: scheduled a minute apart
      const minute = (i: number) => new Date(Date.parse('2026-03-20T10:00:00.000Z') + i * 60_000).toISOString();
      await repository.putMany(Array.from({ length: 30 }, (_, i) => publication({ status: 'scheduled', scheduled_at: minute(i) })));

      // Act & Assess
      expect(await repository.countByStatus('scheduled', { before: minute(10) })).toBe(10);
      expect(await repository.countByStatus('scheduled', { from: minute(25) })).toBe(5);
      expect(await repository.countByStatus('scheduled', { from: minute(5), before: minute(15) })).toBe(10);
      expect(await repository.countByStatus('scheduled')).toBe(30);
    });
  });

  describe('Method: changeStatus', () => {
    it("moves the gsi2 entry to the new status's partition, in the same shard (of the id)", async () => {
      // Prepare
      const p = publication({ status: 'held' });
      await repository.putMany([p]);

      // Act
      await repository.changeStatus(p, { from: ['held'], to: 'dispatching', at: '2026-03-20T09:00:00.000Z', reason: null });

      // Assess
      const [item] = await scanTable(table);
      expect(item?.gsi2pk).toBe(publicationKeys.statusPartitionOf('dispatching', p.publication_id));
      expect(item?.gsi2pk).toBe(`PUB#STATUS#dispatching#${fnv1a32(p.publication_id) % PUBLICATION_STATUS_SHARDS}`);
      expect(idsOf((await repository.list({ status: 'dispatching', limit: 10 })).items)).toEqual([p.publication_id]);
      expect((await repository.list({ status: 'held', limit: 10 })).items).toEqual([]);
    });
  });
});
