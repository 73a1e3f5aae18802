import path from 'node:path';
import { overrideAdapters } from '#shared/composition-root';
import { InProcessQueueMonitor } from '#shared/adapters/local/in-process-queue-monitor';
import { InProcessRunMetrics } from '#shared/adapters/local/in-process-run-metrics';
import { systemClock } from '#shared/ports/clock';
import { settings, useLocalTable, type LocalSettings } from '#shared/config';
import { routeList } from '#shared/routes';
import { lockDataDir } from './data-dir-lock';
import { ensureTable, repairIndexes, startEmbeddedDynamoDb } from './embedded-dynamodb';
import { createConsoleAssets, localConsoleConfig } from './console-assets';
import { HttpRouter } from './http-router';
import { startLocalApiServer } from './local-api-server';
import { startLocalRuntime } from './local-runtime';

/** The local table's name (the one table of the stateful stack). */
export const LOCAL_TABLE_NAME = 'channel-orchestrator-local';

export interface LocalOrchestrator {
  url: string;
  /** The web console: http://127.0.0.1:<port>/ */
  consoleUrl: string;
  port: number;
  /** Where the state is kept; undefined when in memory. */
  dataDir: string | undefined;
  /** Items of DATA_DIR whose index entries a crash had left half-written, repaired at start. */
  repairedItems: number;
  /** Stops the API, then the scheduler and the queue (writing their state out), then the table, then frees DATA_DIR. */
  stop(): Promise<void>;
}

/**
 * The whole system in one process, as `npm start` runs it:
 * 1. dynalite on a free port (in DATA_DIR/dynamodb when set) and the table;
 *    after a crash of the process before, its indexes repaired of what that left;
 * 2. the functions' settings pointed at it;
 * 3. in-process Scheduler and SQS in place of the AWS adapters;
 * 4. the route table served on 127.0.0.1:PORT, the web console beside it
 *    (built on its first request).
 * Stopping undoes these in reverse: the API first, the table last.
 */
export async function startLocalOrchestrator(local: LocalSettings): Promise<LocalOrchestrator> {
  const dataDir = local.DATA_DIR ? path.resolve(local.DATA_DIR) : undefined;
  const lock = dataDir ? await lockDataDir(dataDir) : undefined;
  const cleanup: (() => Promise<void>)[] = [async () => lock?.release()];
  // Every step runs even if one before it failed; the first failure is reported.
  const unwind = async () => {
    const failures: unknown[] = [];
    for (const step of cleanup.splice(0).reverse()) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  try {
    const dynamo = await startEmbeddedDynamoDb({ directory: dataDir && path.join(dataDir, 'dynamodb') });
    cleanup.push(() => dynamo.close());
    await ensureTable(dynamo.endpoint, LOCAL_TABLE_NAME);
    // Only a process that died can have left a write half-done (a clean stop releases the lock).
    const repairedItems = lock?.afterCrash ? await repairIndexes(dynamo.endpoint, LOCAL_TABLE_NAME) : 0;
    useLocalTable(LOCAL_TABLE_NAME, dynamo.endpoint);
    const region = settings().AWS_REGION;
    const runtime = await startLocalRuntime({
      dataDir,
      region,
      reconcileIntervalMs: local.RECONCILE_INTERVAL_SECONDS * 1000,
      healthSweepIntervalMs: local.HEALTH_SWEEP_INTERVAL_SECONDS * 1000,
      dispatchConcurrency: settings().DISPATCH_CONCURRENCY,
    });
    cleanup.push(() => runtime.stop());
    // The DATA_DIR lock makes this the one process on the data: an intent another left died with it.
    overrideAdapters({
      triggerQueue: runtime.triggerQueue,
      slotScheduler: runtime.slotScheduler,
      processingQueue: runtime.processingQueue,
      queueMonitor: new InProcessQueueMonitor({ ...runtime, clock: systemClock }),
      runMetrics: new InProcessRunMetrics(),
      soleProcess: true,
    });
    const api = await startLocalApiServer({
      port: local.PORT,
      router: new HttpRouter(routeList),
      region,
      apiToken: local.ORCHESTRATOR_API_TOKEN,
      console: createConsoleAssets(localConsoleConfig({ apiToken: local.ORCHESTRATOR_API_TOKEN })),
    });
    cleanup.push(() => api.close());
    return { url: api.url, consoleUrl: `http://127.0.0.1:${api.port}/`, port: api.port, dataDir, repairedItems, stop: unwind };
  } catch (error) {
    await unwind().catch(() => undefined);
    throw error;
  }
}
