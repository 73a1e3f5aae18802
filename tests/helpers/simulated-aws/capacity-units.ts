import { itemSize, type AttributeValue } from './item-size';
import type { Charge } from './throughput-meter';

/**
 * How DynamoDB counts capacity units, on marshalled items
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations).
 */
export type Item = Record<string, AttributeValue>;

/** A key schema: the table's or one global secondary index's (all projecting ALL attributes). */
export interface KeySchema {
  /** 'table' or the index name. */
  name: string;
  partitionKey: string;
  sortKey: string;
}

/** A write unit covers 1 KB; a read unit 4 KB. */
export const WRITE_UNIT_BYTES = 1024;
export const READ_UNIT_BYTES = 4 * 1024;

/** Write units for an item of `bytes`: rounded up to 1 KB, at least 1. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/** Read units for `bytes` read in one go: rounded up to 4 KB (at least one unit), half for an eventually consistent read. */
export function readUnits(bytes: number, consistent: boolean): number {
  return Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);
}

/** The string value of a key attribute (all keys of this table are strings), or undefined if absent. */
export function keyValue(item: Item | undefined, attribute: string): string | undefined {
  const value = item?.[attribute];
  if (!value) return undefined;
  if ('S' in value) return String(value.S);
  if ('N' in value) return String(value.N);
  return JSON.stringify(value);
}

/** An item is in a GSI only when it has both of the index's key attributes. */
function indexEntry(item: Item | undefined, index: KeySchema): { pk: string; sk: string } | undefined {
  const pk = keyValue(item, index.partitionKey);
  const sk = keyValue(item, index.sortKey);
  return pk !== undefined && sk !== undefined ? { pk, sk } : undefined;
}

function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whether two marshalled items hold the same attributes and values. */
export function sameItem(a: Item | undefined, b: Item | undefined): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

/**
 * The write units a write consumes, per partition: the table's (the larger of
 * the item before and after, at least 1) and each index's, by DynamoDB's rules:
 * - the item enters the index: one put of the new entry;
 * - it leaves the index (a key attribute removed, or the item deleted): one delete of the old entry;
 * - an index key changes (A to B): a delete of the old entry and a put of the new;
 * - the key stays and another attribute changes: one update of the entry (ALL is projected);
 * - nothing the index holds changes, or the item is in it neither before nor after: nothing.
 * An index entry's size is the item's, since every index projects all attributes.
 */
export function writeCharges(table: KeySchema, indexes: readonly KeySchema[], before: Item | undefined, after: Item | undefined): Charge[] {
  const beforeBytes = itemSize(before);
  const afterBytes = itemSize(after);
  const tableKey = keyValue(after ?? before, table.partitionKey) ?? '?';
  const charges: Charge[] = [{ resource: 'table', key: tableKey, units: writeUnits(Math.max(beforeBytes, afterBytes)) }];
  const changed = !sameItem(before, after);
  for (const index of indexes) {
    const old = indexEntry(before, index);
    const now = indexEntry(after, index);
    if (old && now && old.pk === now.pk && old.sk === now.sk) {
      if (changed) charges.push({ resource: index.name, key: now.pk, units: writeUnits(Math.max(beforeBytes, afterBytes)) });
      continue;
    }
    if (old) charges.push({ resource: index.name, key: old.pk, units: writeUnits(beforeBytes) });
    if (now) charges.push({ resource: index.name, key: now.pk, units: writeUnits(afterBytes) });
  }
  return charges;
}

/**
 * A conditional write whose condition failed still consumes write units on the
 * table (never on an index): the larger of the existing item and the one the
 * request would have written, at least 1.
 */
export function failedConditionCharges(table: KeySchema, before: Item | undefined, wouldWrite: Item | undefined): Charge[] {
  const key = keyValue(wouldWrite ?? before, table.partitionKey) ?? '?';
  return [{ resource: 'table', key, units: writeUnits(Math.max(itemSize(before), itemSize(wouldWrite))) }];
}
