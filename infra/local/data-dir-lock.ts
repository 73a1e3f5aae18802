import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DataDirLock {
  /** True when the lock was taken over from a process that died holding it: DATA_DIR may hold what it left half-written. */
  afterCrash: boolean;
  release(): Promise<void>;
}

/**
 * Claims DATA_DIR for this process (a `server.pid` file), so that a second
 * server on the same directory stops at once with a clear message instead of
 * failing inside the embedded database. A lock left by a process that is
 * gone (killed, crashed) is taken over.
 */
export async function lockDataDir(directory: string): Promise<DataDirLock> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, 'server.pid');
  let afterCrash = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return { afterCrash, release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new Error(`DATA_DIR ${directory} is in use by process ${holder}; stop that server or choose another DATA_DIR`);
    }
    await rm(file, { force: true });
    afterCrash = true;
  }
  throw new Error(`could not lock DATA_DIR ${directory}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
