import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publicationKeys } from '#shared/adapters/dynamodb/keys';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { REPAIR_ATTRIBUTE } from '#shared/adapters/dynamodb/publication-index-check';
import { INDEXES } from '#shared/adapters/dynamodb/table-definition';
import type { Publication, PublicationStatus } from '#shared/domain/publication';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { startInterruptibleDynamo, type InterruptedWrites } from '#tests/helpers/interrupted-dynalite';
import type { EmbeddedDynamo } from '#tests/helpers/embedded-table';

const AT = '2026-06-02T12:00:00.000Z';
const SLOT = 'coord_01J00000000000000000000000-20260602T120000Z';

function publication(id: string, overrides: Partial<Publication> = {}): Publication {
  return {
    publication_id: id,
    group_id: 'coord_01J00000000000000000000000',
    group_kind: 'coordination',
    video_id: 'v1',
    channel_id: 'alpha',
    scheduled_at: AT,
    requested_at: AT,
    shifted_from: null,
    priority: 5,
    status: 'scheduled',
    slot_id: SLOT,
    run_id: null,
    status_reason: null,
    trigger_received_at: null,
    created_at: '2026-06-01T10:00:00.000Z',
    updated_at: '2026-06-01T10:00:00.000Z',
    ...overrides,
  };
}

/** The stored item of a publication (what putMany writes). */
const itemOf = (p: Publication) => ({ ...publicationKeys.item(p), entity: 'publication', ...p });
/** The same publication after a status change (what changeStatus writes). */
const withStatus = (p: Publication, status: PublicationStatus, at: string) => itemOf({ ...p, status, updated_at: at });

/** Every list through an index that could answer `p`, read as each service reads it. */
async function everyList(repository: DynamoPublicationRepository, p: Publication) {
  return {
    all: (await repository.list({ limit: 100 })).items,
    byStatus: Object.fromEntries(
      await Promise.all(
        (['scheduled', 'dispatching'] as const).map(async (s) => [s, (await repository.list({ limit: 100, status: s })).items.map((x) => x.publication_id)]),
      ),
    ) as Record<'scheduled' | 'dispatching', string[]>,
    slot: (await repository.listBySlot(p.slot_id, 100)).items,
    scheduled: (await repository.listByStatus('scheduled', 100)).items,
    dispatching: (await repository.listByStatus('dispatching', 100)).items,
    channelScheduled: (await repository.listByChannelStatus(p.channel_id, 'scheduled', 100)).items,
    channelDispatching: (await repository.listByChannelStatus(p.channel_id, 'dispatching', 100)).items,
    video: (await repository.list({ limit: 100, videoId: p.video_id })).items,
  };
}

