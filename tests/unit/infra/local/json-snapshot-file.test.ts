import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonSnapshotFile } from '#infra/local/json-snapshot-file';

describe('Class: JsonSnapshotFile', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'json-snapshot-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('Method: save', () => {
    it('resolves once the state is on disk, each of many saves in a row with the latest state', async () => {
      // Prepare
      const file = path.join(dataDir, 'state.json');
      const store = new JsonSnapshotFile<{ n: number }>(file);
      let n = 0;

      // Act
      const saves = [1, 2, 3].map(() => {
        n++;
        return store.save(() => ({ n })).then(async () => (JSON.parse(await readFile(file, 'utf8')) as { n: number }).n);
      });

      // Assess: each save found at least its own state on disk
      const seen = await Promise.all(saves);
      expect(seen.every((value, i) => value >= i + 1)).toBe(true);
      expect(await store.load()).toEqual({ n: 3 });
    });

    it('rejects when the state cannot be written, and a later save writes again', async () => {
      // Prepare: the file's directory is a file, so no write can land
      const blocked = path.join(dataDir, 'blocked');
      await writeFile(blocked, 'not a directory');
      const store = new JsonSnapshotFile<{ n: number }>(path.join(blocked, 'state.json'));

      // Act
      const failed = store.save(() => ({ n: 1 }));

      // Assess
      await expect(failed).rejects.toThrow();
      await rm(blocked);
      await expect(store.save(() => ({ n: 2 }))).resolves.toBeUndefined();
      expect(await store.load()).toEqual({ n: 2 });
    });
  });

  describe('Method: load', () => {
    it('removes the temporary files a killed process left beside the state, and keeps the state', async () => {
      // Prepare
      const file = path.join(dataDir, 'state.json');
      await writeFile(file, JSON.stringify({ n: 1 }));
      await writeFile(`${file}.12345.tmp`, '{"n": 2, "half-wri');
      await writeFile(path.join(dataDir, 'other.json.12345.tmp'), 'another file\'s');

      // Act
      const state = await new JsonSnapshotFile<{ n: number }>(file).load();

      // Assess
      expect(state).toEqual({ n: 1 });
      expect((await readdir(dataDir)).sort()).toEqual(['other.json.12345.tmp', 'state.json']);
    });
  });
});
