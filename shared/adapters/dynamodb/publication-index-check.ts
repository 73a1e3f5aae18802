import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '#shared/concurrency';
import { logger } from '#shared/logger';
import { batchGet } from './batch';
import type { TableContext } from './document-client';
import { publicationKeys } from './keys';
import { INDEXES, PRIMARY_KEY, type IndexName } from './table-definition';

type Item = Record<string, unknown>;

/**
 * The attribute a repair in progress leaves on a publication: which index
 * keys it moved and what they were. Every conditional write of a publication
 * requires it absent, and whoever meets it finishes the repair first.
 */
export const REPAIR_ATTRIBUTE = 'index_repair';
/** The condition, for `#repair` = REPAIR_ATTRIBUTE, that no repair holds the item's index keys. */
export const NO_REPAIR_IN_PROGRESS = 'attribute_not_exists(#repair)';

interface RepairMarker {
  token: string;
  index: IndexName;
  /** The index keys the item had, which the repair puts back. */
  partition: string;
  sort: string;
}

/** What an index read asked for, so that the item behind each entry is checked against it. */
export interface IndexRead {
  index: IndexName;
  /**
   * The partitions the read merged, side by side at the same sort key
   * positions: every shard of a status on gsi2 (PUBLICATION_STATUS_SHARDS),
   * of every status for GET /publications without one. An item belongs when
   * its own keys fall in any of them. Absent: only the entry's own partition.
   */
  partitions?: readonly string[] | undefined;
  /** What the read filtered on, checked again on the item. */
  accepts?: ((item: Item) => boolean) | undefined;
}

/** Repairs of different publications running at once (each publication's own run in turn). */
const REPAIR_CONCURRENCY = 8;

/**
 * Index entries checked against their items. An index read answers copies of
 * items as the index holds them; this reads the items themselves (one
 * consistent BatchGetItem a page) and answers those, each only where it
 * belongs to the read: its own index keys (derived from its attributes)
 * put it in a partition the read covers at the entry's sort key, and it
 * passes the read's filters.
 *
 * Why: dynalite writes an item's index entries before the item, so a process
 * killed between the two (the local server) leaves entries without their
 * item (a new publication) or entries of a version the item never reached
 * (an update). On DynamoDB, indexes are derived from the table and follow it
 * within a moment: there the check only hides that moment's lag.
 *
 * With `repair` (dynalite only) the entries are also mended:
 * - an entry without its item: the entry (projection ALL: the whole item) is
 *   written back as the item, on condition that none exists. The write was
 *   issued and the index took it; the booking's commit decides whether the
 *   publication is live (an uncommitted group is rolled back).
 * - an entry at the item's own keys but with other attributes: the item is
 *   rewritten as it is, which rewrites every one of its index entries.
 * - an entry at keys the item no longer has: dynalite deletes an entry only
 *   when the item holding its keys is replaced, so the item is given the
 *   entry's keys (the entry then holds the item) and given its own back. The
 *   first write requires the keys it read and leaves a marker naming them;
 *   every conditional write of a publication requires no marker, and
 *   whoever meets one (a read, a write, another repair) puts the keys back
 *   first. Neither write touches anything but the index keys of one index,
 *   so no repair ever overwrites a newer write.
 * Never on DynamoDB: there an entry without its item is a deletion not yet
 * propagated, and writing it back would undo the deletion.
 */
export class PublicationIndexCheck {
  constructor(
    private readonly table: TableContext,
    private readonly repair: boolean,
  ) {}

