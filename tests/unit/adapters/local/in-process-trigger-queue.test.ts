import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SnapshotStore } from '#shared/adapters/local/in-process-slot-scheduler';
import { InProcessTriggerQueue, type TriggerQueueSnapshot } from '#shared/adapters/local/in-process-trigger-queue';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const VISIBILITY_MS = 30_000;

const trigger = (n: number, priority: PipelineTrigger['priority'] = 'normal'): PipelineTrigger => ({
  trigger_id: `slot_1/channel-${n}`,
  channel_id: `channel-${n}`,
  slot_id: 'slot_1',
  publications: [{ publication_id: `pub_${n}`, video_id: 'video-1' }],
  priority,
  enqueued_at: NOW.toISOString(),
});
const triggersOf = (event: SQSEvent): PipelineTrigger[] => event.Records.map((r) => JSON.parse(r.body) as PipelineTrigger);

class MemoryStore<T> implements SnapshotStore<T> {
  saved: T | undefined;
  async load() {
    return this.saved === undefined ? undefined : (structuredClone(this.saved) as T);
  }
  scheduleSave(read: () => T) {
    this.saved = structuredClone(read());
  }
  async save(read: () => T) {
    this.scheduleSave(read);
  }
  async flush() {}
}

describe('Class: InProcessTriggerQueue', () => {
  let batches: SQSEvent[];
  let queue: InProcessTriggerQueue;

  /** A consumer that records each batch and answers with `answer` (all succeeded by default). */
  const consumer = (answer: (event: SQSEvent) => SQSBatchResponse | Promise<SQSBatchResponse> = () => ({ batchItemFailures: [] })) =>
    vi.fn(async (event: SQSEvent) => {
      batches.push(structuredClone(event));
      return answer(event);
    });

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
    batches = [];
  });

  afterEach(async () => {
    await queue?.stop();
    vi.useRealTimers();
  });

  describe('Method: send', () => {
    it('hands the consumer SQS-shaped records in batches of at most 10', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({ consume: consumer() });
      await queue.start();

      // Act
      await queue.send(Array.from({ length: 23 }, (_, i) => trigger(i)));
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(batches.map((b) => b.Records.length)).toEqual([10, 10, 3]);
      expect(batches.flatMap(triggersOf).map((t) => t.channel_id)).toEqual(Array.from({ length: 23 }, (_, i) => `channel-${i}`));
      const record = batches[0]?.Records[0];
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW.getTime()) },
        messageAttributes: { priority: { dataType: 'String', stringValue: 'normal' } },
      });
      expect(record?.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(record?.receiptHandle).not.toBe('');
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 0 });
    });

    it('hands high-priority triggers over before normal ones', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({ consume: consumer(), batchSize: 2 });
      await queue.start();

      // Act
      await queue.send([trigger(1), trigger(2), trigger(3, 'high'), trigger(4), trigger(5, 'high')]);
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(batches.map((b) => triggersOf(b).map((t) => t.channel_id))).toEqual([
        ['channel-3', 'channel-5'],
        ['channel-1', 'channel-2'],
        ['channel-4'],
      ]);
    });

    it('a high-priority trigger enqueued behind 1,000 normal ones is handed over before them', async () => {
      // Prepare: the normal ones queued first, one send each, as slots fire.
      queue = new InProcessTriggerQueue({ consume: consumer() });
      for (let i = 0; i < 1_000; i++) await queue.send([trigger(i)]);
      await queue.send([trigger(1_000, 'high')]);

      // Act
      await queue.start();
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      const order = batches.flatMap(triggersOf).map((t) => t.channel_id);
      expect(order).toHaveLength(1_001);
      expect(order[0]).toBe('channel-1000');
    });

    it('hands a delayed trigger over once its delay is over, not a millisecond before, and counts it pending meanwhile', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({ consume: consumer() });
      await queue.start();

      // Act
      await queue.send([trigger(1)], { delaySeconds: 40 });
      await queue.send([trigger(2)]);
      await vi.advanceTimersByTimeAsync(0);
      const right = batches.flatMap(triggersOf).map((t) => t.channel_id);
      const waiting = await queue.depth();
      await vi.advanceTimersByTimeAsync(40_000 - 1);
      const justBefore = batches.flatMap(triggersOf).map((t) => t.channel_id);
      await vi.advanceTimersByTimeAsync(1);

      // Assess
      expect(right).toEqual(['channel-2']);
      expect(waiting).toEqual({ pending: 1, in_flight: 0, dead_letter: 0 });
      expect(justBefore).toEqual(['channel-2']);
      expect(batches.flatMap(triggersOf).map((t) => t.channel_id)).toEqual(['channel-2', 'channel-1']);
      expect(batches[1]?.Records[0]?.attributes.SentTimestamp).toBe(String(NOW.getTime()));
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 0 });
    });

    it('refuses a delay SQS would refuse', async () => {
      queue = new InProcessTriggerQueue({ consume: consumer() });
      await expect(queue.send([trigger(1)], { delaySeconds: 901 })).rejects.toThrow(/whole seconds from 0 to 900/);
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 0 });
    });

    it('refuses a trigger over SQS’s 256 KB message limit', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({ consume: consumer() });
      const huge = { ...trigger(1), publications: Array.from({ length: 6_000 }, (_, i) => ({ publication_id: `pub_${i}`, video_id: 'v'.repeat(40) })) };

      // Act / Assess
      await expect(queue.send([huge])).rejects.toThrow(/limit/);
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 0 });
    });
  });

  describe('Method: depth', () => {
    it('reports queued messages as pending and a batch with the consumer as in flight', async () => {
      // Prepare
      let finish!: () => void;
      queue = new InProcessTriggerQueue({
        consume: consumer(() => new Promise<SQSBatchResponse>((resolve) => (finish = () => resolve({ batchItemFailures: [] })))),
        batchSize: 2,
      });
      await queue.send([trigger(1), trigger(2), trigger(3)]);
      const beforeStart = await queue.depth();

      // Act
      await queue.start();
      await vi.advanceTimersByTimeAsync(0);
      const duringBatch = await queue.depth();
      finish();
      await vi.advanceTimersByTimeAsync(0);
      const duringSecond = await queue.depth();
      finish();
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(beforeStart).toEqual({ pending: 3, in_flight: 0, dead_letter: 0 });
      expect(duringBatch).toEqual({ pending: 1, in_flight: 2, dead_letter: 0 });
      expect(duringSecond).toEqual({ pending: 0, in_flight: 1, dead_letter: 0 });
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 0 });
    });
  });

  describe('Failures', () => {
    it('receives the records named in batchItemFailures again after the visibility timeout, and deletes the rest', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({
        consume: consumer((event) => ({
          batchItemFailures: event.Records.filter((r) => triggersOf({ Records: [r] })[0]?.channel_id === 'channel-2').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        })),
        visibilityTimeoutMs: VISIBILITY_MS,
      });
      await queue.start();

      // Act
      await queue.send([trigger(1), trigger(2), trigger(3)]);
      await vi.advanceTimersByTimeAsync(0);
      const afterFailure = await queue.depth();
      await vi.advanceTimersByTimeAsync(VISIBILITY_MS - 1);
      const beforeVisible = batches.length;
      await vi.advanceTimersByTimeAsync(1);

      // Assess
      expect(afterFailure).toEqual({ pending: 0, in_flight: 1, dead_letter: 0 });
      expect(beforeVisible).toBe(1);
      expect(triggersOf(batches[1] as SQSEvent).map((t) => t.channel_id)).toEqual(['channel-2']);
      expect(batches[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
      expect(batches[1]?.Records[0]?.messageId).toBe(batches[0]?.Records[1]?.messageId);
    });

    it('fails the whole batch when the consumer throws', async () => {
      // Prepare
      let calls = 0;
      queue = new InProcessTriggerQueue({
        consume: consumer(() => {
          calls++;
          if (calls === 1) throw new Error('dispatcher crashed');
          return { batchItemFailures: [] };
        }),
        visibilityTimeoutMs: VISIBILITY_MS,
      });
      await queue.start();

      // Act
      await queue.send([trigger(1), trigger(2)]);
      await vi.advanceTimersByTimeAsync(0);
      const afterCrash = await queue.depth();
      await vi.advanceTimersByTimeAsync(VISIBILITY_MS);

      // Assess
      expect(afterCrash).toEqual({ pending: 0, in_flight: 2, dead_letter: 0 });
      expect(batches.map((b) => b.Records.length)).toEqual([2, 2]);
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 0 });
    });

    it('fails the whole batch when an item identifier is not one of its records, as Lambda does', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({ consume: consumer(() => ({ batchItemFailures: [{ itemIdentifier: 'nonsense' }] })) });
      await queue.start();

      // Act
      await queue.send([trigger(1), trigger(2)]);
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 2, dead_letter: 0 });
    });

    it('moves a message to the dead-letter list after 5 failed receives', async () => {
      // Prepare
      queue = new InProcessTriggerQueue({
        consume: consumer((event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) })),
        visibilityTimeoutMs: VISIBILITY_MS,
      });
      await queue.start();

      // Act
      await queue.send([trigger(1)]);
      await vi.advanceTimersByTimeAsync(10 * VISIBILITY_MS);

      // Assess
      expect(batches.map((b) => b.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3', '4', '5']);
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 1 });
      expect(queue.deadLetters()).toMatchObject([{ receive_count: 5, body: JSON.stringify(trigger(1)) }]);
    });
  });

  describe('Persistence', () => {
    it('keeps its dead letters across a restart', async () => {
      // Prepare
      const store = new MemoryStore<TriggerQueueSnapshot>();
      const first = new InProcessTriggerQueue({
        consume: consumer((event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) })),
        store,
        maxReceiveCount: 1,
      });
      await first.start();
      await first.send([trigger(1)]);
      await vi.advanceTimersByTimeAsync(0);
      await first.stop();

      // Act
      queue = new InProcessTriggerQueue({ consume: consumer(), store });
      await queue.start();

      // Assess
      expect(await queue.depth()).toEqual({ pending: 0, in_flight: 0, dead_letter: 1 });
      expect(queue.deadLetters().map((m) => m.body)).toEqual([JSON.stringify(trigger(1))]);
    });

    it('answers send only once the messages are stored, so a sender that dies right after loses none', async () => {
      // Prepare
      let stored!: () => void;
      const store = new MemoryStore<TriggerQueueSnapshot>();
      store.save = (read) =>
        new Promise<void>((resolve) => {
          stored = () => {
            store.scheduleSave(read);
            resolve();
          };
        });
      queue = new InProcessTriggerQueue({ consume: consumer(), store });
      let answered = false;

      // Act
      const sending = queue.send([trigger(1)]).then(() => (answered = true));
      await vi.advanceTimersByTimeAsync(0);
      const beforeStored = answered;
      stored();
      await sending;

      // Assess
      expect(beforeStored).toBe(false);
      expect(store.saved?.messages.map((m) => m.body)).toEqual([JSON.stringify(trigger(1))]);
    });

    it('keeps a delayed message across a restart and hands it over at its time, not at the restart', async () => {
      // Prepare
      const store = new MemoryStore<TriggerQueueSnapshot>();
      const first = new InProcessTriggerQueue({ consume: consumer(), store });
      await first.start();
      await first.send([trigger(3)], { delaySeconds: 30 });
      await vi.advanceTimersByTimeAsync(10_000);
      await first.stop();

      // Act
      queue = new InProcessTriggerQueue({ consume: consumer(), store });
      await queue.start();
      await vi.advanceTimersByTimeAsync(0);
      const atRestart = batches.length;
      await vi.advanceTimersByTimeAsync(20_000);

      // Assess
      expect(atRestart).toBe(0);
      expect(batches.flatMap(triggersOf)).toEqual([trigger(3)]);
    });

    it('keeps a message that was never delivered across stop and start', async () => {
      // Prepare
      const store = new MemoryStore<TriggerQueueSnapshot>();
      const first = new InProcessTriggerQueue({ consume: consumer(), store });
      await first.send([trigger(7, 'high')]); // never started: nothing consumed
      await first.stop();

      // Act
      queue = new InProcessTriggerQueue({ consume: consumer(), store });
      await queue.start();
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(batches.flatMap(triggersOf)).toEqual([trigger(7, 'high')]);
      expect(batches[0]?.Records[0]?.messageAttributes.priority?.stringValue).toBe('high');
    });
  });
});
