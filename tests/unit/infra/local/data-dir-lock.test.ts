import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '#infra/local/data-dir-lock';

/** The pid of a process that has been killed with SIGKILL and reaped: what a server killed with kill -9 leaves in server.pid. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return child.pid as number;
}

describe('Function: lockDataDir', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'data-dir-lock-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('takes over the lock of a server killed with kill -9, and says the last run crashed', async () => {
    // Prepare
    await writeFile(path.join(dataDir, 'server.pid'), String(await deadPid()));

    // Act
    const lock = await lockDataDir(dataDir);

    // Assess
    expect(lock.afterCrash).toBe(true);
    expect(await readFile(path.join(dataDir, 'server.pid'), 'utf8')).toBe(String(process.pid));
    await lock.release();
  });

  it('after a clean stop (the lock released) says the last run did not crash', async () => {
    // Prepare
    await (await lockDataDir(dataDir)).release();

    // Act
    const lock = await lockDataDir(dataDir);

    // Assess
    expect(lock.afterCrash).toBe(false);
    await lock.release();
  });

  it('refuses a DATA_DIR whose server is alive', async () => {
    // Prepare: this test's parent process stands for a live server
    await writeFile(path.join(dataDir, 'server.pid'), String(process.ppid));

    // Act
    const attempt = lockDataDir(dataDir);

    // Assess
    await expect(attempt).rejects.toThrow(/in use by process/);
  });
});
