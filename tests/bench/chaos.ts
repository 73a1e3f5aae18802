import { runChaos, type ChaosOptions, type ChaosReport } from '#tests/helpers/chaos-workload';
import { temporaryDataDir } from '#tests/helpers/local-server';

/**
 * Issue 7's chaos run (tests/helpers/chaos-workload.ts) on a fresh DATA_DIR:
 * `rounds` kill -9 restarts during mixed bursts, then the world read back
 * from DATA_DIR and held to the guarantees.
 */
export async function measureChaos(options: Omit<ChaosOptions, 'dataDir'> = {}): Promise<ChaosReport> {
  const data = await temporaryDataDir();
  try {
    return await runChaos({ dataDir: data.dir, ...options });
  } finally {
    await data.remove();
  }
}