describe('Class: DynamoPublicationRepository, reading through indexes that disagree with the items (against dynalite)', () => {
  let dynamo: EmbeddedDynamo & { interrupted: InterruptedWrites };
  let table: EmbeddedTable;
  let repaired: DynamoPublicationRepository;
  let checked: DynamoPublicationRepository;

  /** Every index entry of a publication, per index: `[partition, sort key, status]` (a Scan of each index: tests only). */
  async function indexEntriesOf(id: string): Promise<Record<string, [string, string, string][]>> {
    const entries: Record<string, [string, string, string][]> = {};
    for (const index of Object.values(INDEXES)) {
      const { Items } = await table.doc.send(new ScanCommand({ TableName: table.tableName, IndexName: index.name }));
      entries[index.name] = (Items ?? [])
        .filter((item) => item.publication_id === id)
        .map((item) => [String(item[index.partitionKey]), String(item[index.sortKey]), String(item.status)] as [string, string, string])
        .sort();
    }
    return entries;
  }
  /** The entries a publication's own keys give it, one an index. */
  const ownEntries = (p: Publication) => {
    const keys = publicationKeys.item(p);
    return Object.fromEntries(
      Object.values(INDEXES).map((index) => [index.name, [[keys[index.partitionKey as keyof typeof keys], keys[index.sortKey as keyof typeof keys], p.status]]]),
    );
  };

  beforeAll(async () => {
    dynamo = await startInterruptibleDynamo();
  });
  afterAll(async () => dynamo.close());
  beforeEach(async () => {
    table = await dynamo.createTable('index-check');
    repaired = new DynamoPublicationRepository(table, { repairIndexEntries: true });
    checked = new DynamoPublicationRepository(table);
  });

  describe('an index entry without its item (a new publication whose item write was cut)', () => {
    const p = publication('pub_01J0000000000000000000000A');
    beforeEach(async () => {
      await dynamo.interrupted.indexWritesOnly(table.tableName, itemOf(p));
      expect(await checked.get(p.publication_id)).toBeNull();
    });

    it('with repair, is answered by every index read, written back as its item, and GET finds it after', async () => {
      // Act
      const lists = await everyList(repaired, p);

      // Assess
      expect(lists.all).toEqual([p]);
      expect(lists.byStatus).toEqual({ scheduled: [p.publication_id], dispatching: [] });
      for (const list of [lists.slot, lists.scheduled, lists.channelScheduled, lists.video]) expect(list).toEqual([p]);
      expect([...lists.dispatching, ...lists.channelDispatching]).toEqual([]);
      expect(await checked.get(p.publication_id)).toEqual(p);
      expect(await indexEntriesOf(p.publication_id)).toEqual(ownEntries(p));
    });

    it('without repair (DynamoDB), is answered by no index read and nothing is written', async () => {
      // Act
      const lists = await everyList(checked, p);

      // Assess
      const { byStatus, ...pages } = lists;
      expect(Object.values(pages).flat()).toEqual([]);
      expect(byStatus).toEqual({ scheduled: [], dispatching: [] });
      expect(await dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(p.publication_id))).toBeNull();
    });

    it('is written back once when many reads meet it at once', async () => {
      // Act
      const pages = await Promise.all(Array.from({ length: 8 }, () => repaired.listBySlot(p.slot_id, 100)));

      // Assess
      for (const page of pages) expect(page.items).toEqual([p]);
      expect(await checked.get(p.publication_id)).toEqual(p);
      expect(await indexEntriesOf(p.publication_id)).toEqual(ownEntries(p));
    });
  });

  describe('index entries of a version the item never reached (a status change cut after its index writes)', () => {
    const p = publication('pub_01J0000000000000000000000B');
    const ahead = withStatus(p, 'dispatching', '2026-06-02T12:00:01.000Z');
    beforeEach(async () => {
      await repaired.putMany([p]);
      await dynamo.interrupted.indexWritesOnly(table.tableName, ahead);
      // As dynalite leaves it: the `scheduled` entries deleted, `dispatching` ones written, the item still scheduled.
      expect((await checked.get(p.publication_id))?.status).toBe('scheduled');
    });

    it('never shows the publication in two statuses, nor in the one it never reached: it is answered as its item, once', async () => {
      // Act
      const lists = await everyList(checked, p);

      // Assess
      expect(lists.all).toEqual([p]);
      expect(lists.byStatus).toEqual({ scheduled: [], dispatching: [] });
      expect(lists.dispatching).toEqual([]);
      expect(lists.channelDispatching).toEqual([]);
      // The slot and video entries sit at the item's own keys: answered, as the item is (scheduled).
      expect(lists.slot).toEqual([p]);
      expect(lists.video).toEqual([p]);
    });

    it('with repair, moves every entry back to the keys of the item, so each status lists it where it is', async () => {
      // Act
      await everyList(repaired, p);

      // Assess
      expect(await indexEntriesOf(p.publication_id)).toEqual(ownEntries(p));
      const after = await everyList(repaired, p);
      expect(after.byStatus).toEqual({ scheduled: [p.publication_id], dispatching: [] });
      expect(after.scheduled).toEqual([p]);
      expect(after.channelScheduled).toEqual([p]);
      expect((await checked.get(p.publication_id)) ?? {}).not.toHaveProperty(REPAIR_ATTRIBUTE);
    });
  });

  describe('a repair racing writes', () => {
    const p = publication('pub_01J0000000000000000000000C');
    const ahead = withStatus(p, 'dispatching', '2026-06-02T12:00:01.000Z');
    let client: DynamoDBClient;

    /** A repository whose repair writes (the step named) first let `meanwhile` run: what another process does at that moment. */
    function repairingWith(step: 'lend' | 'give back', meanwhile: () => Promise<unknown>, fail = false): DynamoPublicationRepository {
      client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      let done = false;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as UpdateCommandInput;
          const isStep =
            context.commandName === 'UpdateItemCommand' &&
            (step === 'lend' ? input.UpdateExpression?.includes('#repair = :marker') : input.UpdateExpression?.includes('REMOVE #repair'));
          if (isStep && !done) {
            done = true;
            await meanwhile();
            if (fail) throw new Error('the process died here');
          }
          return next(args);
        },
        { step: 'initialize', name: 'repairRace' },
      );
      return new DynamoPublicationRepository(
        { tableName: table.tableName, doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) },
        { repairIndexEntries: true },
      );
    }

    beforeEach(async () => {
      await repaired.putMany([p]);
      await dynamo.interrupted.indexWritesOnly(table.tableName, ahead);
    });
    afterAll(() => client?.destroy());

    it('never overwrites a write made after it read the item: its first write is refused and the newer one stands', async () => {
      // Prepare: between the repair's read and its first write, the publication is cancelled.
      const racing = repairingWith('lend', () =>
        checked.changeStatus(p, { from: ['scheduled'], to: 'cancelled', at: '2026-06-02T11:00:00.000Z', reason: 'operator' }),
      );

      // Act
      await racing.listByStatus('dispatching', 100);

      // Assess
      const stored = await checked.get(p.publication_id);
      expect(stored).toMatchObject({ status: 'cancelled', status_reason: 'operator' });
      expect(await dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(p.publication_id))).not.toHaveProperty(REPAIR_ATTRIBUTE);
      // The stale entry the refused repair left is removed by the next read.
      await repaired.listByStatus('dispatching', 100);
      await repaired.listByChannelStatus(p.channel_id, 'dispatching', 100);
      expect(await indexEntriesOf(p.publication_id)).toEqual(ownEntries(stored!));
    });

    it('holds a write made while it has the keys lent until it gives them back, then the write is made, whole', async () => {
      // Prepare: while the item holds the stale entry's keys, a slot firing moves it to dispatching.
      let moved: Publication | null = null;
      const racing = repairingWith('give back', async () => {
        moved = await repaired.changeStatus(p, { from: ['scheduled'], to: 'dispatching', at: '2026-06-02T12:00:05.000Z' });
      });

      // Act
      await racing.listByStatus('dispatching', 100);

      // Assess
      expect(moved).toMatchObject({ status: 'dispatching', updated_at: '2026-06-02T12:00:05.000Z' });
      const stored = await checked.get(p.publication_id);
      expect(stored).toEqual(moved);
      expect(await dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(p.publication_id))).not.toHaveProperty(REPAIR_ATTRIBUTE);
      await repaired.listByChannelStatus(p.channel_id, 'dispatching', 100);
      expect(await indexEntriesOf(p.publication_id)).toEqual(ownEntries(stored!));
    });

    it('left half-way (its process died with the keys lent), is finished by the next write, which is then made', async () => {
      // Prepare
      const dying = repairingWith('give back', async () => undefined, true);
      const page = await dying.listByStatus('dispatching', 100);
      expect(page.items).toEqual([]);
      expect(await dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(p.publication_id))).toHaveProperty(REPAIR_ATTRIBUTE);

      // Act
      const cancelled = await repaired.changeStatus(p, { from: ['scheduled'], to: 'cancelled', at: '2026-06-02T11:00:00.000Z' });

      // Assess
      expect(cancelled).toMatchObject({ status: 'cancelled' });
      expect(await dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(p.publication_id))).not.toHaveProperty(REPAIR_ATTRIBUTE);
      await repaired.listByChannelStatus(p.channel_id, 'dispatching', 100);
      expect(await indexEntriesOf(p.publication_id)).toEqual(ownEntries(cancelled!));
    });

    it('left half-way, is finished by the next read, which answers the item where it belongs', async () => {
      // Prepare
      const dying = repairingWith('give back', async () => undefined, true);
      await dying.listByStatus('dispatching', 100);

      // Act
      const scheduled = await repaired.list({ limit: 100 });

      // Assess
      expect(scheduled.items).toEqual([p]);
      expect(await dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(p.publication_id))).not.toHaveProperty(REPAIR_ATTRIBUTE);
    });
  });
});
