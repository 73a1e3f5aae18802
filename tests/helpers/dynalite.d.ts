declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

/**
 * dynalite's store, below its HTTP API: what tests/integration/infra/local
 * uses to leave a write half-done, as a process killed inside dynalite does.
 */
declare module 'dynalite/db/index.js' {
  type StoredItem = Record<string, unknown>;
  type Callback<T = void> = (error: Error | null, value?: T) => void;
  interface TableDescription {
    TableName: string;
    GlobalSecondaryIndexes?: unknown[];
  }
  interface Store {
    getTable(name: string, callback: Callback<TableDescription>): void;
    lifecycleManager: { gracefulClose(): Promise<void> };
  }
  export function create(options: { path: string }): Store;
  /** Deletes an item's old index entries and puts its new ones: the step dynalite takes before writing the item itself. */
  export function updateIndexes(store: Store, table: TableDescription, existingItem: StoredItem | null, item: StoredItem | null, callback: Callback): void;
}
