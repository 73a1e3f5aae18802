import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger';
import { systemClock, type Clock } from '#shared/ports/clock';
import {
  delayOf,
  MAX_TRIGGER_BYTES,
  type PipelineTrigger,
  type QueueDepth,
  type SendOptions,
  type TriggerQueue,
} from '#shared/ports/trigger-queue';
import type { QueueDepthCounts } from '#shared/domain/system-health';
import type { SnapshotStore } from './in-process-slot-scheduler';

/**
 * The queue's consumer: functions/queue/pipeline-triggers.ts's handler. It
 * reports the records it could not process in `batchItemFailures`
 * (ReportBatchItemFailures); nothing returned means all succeeded.
 */
export type ConsumeTriggers = (event: SQSEvent) => Promise<SQSBatchResponse | undefined | void>;

/** A message as the queue holds it. Times are epoch milliseconds. */
export interface QueuedMessage {
  message_id: string;
  /** The trigger, as JSON: the message body. */
  body: string;
  priority: PipelineTrigger['priority'];
  sent_at: number;
  receive_count: number;
  first_received_at: number | null;
  /** Hidden until then: sent with a delay, or after a failed receive (the visibility timeout). */
  visible_at: number;
}

export interface DeadLetterMessage extends QueuedMessage {
  dead_lettered_at: number;
}

export interface TriggerQueueSnapshot {
  version: 1;
  messages: QueuedMessage[];
  dead_letters: DeadLetterMessage[];
}

export interface InProcessTriggerQueueOptions {
  consume: ConsumeTriggers;
  /** Must move with the timers (the system clock does, also under fake timers). */
  clock?: Clock;
  store?: SnapshotStore<TriggerQueueSnapshot>;
  /** Records a batch, at most (the event source mapping's BatchSize; SQS allows 10). */
  batchSize?: number;
  /** Receives before a failing message moves to the dead-letter list (the redrive policy's maxReceiveCount). */
  maxReceiveCount?: number;
  /** How long a failed message stays hidden before it is received again. */
  visibilityTimeoutMs?: number;
  /** Batches handed to the consumer at once. */
  concurrency?: number;
  /** For the records' eventSourceARN and awsRegion. */
  queueArn?: string;
}

const DEFAULTS = {
  batchSize: 10,
  maxReceiveCount: 5,
  visibilityTimeoutMs: 30_000,
  concurrency: 1,
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:channel-orchestrator-local-triggers',
} as const;

interface Slot {
  message: QueuedMessage;
  /** Set while a batch holding the message is with the consumer. */
  receiptHandle: string | undefined;
}

/**
 * The pipeline-trigger queue and its Lambda event source, in process
 * (`npm start`). SQS semantics where the dispatcher can tell: batches of up to
 * 10 SQS-shaped records; records named in `batchItemFailures` (all of them
 * when the consumer throws) become visible again after the visibility timeout,
 * and move to the dead-letter list after `maxReceiveCount` receives; the rest
 * are deleted. A message sent with a delay is handed over once it is over
 * (SQS DelaySeconds), on the clock's time, after a restart too. High-priority
 * messages are handed over first, which SQS does not promise and the
 * consumer must not rely on. With a store, pending messages (delayed ones
 * with their time) and dead letters survive a restart.
 */
export class InProcessTriggerQueue implements TriggerQueue {
  private readonly clock: Clock;
  private readonly settings: Required<Omit<InProcessTriggerQueueOptions, 'consume' | 'clock' | 'store'>>;
  private readonly slots = new Map<string, Slot>();
  private readonly dead: DeadLetterMessage[] = [];
  private readonly batches = new Set<Promise<void>>();
  private wakeUp: { at: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: InProcessTriggerQueueOptions) {
    this.clock = options.clock ?? systemClock;
    this.settings = {
      batchSize: Math.min(10, Math.max(1, options.batchSize ?? DEFAULTS.batchSize)),
      maxReceiveCount: Math.max(1, options.maxReceiveCount ?? DEFAULTS.maxReceiveCount),
      visibilityTimeoutMs: Math.max(0, options.visibilityTimeoutMs ?? DEFAULTS.visibilityTimeoutMs),
      concurrency: Math.max(1, options.concurrency ?? DEFAULTS.concurrency),
      queueArn: options.queueArn ?? DEFAULTS.queueArn,
    };
  }

