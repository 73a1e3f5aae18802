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
  /** The normal-priority queue (and every trigger's, without a high one). */
  queueUrl: string;
  /** The high-priority queue: its own event source mapping drains it beside the normal one (docs/pipelines.md). */
  highQueueUrl?: string | undefined;
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
    const high = this.settings.highQueueUrl;
    const groups = high
      ? [
          { url: high, entries: entries.filter((_, i) => triggers[i]?.priority === 'high') },
          { url: this.settings.queueUrl, entries: entries.filter((_, i) => triggers[i]?.priority !== 'high') },
        ]
      : [{ url: this.settings.queueUrl, entries }];
    const batches = groups.flatMap((g) => batchesOf(g.entries).map((batch) => ({ url: g.url, batch })));
    await mapConcurrent(batches, 4, ({ url, batch }) => this.sendBatch(url, batch));
  }

  async depth(): Promise<QueueDepth> {
    const queues = [this.settings.queueUrl, ...(this.settings.highQueueUrl ? [this.settings.highQueueUrl] : [])];
    const [dead, ...mains] = await Promise.all([
      this.attributes(this.settings.deadLetterQueueUrl, ['ApproximateNumberOfMessages']),
      ...queues.map((url) => this.attributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible'])),
    ]);
    const sum = (name: 'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesDelayed' | 'ApproximateNumberOfMessagesNotVisible') =>
      mains.reduce((n, attributes) => n + Number(attributes[name] ?? 0), 0);
    return {
      // A trigger delayed to its slot's second (or paced) is waiting too.
      pending: sum('ApproximateNumberOfMessages') + sum('ApproximateNumberOfMessagesDelayed'),
      in_flight: sum('ApproximateNumberOfMessagesNotVisible'),
      dead_letter: Number(dead?.ApproximateNumberOfMessages ?? 0),
    };
  }

  /** Sends one batch, resending the entries SQS reports failed (unless the fault is ours). */
  private async sendBatch(queueUrl: string, entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, 50, 2_000));
      const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
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