  /** The items behind one page of index entries, in the entries' order, each once, only those the read still covers. */
  async itemsOf(entries: readonly Item[], read: IndexRead): Promise<Item[]> {
    if (entries.length === 0) return [];
    const index = indexOf(read.index);
    const ids = [...new Set(entries.map(idOf))];
    const items = new Map(
      (await batchGet<Item>(this.table.doc, this.table.tableName, ids.map(publicationKeys.key))).map((item) => [idOf(item), item]),
    );
    if (this.repair) await this.settle(entries, items);

    const answered: Item[] = [];
    const seen = new Set<string>();
    const mends = new Map<string, (() => Promise<void>)[]>();
    const mend = (id: string, step: () => Promise<void>) => mends.set(id, [...(mends.get(id) ?? []), step]);
    for (const entry of entries) {
      const id = idOf(entry);
      const item = items.get(id);
      if (!item) continue;
      const own = derivedKeys(item);
      const partitions = read.partitions ?? [String(entry[index.partitionKey])];
      const inPlace = own[index.sortKey] === entry[index.sortKey] && partitions.includes(String(own[index.partitionKey]));
      if (inPlace && (read.accepts?.(item) ?? true) && !seen.has(id)) {
        seen.add(id);
        answered.push(item);
      }
      if (!this.repair) continue;
      const atOwnKeys = own[index.partitionKey] === entry[index.partitionKey] && own[index.sortKey] === entry[index.sortKey];
      if (!atOwnKeys) mend(id, () => this.unindex(item, read.index, String(entry[index.partitionKey]), String(entry[index.sortKey])));
      else if (!sameItem(entry, item)) mend(id, () => this.reindex(id));
    }
    await mapConcurrent([...mends], REPAIR_CONCURRENCY, async ([id, steps]) => {
      try {
        // One publication's repairs in turn: each takes its item's marker.
        for (const step of steps) await step();
      } catch (error) {
        // The page is answered from the items either way; the next read of these entries repairs again.
        logger.warn('index entries of a publication left unrepaired', { publication_id: id, error: error as Error });
      }
    });
    return answered;
  }