  /** Restores the stored messages and dead letters, then starts handing messages to the consumer. */
  async start(): Promise<void> {
    const snapshot = await this.options.store?.load();
    if (snapshot) {
      for (const message of snapshot.messages) {
        if (!this.slots.has(message.message_id)) this.slots.set(message.message_id, { message: { ...message }, receiptHandle: undefined });
      }
      this.dead.push(...snapshot.dead_letters);
    }
    this.started = true;
    this.wakeAt(this.now());
  }

  async send(triggers: readonly PipelineTrigger[], options?: SendOptions): Promise<void> {
    if (this.stopped) throw new Error('the in-process trigger queue is stopped');
    const delayMs = delayOf(options) * 1000;
    const bodies = triggers.map((trigger) => JSON.stringify(trigger));
    // The port's bound, not SQS's: what passes here passes SqsTriggerQueue too.
    const tooLarge = bodies.findIndex((body) => Buffer.byteLength(body, 'utf8') > MAX_TRIGGER_BYTES);
    if (tooLarge >= 0) throw new Error(`trigger ${triggers[tooLarge]?.trigger_id} exceeds the ${MAX_TRIGGER_BYTES}-byte trigger limit`);
    if (triggers.length === 0) return;
    const now = this.now();
    triggers.forEach((trigger, i) => {
      const message: QueuedMessage = {
        message_id: randomUUID(),
        body: bodies[i] as string,
        priority: trigger.priority,
        sent_at: now,
        receive_count: 0,
        first_received_at: null,
        visible_at: now + delayMs,
      };
      this.slots.set(message.message_id, { message, receiptHandle: undefined });
    });
    this.wakeAt(now + delayMs);
    // Stored before answering, as SendMessageBatch's answer means the messages are in the queue: a sender
    // that dies right after (a slot target that has marked its publications dispatching) loses none of them.
    await this.options.store?.save(() => this.snapshot());
  }

  /** Visible messages and those still delayed (never received) are pending; received or hidden after a failure, in flight. */
  async depth(): Promise<QueueDepth> {
    const now = this.now();
    let pending = 0;
    for (const slot of this.slots.values()) {
      if (this.isVisible(slot, now) || (slot.receiptHandle === undefined && slot.message.receive_count === 0)) pending++;
    }
    return { pending, in_flight: this.slots.size - pending, dead_letter: this.dead.length };
  }

  /**
   * One priority's messages as SQS counts them: visible, in flight (received,
   * or hidden after a failed receive), delayed (sent with a delay not yet
   * over, never received); and the age of the oldest.
   */
  depthOf(priority: PipelineTrigger['priority']): QueueDepthCounts {
    const now = this.now();
    const counts: QueueDepthCounts = { visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null };
    let oldest: number | undefined;
    for (const slot of this.slots.values()) {
      if (slot.message.priority !== priority) continue;
      if (this.isVisible(slot, now)) counts.visible++;
      else if (slot.receiptHandle === undefined && slot.message.receive_count === 0) counts.delayed++;
      else counts.in_flight++;
      oldest = Math.min(oldest ?? slot.message.sent_at, slot.message.sent_at);
    }
    if (oldest !== undefined) counts.oldest_age_seconds = Math.max(0, Math.floor((now - oldest) / 1000));
    return counts;
  }

  /** Messages that failed every receive, oldest first. */
  deadLetters(): DeadLetterMessage[] {
    return structuredClone(this.dead);
  }

  /** Stops receiving, lets batches under way finish and writes the state out. Undelivered messages stay stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.wakeUp) clearTimeout(this.wakeUp.timer);
    this.wakeUp = undefined;
    await Promise.allSettled([...this.batches]);
    this.save();
    await this.options.store?.flush();
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private isVisible(slot: Slot, now: number): boolean {
    return slot.receiptHandle === undefined && slot.message.visible_at <= now;
  }

  /** Makes sure the queue is polled again by `at` (one timer, for the earliest moment anything is due). */
  private wakeAt(at: number): void {
    if (!this.started || this.stopped) return;
    if (this.wakeUp && this.wakeUp.at <= at) return;
    if (this.wakeUp) clearTimeout(this.wakeUp.timer);
    const timer = setTimeout(
      () => {
        this.wakeUp = undefined;
        this.poll();
      },
      Math.max(0, at - this.now()),
    );
    timer.unref?.();
    this.wakeUp = { at, timer };
  }

