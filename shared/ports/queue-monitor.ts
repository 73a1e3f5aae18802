import type { QueueReading } from '#shared/domain/system-health';

/**
 * Reads the depth of every queue the system has (QUEUE_NAMES: both trigger
 * queues, their dead-letter queue, the processing queue and its dead-letter
 * queue, the slot dead-letter queue), for GET /dashboard. A queue that cannot
 * be read is answered with its error rather than failing the whole read: the
 * dashboard still answers, and its health says which queue it could not see.
 */
export interface QueueMonitor {
  /** One reading a queue, in QUEUE_NAMES order. */
  depths(): Promise<QueueReading[]>;
}