  /**
   * After a conditional write of `publicationId` was refused: finishes the
   * repair that held its index keys, if one did. @returns true when there
   * was one (the write should be made again), false when the refusal stands.
   */
  async finishRepairOf(publicationId: string): Promise<boolean> {
    if (!this.repair) return false;
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: publicationKeys.key(publicationId), ConsistentRead: true }),
    );
    const marker = Item?.[REPAIR_ATTRIBUTE] as RepairMarker | undefined;
    if (!marker) return false;
    await this.finish(publicationId, marker);
    return true;
  }

  /** Before the entries are judged: repairs left half-way are finished, and missing items written back from their entries. */
  private async settle(entries: readonly Item[], items: Map<string, Item>): Promise<void> {
    const marked = [...items.values()].filter((item) => item[REPAIR_ATTRIBUTE] !== undefined);
    await mapConcurrent(marked, REPAIR_CONCURRENCY, async (item) => {
      await this.finish(idOf(item), item[REPAIR_ATTRIBUTE] as RepairMarker);
      const current = await this.get(idOf(item));
      if (current) items.set(idOf(item), current);
      else items.delete(idOf(item));
    });
    const orphans = new Map(entries.filter((entry) => !items.has(idOf(entry))).map((entry) => [idOf(entry), entry]));
    await mapConcurrent([...orphans.values()], REPAIR_CONCURRENCY, async (entry) => {
      const restored = await this.restore(entry);
      if (restored) items.set(idOf(entry), restored);
    });
  }

  /** Writes an entry's copy back as its missing item. @returns the item now stored, or undefined when none could be. */
  private async restore(entry: Item): Promise<Item | undefined> {
    const { [REPAIR_ATTRIBUTE]: _marker, ...copy } = entry;
    // Its own keys, whatever keys the entry was found at (an entry can be a repair's copy, at keys lent to it).
    const item = { ...copy, ...derivedKeys(copy) };
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PRIMARY_KEY.partitionKey },
        }),
      );
      logger.warn('publication written back from an index entry without its item', { publication_id: idOf(item), status: item.status });
      return item;
    } catch (error) {
      // Written meanwhile (another repair, a retried booking): judge the entry by what is there.
      if (error instanceof ConditionalCheckFailedException) return this.get(idOf(item));
      logger.warn('publication not written back from its index entry', { publication_id: idOf(item), error: error as Error });
      return undefined;
    }
  }

  /** Rewrites an item as it is (a no-op assignment): dynalite writes every index entry of it again from the item. */
  private async reindex(publicationId: string): Promise<void> {
    await this.ignoringRefusal(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: publicationKeys.key(publicationId),
        UpdateExpression: 'SET #id = #id',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#id': 'publication_id', '#pk': PRIMARY_KEY.partitionKey },
      }),
    );
  }

  /**
   * Removes an entry at keys (`partition`, `sort`) of `index` the item no
   * longer has: the item takes those keys, which moves the entry to it,
   * then gets its own back, which deletes the entry.
   */
  private async unindex(item: Item, index: IndexName, partition: string, sort: string): Promise<void> {
    const { partitionKey, sortKey } = indexOf(index);
    const own = derivedKeys(item);
    // Only from an item whose stored keys are its own: anything else is a write or a repair under way, the next read judges again.
    if (item[partitionKey] !== own[partitionKey] || item[sortKey] !== own[sortKey]) return;
    const marker: RepairMarker = { token: randomUUID(), index, partition: String(own[partitionKey]), sort: String(own[sortKey]) };
    const lent = await this.ignoringRefusal(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: publicationKeys.key(idOf(item)),
        UpdateExpression: 'SET #ipk = :stalePartition, #isk = :staleSort, #repair = :marker',
        ConditionExpression: `attribute_exists(#pk) AND ${NO_REPAIR_IN_PROGRESS} AND #ipk = :partition AND #isk = :sort`,
        ExpressionAttributeNames: { '#pk': PRIMARY_KEY.partitionKey, '#ipk': partitionKey, '#isk': sortKey, '#repair': REPAIR_ATTRIBUTE },
        ExpressionAttributeValues: { ':stalePartition': partition, ':staleSort': sort, ':marker': marker, ':partition': marker.partition, ':sort': marker.sort },
      }),
    );
    if (!lent) return;
    await this.finish(idOf(item), marker);
    logger.warn('stale index entry of a publication removed', { publication_id: idOf(item), index, partition, sort });
  }

  /** Gives an item back the index keys a repair's marker names, once (only while that marker is there). */
  private async finish(publicationId: string, marker: RepairMarker): Promise<void> {
    const { partitionKey, sortKey } = indexOf(marker.index);
    await this.ignoringRefusal(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: publicationKeys.key(publicationId),
        UpdateExpression: 'SET #ipk = :partition, #isk = :sort REMOVE #repair',
        ConditionExpression: '#repair.#token = :token',
        ExpressionAttributeNames: { '#ipk': partitionKey, '#isk': sortKey, '#repair': REPAIR_ATTRIBUTE, '#token': 'token' },
        ExpressionAttributeValues: { ':partition': marker.partition, ':sort': marker.sort, ':token': marker.token },
      }),
    );
  }

  /** @returns false when the write's condition was refused (someone else got there first: nothing to do). */
  private async ignoringRefusal(command: UpdateCommand): Promise<boolean> {
    try {
      await this.table.doc.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async get(publicationId: string): Promise<Item | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: publicationKeys.key(publicationId), ConsistentRead: true }),
    );
    return Item;
  }
}

function indexOf(name: IndexName) {
  const index = Object.values(INDEXES).find((i) => i.name === name);
  if (!index) throw new Error(`unknown index ${name}`);
  return index;
}

function idOf(item: Item): string {
  return String(item.publication_id);
}

/** The table and index keys a publication item should carry, from its own attributes (keys.ts). */
function derivedKeys(item: Item): Record<string, string> {
  return publicationKeys.item({
    publication_id: String(item.publication_id),
    channel_id: String(item.channel_id),
    video_id: String(item.video_id),
    status: String(item.status),
    scheduled_at: String(item.scheduled_at),
    slot_id: String(item.slot_id),
  });
}

/** Whether an entry holds exactly the item (the index copy of a projection ALL). */
function sameItem(entry: Item, item: Item): boolean {
  return canonical(entry) === canonical(item);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Uint8Array || value instanceof Set) return JSON.stringify([...value]);
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Item)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