  /** Hands visible messages to the consumer, up to `concurrency` batches at once. */
  private poll(): void {
    if (!this.started || this.stopped) return;
    while (this.batches.size < this.settings.concurrency) {
      const batch = this.receive();
      if (batch.length === 0) break;
      const delivery = this.deliver(batch).finally(() => {
        this.batches.delete(delivery);
        this.poll();
      });
      this.batches.add(delivery);
    }
    // Messages delayed or hidden after a failure are due at their visible_at; visible ones
    // left over (every batch busy) are taken when a batch completes.
    const now = this.now();
    let nextVisible = Number.POSITIVE_INFINITY;
    for (const slot of this.slots.values()) {
      if (slot.receiptHandle === undefined && slot.message.visible_at > now) nextVisible = Math.min(nextVisible, slot.message.visible_at);
    }
    if (Number.isFinite(nextVisible)) this.wakeAt(nextVisible);
  }

  /** Takes up to a batch of visible messages, high priority first, then in send order. */
  private receive(): Slot[] {
    const now = this.now();
    const visible = [...this.slots.values()].filter((slot) => this.isVisible(slot, now));
    const batch = [
      ...visible.filter((slot) => slot.message.priority === 'high'),
      ...visible.filter((slot) => slot.message.priority !== 'high'),
    ].slice(0, this.settings.batchSize);
    for (const slot of batch) {
      slot.receiptHandle = randomUUID();
      slot.message.receive_count++;
      slot.message.first_received_at ??= now;
    }
    return batch;
  }

  private async deliver(batch: Slot[]): Promise<void> {
    const records = batch.map((slot) => this.record(slot));
    let failed: Set<string>;
    try {
      failed = failuresOf(await this.options.consume({ Records: records }), records);
    } catch (error) {
      logger.warn('trigger batch failed; its messages will be received again', {
        messages: records.length,
        error: error instanceof Error ? error.message : String(error),
      });
      failed = new Set(records.map((r) => r.messageId));
    }
    const now = this.now();
    for (const slot of batch) {
      const { message } = slot;
      slot.receiptHandle = undefined;
      if (!failed.has(message.message_id)) {
        this.slots.delete(message.message_id);
      } else if (message.receive_count >= this.settings.maxReceiveCount) {
        this.slots.delete(message.message_id);
        this.dead.push({ ...message, dead_lettered_at: now });
        logger.error('trigger failed every receive; moved to the dead-letter list', {
          message_id: message.message_id,
          receive_count: message.receive_count,
        });
      } else {
        message.visible_at = now + this.settings.visibilityTimeoutMs;
      }
    }
    this.save();
  }

  private record(slot: Slot): SQSRecord {
    const { message } = slot;
    return {
      messageId: message.message_id,
      receiptHandle: slot.receiptHandle ?? '',
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receive_count),
        SentTimestamp: String(message.sent_at),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.first_received_at ?? message.sent_at),
      },
      messageAttributes: {
        priority: { stringValue: message.priority, stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.settings.queueArn,
      awsRegion: this.settings.queueArn.split(':')[3] ?? 'us-east-1',
    };
  }

  private save(): void {
    this.options.store?.scheduleSave(() => this.snapshot());
  }

  private snapshot(): TriggerQueueSnapshot {
    return { version: 1, messages: [...this.slots.values()].map((slot) => slot.message), dead_letters: this.dead };
  }
}

/**
 * The records to receive again. As Lambda does: an item identifier that is
 * empty or not in the batch fails the whole batch.
 */
function failuresOf(response: SQSBatchResponse | undefined | void, records: readonly SQSRecord[]): Set<string> {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((r) => r.messageId));
  if (failures.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) return ids;
  return new Set(failures.map((f) => f.itemIdentifier));
}
