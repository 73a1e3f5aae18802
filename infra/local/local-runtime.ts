import path from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { InProcessSlotScheduler, type SlotSchedulerSnapshot } from '#shared/adapters/local/in-process-slot-scheduler';
import { InProcessProcessingQueue, type ProcessingQueueSnapshot } from '#shared/adapters/local/in-process-processing-queue';
import { InProcessTriggerQueue, type TriggerQueueSnapshot } from '#shared/adapters/local/in-process-trigger-queue';
import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';
import { JsonSnapshotFile } from './json-snapshot-file';
import { lambdaContext } from './lambda-context';
import { lazyHandler } from './function-modules';
import { logger } from '#shared/logger';

/** The slot target and the queue consumer, as the CDK stack wires them. */
export const SLOT_TARGET_FILE = 'functions/scheduled/fire-slot.ts';
export const TRIGGER_CONSUMER_FILE = 'functions/queue/pipeline-triggers.ts';
/** The periodic job the stateless stack's EventBridge rule runs every five minutes. */
export const RECONCILIATION_FILE = 'functions/scheduled/reconcile-publications.ts';
/** The health sweep, which another EventBridge rule runs every `healthSweepMinutes`. */
export const HEALTH_SWEEP_FILE = 'functions/scheduled/health-sweep.ts';

/** Generous, like a worker function's timeout: the handlers may size their work by the time left. */
const WORKER_TIMEOUT_MS = 5 * 60_000;

export interface LocalRuntime {
  slotScheduler: InProcessSlotScheduler;
  triggerQueue: InProcessTriggerQueue;
  /** Where runs of channels without a repository wait for a worker (none runs locally: docs/pipelines.md). */
  processingQueue: InProcessProcessingQueue;
  /** Stops the timers, lets work under way finish and writes pending work to DATA_DIR. */
  stop(): Promise<void>;
}

/**
 * EventBridge Scheduler and SQS with its Lambda event source, in this
 * process: a fired slot invokes the slot target's handler with the event
 * Scheduler would deliver; queued triggers reach the consumer's handler as an
 * SQS event. Both handlers are imported when first needed. With `dataDir`,
 * pending schedules, queued messages and dead letters are kept there.
 */
export async function startLocalRuntime(options: {
  dataDir?: string | undefined;
  region: string;
  reconcileIntervalMs: number;
  /** How often the health sweep runs (HEALTH_SWEEP_INTERVAL_SECONDS); 0: never. Its first run is one interval after start. */
  healthSweepIntervalMs?: number | undefined;
  /** Trigger batches dispatched at once (DISPATCH_CONCURRENCY). */
  dispatchConcurrency?: number | undefined;
}): Promise<LocalRuntime> {
  const fireSlot = lazyHandler<SlotFiredEvent, unknown>(SLOT_TARGET_FILE);
  const consumeTriggers = lazyHandler<SQSEvent, SQSBatchResponse | undefined>(TRIGGER_CONSUMER_FILE);
  const stored = <T>(name: string) => (options.dataDir ? new JsonSnapshotFile<T>(path.join(options.dataDir, name)) : undefined);

  const slotScheduler = new InProcessSlotScheduler({
    fire: async (event) => {
      await fireSlot(event, lambdaContext('fire-slot', { timeoutMs: WORKER_TIMEOUT_MS, region: options.region }));
    },
    store: stored<SlotSchedulerSnapshot>('slot-schedules.json'),
  });
  const triggerQueue = new InProcessTriggerQueue({
    consume: (event) => consumeTriggers(event, lambdaContext('pipeline-triggers', { timeoutMs: WORKER_TIMEOUT_MS, region: options.region })),
    store: stored<TriggerQueueSnapshot>('trigger-queue.json'),
    queueArn: `arn:aws:sqs:${options.region}:000000000000:channel-orchestrator-local-triggers`,
    concurrency: options.dispatchConcurrency,
  });
  const processingQueue = new InProcessProcessingQueue({
    store: stored<ProcessingQueueSnapshot>('processing-queue.json'),
    onJob: (job) => logger.info('processing job waiting for a worker', { run_id: job.run_id, channel_id: job.channel_id, publications: job.publications.length }),
  });
  await processingQueue.load();
  await slotScheduler.start();
  await triggerQueue.start();
  const reconciliation = startPeriodicJob(
    lazyHandler<unknown, unknown>(RECONCILIATION_FILE),
    () => lambdaContext('reconcile-publications', { timeoutMs: WORKER_TIMEOUT_MS, region: options.region }),
    options.reconcileIntervalMs,
  );
  const healthSweep = options.healthSweepIntervalMs
    ? startPeriodicJob(
        lazyHandler<unknown, unknown>(HEALTH_SWEEP_FILE),
        () => lambdaContext('health-sweep', { timeoutMs: WORKER_TIMEOUT_MS, region: options.region }),
        options.healthSweepIntervalMs,
        // Not at start: a restart says nothing new about repositories, and the last sweep's health is stored.
        { runAtStart: false, detail: { interval_seconds: Math.round(options.healthSweepIntervalMs / 1000) } },
      )
    : undefined;
  return {
    slotScheduler,
    triggerQueue,
    processingQueue,
    // The periodic job and the scheduler first: a slot that fires while stopping still reaches the queue.
    stop: async () => {
      await healthSweep?.stop();
      await reconciliation.stop();
      await slotScheduler.stop();
      await triggerQueue.stop();
    },
  };
}

/**
 * An EventBridge rule's twin: invokes `handler` every `intervalMs` with a
 * scheduled event, never two runs at once; a failed run is logged and the
 * next one comes as usual. The first run (right away, unless `runAtStart` is
 * false) says it follows a restart: this process knows that every booking
 * it did not start belongs to a process that died.
 */
function startPeriodicJob(
  handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>,
  context: () => ReturnType<typeof lambdaContext>,
  intervalMs: number,
  options: { runAtStart?: boolean; detail?: Record<string, unknown> } = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const run = (detail: Record<string, unknown>) => {
    if (running) return;
    const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: new Date().toISOString(), detail: { ...options.detail, ...detail } };
    running = handler(event, context())
      .catch((error: unknown) => logger.error('periodic job failed', { error: error as Error }))
      .finally(() => {
        running = undefined;
      });
  };
  if (options.runAtStart ?? true) run({ after_restart: true });
  const timer = setInterval(() => run({}), intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
