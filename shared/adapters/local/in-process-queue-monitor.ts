import type { QueueDepthCounts, QueueReading } from '#shared/domain/system-health';
import type { Clock } from '#shared/ports/clock';
import type { QueueMonitor } from '#shared/ports/queue-monitor';
import type { InProcessProcessingQueue } from './in-process-processing-queue';
import type { InProcessSlotScheduler } from './in-process-slot-scheduler';
import type { InProcessTriggerQueue } from './in-process-trigger-queue';

/**
 * The queue depths of `npm start`: the in-process trigger queue (each
 * priority, its dead letters), the processing queue (the jobs waiting for a
 * worker) and the slot scheduler's dead letters. No worker receives
 * processing jobs locally, so none is in flight and none can dead-letter:
 * the processing dead-letter queue is empty by construction.
 */
export class InProcessQueueMonitor implements QueueMonitor {
  constructor(
    private readonly queues: {
      triggerQueue: InProcessTriggerQueue;
      processingQueue: InProcessProcessingQueue;
      slotScheduler: InProcessSlotScheduler;
      clock: Clock;
    },
  ) {}

  async depths(): Promise<QueueReading[]> {
    const { triggerQueue, processingQueue, slotScheduler } = this.queues;
    const now = this.queues.clock.now().getTime();
    const jobs = processingQueue.pending();
    const oldestJob = jobs.reduce<number | undefined>((oldest, job) => Math.min(oldest ?? Date.parse(job.enqueued_at), Date.parse(job.enqueued_at)), undefined);
    const waiting = (count: number, oldestAt?: number): QueueDepthCounts => ({
      visible: count,
      in_flight: 0,
      delayed: 0,
      oldest_age_seconds: oldestAt === undefined ? null : Math.max(0, Math.floor((now - oldestAt) / 1000)),
    });
    const deadTriggers = triggerQueue.deadLetters();
    const deadSlots = slotScheduler.deadLetters();
    const reading = (name: QueueReading['name'], depth: QueueDepthCounts): QueueReading => ({ name, depth, error: null });
    return [
      reading('trigger_high', triggerQueue.depthOf('high')),
      reading('trigger_normal', triggerQueue.depthOf('normal')),
      reading('trigger_dead_letter', waiting(deadTriggers.length, deadTriggers[0]?.dead_lettered_at)),
      reading('processing', waiting(jobs.length, oldestJob)),
      reading('processing_dead_letter', waiting(0)),
      reading('slot_dead_letter', waiting(deadSlots.length, deadSlots[0] ? Date.parse(deadSlots[0].failed_at) : undefined)),
    ];
  }
}
