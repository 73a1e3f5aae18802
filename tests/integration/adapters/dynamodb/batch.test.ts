import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_GET_SIZE, BATCH_WRITE_SIZE, batchGet, batchWrite } from '#shared/adapters/dynamodb/batch';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { scanTable, useTablePerTest } from '#tests/helpers/embedded-table';

const item = (n: number) => ({ pk: `ITEM#${String(n).padStart(4, '0')}`, sk: 'ITEM', n });

describe('Functions: batchWrite / batchGet', () => {
  let table: EmbeddedTable;

  useTablePerTest((created) => {
    table = created;
  });

  it(`writes more than ${BATCH_WRITE_SIZE} items (several batches), every one of them`, async () => {
    // Prepare
    const items = Array.from({ length: 3 * BATCH_WRITE_SIZE + 7 }, (_, i) => item(i));

    // Act
    await batchWrite(table.doc, table.tableName, items.map((Item) => ({ PutRequest: { Item } })));

    // Assess
    expect(await scanTable(table)).toEqual(items);
  });

  it(`deletes more than ${BATCH_WRITE_SIZE} items in batches`, async () => {
    // Prepare
    const items = Array.from({ length: 60 }, (_, i) => item(i));
    await batchWrite(table.doc, table.tableName, items.map((Item) => ({ PutRequest: { Item } })));

    // Act
    await batchWrite(table.doc, table.tableName, items.slice(0, 55).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));

    // Assess
    expect(await scanTable(table)).toEqual(items.slice(55));
  });

  it(`reads more than ${BATCH_GET_SIZE} keys (several batches), skipping missing and repeated keys`, async () => {
    // Prepare
    const stored = Array.from({ length: 2 * BATCH_GET_SIZE + 30 }, (_, i) => item(i));
    await batchWrite(table.doc, table.tableName, stored.map((Item) => ({ PutRequest: { Item } })));
    const keys = [
      ...stored.map(({ pk, sk }) => ({ pk, sk })),
      ...stored.slice(0, 40).map(({ pk, sk }) => ({ pk, sk })),
      ...Array.from({ length: 15 }, (_, i) => ({ pk: `MISSING#${i}`, sk: 'ITEM' })),
    ];

    // Act
    const read = await batchGet<{ pk: string; sk: string; n: number }>(table.doc, table.tableName, keys);

    // Assess
    expect(read).toHaveLength(stored.length);
    expect(read.map((r) => r.n).sort((a, b) => a - b)).toEqual(stored.map((s) => s.n));
  });

  it('does nothing for no requests and no keys', async () => {
    await batchWrite(table.doc, table.tableName, []);
    expect(await batchGet(table.doc, table.tableName, [])).toEqual([]);
  });
});
