import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotStore } from '#shared/adapters/local/in-process-slot-scheduler';

/**
 * An in-process adapter's state as one JSON file (under DATA_DIR). Writes
 * are atomic (a temporary file renamed over the old one), so a crash leaves
 * the previous state or the new one, never half of either. Saves are
 * coalesced: while one write is under way, further changes make one more
 * write of the then-latest state, and every `save` waiting for one of them
 * resolves with it.
 */
export class JsonSnapshotFile<T> implements SnapshotStore<T> {
  private pending: (() => T) | undefined;
  private writing: Promise<void> | undefined;
  /** Saves asked for so far, and the last of them on disk: a save waits until its number is. */
  private requested = 0;
  private written = 0;
  private failure: { upTo: number; error: Error } | undefined;

  constructor(readonly file: string) {}

  /** Reads the stored state; temporary files a killed process left half-written beside it are removed. */
  async load(): Promise<T | undefined> {
    await this.removeLeftovers();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`${this.file} is not valid JSON (${(error as Error).message}); move it away to start without it`);
    }
  }

  scheduleSave(read: () => T): void {
    this.pending = read;
    this.requested++;
    // Started on the next microtask, so that changes made in one go are written once.
    this.writing ??= Promise.resolve().then(() => this.drain());
  }

  async save(read: () => T): Promise<void> {
    this.scheduleSave(read);
    const mine = this.requested;
    // The write that takes this state, or a later one, settles it.
    while (this.written < mine) {
      if (this.failure && this.failure.upTo >= mine) throw this.failure.error;
      if (!this.writing) throw new Error(`${this.file}: the state was not written`);
      await this.writing;
    }
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const read = this.pending;
        const upTo = this.requested;
        this.pending = undefined;
        try {
          await this.write(JSON.stringify(read()));
          this.written = upTo;
        } catch (error) {
          // A scheduled save has nobody waiting: the next change tries again. A `save` waiting rejects with it.
          this.failure = { upTo, error: error as Error };
          process.stderr.write(`could not save ${this.file}: ${(error as Error).message}\n`);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** The server holds DATA_DIR alone (data-dir-lock.ts): another process's temporary file is one it never renamed. */
  private async removeLeftovers(): Promise<void> {
    const base = path.basename(this.file);
    const names = await readdir(path.dirname(this.file)).catch(() => [] as string[]);
    const leftovers = names.filter((name) => name.startsWith(`${base}.`) && name.endsWith('.tmp') && name !== path.basename(this.temporary));
    await Promise.all(leftovers.map((name) => rm(path.join(path.dirname(this.file), name), { force: true })));
  }

  private get temporary(): string {
    return `${this.file}.${process.pid}.tmp`;
  }

  private async write(json: string): Promise<void> {
    const temporary = this.temporary;
    await mkdir(path.dirname(this.file), { recursive: true });
    try {
      await writeFile(temporary, json, 'utf8');
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
