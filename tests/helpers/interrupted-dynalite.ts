import { createRequire } from 'node:module';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-table';

type WireItem = Record<string, AttributeValue>;
type Callback<T = void> = (error: Error | null | undefined, value?: T) => void;

/** The parts of dynalite's store (node_modules/dynalite/db/index.js) that write underneath its API. */
interface DynaliteStore {
  getTable(name: string, checkStatus: boolean, callback: Callback<DynaliteTable>): void;
  getItemDb(name: string): {
    get(key: string, callback: Callback<WireItem>): void;
    del(key: string, callback: Callback): void;
    lock(key: string, task: (release: <C extends (...args: never[]) => void>(callback: C) => C) => void): void;
  };
}
type DynaliteTable = { TableName: string };
interface DynaliteDb {
  create(options: unknown): DynaliteStore;
  createKey(item: WireItem, table: DynaliteTable): string;
  updateIndexes(store: DynaliteStore, table: DynaliteTable, existing: WireItem | null, item: WireItem | null, callback: Callback): void;
}

const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as DynaliteDb;

/**
 * What a process killed inside one of dynalite's writes leaves behind.
 * dynalite's PutItem, UpdateItem and DeleteItem write (and delete) the
 * item's index entries first (db/index.js `updateIndexes`), then the item:
 * these run the first half with dynalite's own code and stop there.
 */
export interface InterruptedWrites {
  /**
   * A write of `item` (the whole new version) cut after its index writes:
   * the entries of the version it replaces are deleted where their keys
   * change, the new version's entries written, the item left as it was
   * (absent, for a new item).
   */
  indexWritesOnly(tableName: string, item: Record<string, NativeAttributeValue>): Promise<void>;
  /** An item gone while its index entries stay (as a new item's write cut after its index writes leaves it). */
  removeItemOnly(tableName: string, key: Record<string, string>): Promise<void>;
  /** The item as dynalite stores it, read underneath the API; null when absent. */
  storedItem(tableName: string, key: Record<string, string>): Promise<Record<string, unknown> | null>;
}

/**
 * An embedded dynalite (as `startEmbeddedDynamo`) whose store a test can
 * reach: dynalite keeps it in a closure, so its creation is watched for.
 */
export async function startInterruptibleDynamo(): Promise<EmbeddedDynamo & { interrupted: InterruptedWrites }> {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (options) => (store = create(options));
  let started: Promise<EmbeddedDynamo>;
  try {
    // dynalite() (and so the store) is built before startEmbeddedDynamo first awaits.
    started = startEmbeddedDynamo();
  } finally {
    dynaliteDb.create = create;
  }
  const dynamo = await started;
  if (!store) throw new Error("dynalite's store was not created through dynalite/db: this dynalite version builds it otherwise");
  return { ...dynamo, interrupted: interruptedWrites(store) };
}

function interruptedWrites(store: DynaliteStore): InterruptedWrites {
  const tableOf = (name: string) => new Promise<DynaliteTable>((resolve, reject) => store.getTable(name, false, (e, t) => (e ? reject(e) : resolve(t!))));
  /** Runs `task` on the item's key under dynalite's own lock of it, with the item as stored (null when absent). */
  async function withItem(name: string, keyItem: WireItem, task: (table: DynaliteTable, key: string, existing: WireItem | null, done: Callback) => void) {
    const table = await tableOf(name);
    const itemDb = store.getItemDb(name);
    const key = dynaliteDb.createKey(keyItem, table);
    await new Promise<void>((resolve, reject) => {
      itemDb.lock(key, (release) => {
        const done = release(((error: Error | null | undefined) => (error ? reject(error) : resolve())) as Callback);
        itemDb.get(key, (error, existing) => {
          if (error && error.name !== 'NotFoundError') return done(error);
          task(table, key, existing ?? null, done);
        });
      });
    });
  }
  return {
    async indexWritesOnly(name, item) {
      const wire = marshall(item, { removeUndefinedValues: true });
      await withItem(name, wire, (table, _key, existing, done) => dynaliteDb.updateIndexes(store, table, existing, wire, done));
    },
    async removeItemOnly(name, key) {
      await withItem(name, marshall(key), (_table, itemKey, _existing, done) => store.getItemDb(name).del(itemKey, done));
    },
    async storedItem(name, key) {
      let found: WireItem | null = null;
      await withItem(name, marshall(key), (_table, _key, existing, done) => {
        found = existing;
        done(null);
      });
      return found ? unmarshall(found) : null;
    },
  };
}
