import { GetQueueAttributesCommand, SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { backoffDelay, mapConcurrent, sleep } from '#shared/concurrency';
import {
  delayOf,
  MAX_TRIGGER_BYTES,
  type PipelineTrigger,
  type QueueDepth,
  type SendOptions,
  type TriggerQueue,
} from '#shared/ports/trigger-queue';

export interface SqsTriggerQueueSettings {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** SQS takes at most 10 entries a SendMessageBatch. */
export const SEND_BATCH_SIZE = 10;
/**
 * SQS's limit on one message and on a whole SendMessageBatch: the sum of its
 * messages' bodies and attributes (names, types and values).
 */
export const SEND_BATCH_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 6;

/**
 * The pipeline-trigger queue on SQS, with its dead-letter queue. A standard
 * queue: per-message DelaySeconds, which a delayed send relies on, is not
 * offered by FIFO queues.
 */
export class SqsTriggerQueue implements TriggerQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly settings: SqsTriggerQueueSettings,
  ) {}

  async send(triggers: readonly PipelineTrigger[], options?: SendOptions): Promise<void> {
    const delay = delayOf(options);
    const entries = triggers.map((trigger, i) => toEntry(trigger, i, delay));
    // Refused before anything goes: SQS would fail the whole batch, and every resend would fail the same.
    const tooLarge = entries.findIndex((e) => bytesOf(e) > MAX_TRIGGER_BYTES);
    if (tooLarge >= 0) throw new Error(`trigger ${triggers[tooLarge]?.trigger_id} exceeds the ${MAX_TRIGGER_BYTES}-byte trigger limit`);
    await mapConcurrent(batchesOf(entries), 4, (batch) => this.sendBatch(batch));
  }

  async depth(): Promise<QueueDepth> {
    const [main, dead] = await Promise.all([
      this.attributes(this.settings.queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible']),
      this.attributes(this.settings.deadLetterQueueUrl, ['ApproximateNumberOfMessages']),
    ]);
    return {
      // A trigger delayed to its slot's second is waiting too.
      pending: Number(main.ApproximateNumberOfMessages ?? 0) + Number(main.ApproximateNumberOfMessagesDelayed ?? 0),
      in_flight: Number(main.ApproximateNumberOfMessagesNotVisible ?? 0),
      dead_letter: Number(dead.ApproximateNumberOfMessages ?? 0),
    };
  }

  /** Sends one batch, resending the entries SQS reports failed (unless the fault is ours). */
  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, 50, 2_000));
      const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.settings.queueUrl, Entries: pending }));
      const failed = result.Failed ?? [];
      const fatal = failed.find((f) => f.SenderFault);
      if (fatal || (failed.length > 0 && attempt + 1 >= MAX_ATTEMPTS)) {
        throw new Error(`SendMessageBatch failed for ${failed.length} trigger(s): ${fatal?.Code ?? failed[0]?.Code}`);
      }
      const failedIds = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => failedIds.has(e.Id));
    }
  }

  private async attributes(
    queueUrl: string,
    names: ('ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesDelayed' | 'ApproximateNumberOfMessagesNotVisible')[],
  ) {
    const { Attributes } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }));
    return Attributes ?? {};
  }
}

function toEntry(trigger: PipelineTrigger, index: number, delaySeconds: number): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: JSON.stringify(trigger),
    MessageAttributes: { priority: { DataType: 'String', StringValue: trigger.priority } },
    // Set only when there is one: the queue's own delay (0) applies otherwise.
    ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
  };
}

/** What SQS counts of an entry against the 256 KB: its body and each attribute's name, type and value. */
function bytesOf(entry: SendMessageBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8') + Buffer.byteLength(value.StringValue ?? '', 'utf8');
  }
  return bytes;
}

/** Groups entries into batches of at most 10 entries and 256 KB in all (bodies and attributes). */
function batchesOf(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = bytesOf(entry);
    if (current.length === SEND_BATCH_SIZE || (current.length > 0 && bytes + size > SEND_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
