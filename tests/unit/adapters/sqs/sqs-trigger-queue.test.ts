import { GetQueueAttributesCommand, SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import { MAX_TRIGGER_BYTES, type PipelineTrigger } from '#shared/ports/trigger-queue';

const settings = { queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/triggers', deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/triggers-dlq' };

function trigger(i: number, publications = 1, priority: 'high' | 'normal' = 'normal'): PipelineTrigger {
  return {
    trigger_id: `slot-${i}/channel-${i}`,
    channel_id: `channel-${i}`,
    slot_id: `slot-${i}`,
    publications: Array.from({ length: publications }, (_, k) => ({ publication_id: `pub_${i}_${k}`, video_id: `video-${k}` })),
    priority,
    enqueued_at: '2026-11-21T18:00:00.000Z',
  };
}

describe('Class: SqsTriggerQueue', () => {
  const client = mockClient(SQSClient);
  const queue = new SqsTriggerQueue(new SQSClient({ region: 'eu-west-1' }), settings);

  beforeEach(() => client.reset());

  describe('Method: send', () => {
    it('sends ceil(n/10) SendMessageBatch calls of at most 10 entries, each the trigger as JSON with its priority', async () => {
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const triggers = Array.from({ length: 25 }, (_, i) => trigger(i, 1, i === 0 ? 'high' : 'normal'));
      await queue.send(triggers);
      const calls = client.commandCalls(SendMessageBatchCommand);
      expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
      expect(calls.every((c) => c.args[0].input.QueueUrl === settings.queueUrl)).toBe(true);
      const first = calls[0]!.args[0].input.Entries![0]!;
      expect(JSON.parse(first.MessageBody!)).toEqual(triggers[0]);
      expect(first.MessageAttributes).toEqual({ priority: { DataType: 'String', StringValue: 'high' } });
    });

    it('with a high-priority queue, sends high triggers there and the rest to the normal queue', async () => {
      // Prepare
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const highUrl = 'https://sqs.eu-west-1.amazonaws.com/123/triggers-high';
      const prioritised = new SqsTriggerQueue(new SQSClient({ region: 'eu-west-1' }), { ...settings, highQueueUrl: highUrl });
      const triggers = Array.from({ length: 12 }, (_, i) => trigger(i, 1, i % 4 === 0 ? 'high' : 'normal'));

      // Act
      await prioritised.send(triggers);

      // Assert
      const sent = client.commandCalls(SendMessageBatchCommand).flatMap((c) =>
        (c.args[0].input.Entries ?? []).map((e) => ({ url: c.args[0].input.QueueUrl, priority: JSON.parse(e.MessageBody!).priority })),
      );
      expect(sent).toHaveLength(12);
      expect(sent.filter((e) => e.url === highUrl).map((e) => e.priority)).toEqual(['high', 'high', 'high']);
      expect(sent.filter((e) => e.url === settings.queueUrl).every((e) => e.priority === 'normal')).toBe(true);
    });

    it('delays every entry by DelaySeconds when asked (a slot fired before its second), and sets none otherwise', async () => {
      // Prepare
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const triggers = Array.from({ length: 12 }, (_, i) => trigger(i));

      // Act
      await queue.send(triggers, { delaySeconds: 40 });
      await queue.send([trigger(20)], { delaySeconds: 0 });
      await queue.send([trigger(21)]);

      // Assess
      const inputs = client.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
      expect(inputs).toHaveLength(4);
      expect(inputs[0]).toEqual({
        QueueUrl: settings.queueUrl,
        Entries: triggers.slice(0, 10).map((t, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(t),
          MessageAttributes: { priority: { DataType: 'String', StringValue: 'normal' } },
          DelaySeconds: 40,
        })),
      });
      expect(inputs[1]!.Entries!.map((e) => e.DelaySeconds)).toEqual([40, 40]);
      expect(inputs[2]!.Entries![0]).not.toHaveProperty('DelaySeconds');
      expect(inputs[3]!.Entries![0]).not.toHaveProperty('DelaySeconds');
    });

    it.each([[-1], [1.5], [901]])('refuses a delay of %s seconds before sending anything (SQS takes whole seconds up to 900)', async (delaySeconds) => {
      await expect(queue.send([trigger(0)], { delaySeconds })).rejects.toThrow(/whole seconds from 0 to 900/);
      expect(client.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    });

    it('sends nothing for no triggers', async () => {
      await queue.send([]);
      expect(client.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    });

    it('resends only the entries SQS reports failed', async () => {
      client
        .on(SendMessageBatchCommand)
        .resolvesOnce({ Successful: [], Failed: [{ Id: '3', Code: 'ServiceUnavailable', SenderFault: false }] })
        .resolves({ Successful: [], Failed: [] });
      await queue.send(Array.from({ length: 5 }, (_, i) => trigger(i)));
      const calls = client.commandCalls(SendMessageBatchCommand);
      expect(calls).toHaveLength(2);
      expect(calls[1]!.args[0].input.Entries!.map((e) => e.Id)).toEqual(['3']);
    });

    it('fails on an entry the sender is at fault for (never silently drops it)', async () => {
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true }] });
      await expect(queue.send([trigger(0)])).rejects.toThrow(/InvalidParameterValue/);
    });

    it('keeps a batch under the 256 KB request limit by splitting before 10 entries when messages are large', async () => {
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      await queue.send(Array.from({ length: 10 }, (_, i) => trigger(i, 800)));
      const calls = client.commandCalls(SendMessageBatchCommand);
      expect(calls.length).toBeGreaterThan(1);
      for (const call of calls) {
        const bytes = call.args[0].input.Entries!.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0);
        expect(bytes).toBeLessThanOrEqual(256 * 1024);
      }
    });
  });

  describe('Method: send (large triggers)', () => {
    /** A trigger of about `bytes` bytes: one part of a split group, at most MAX_TRIGGER_BYTES. */
    function triggerOfSize(i: number, bytes: number): PipelineTrigger {
      const base = trigger(i, 0);
      const entry = (k: number) => ({ publication_id: `pub_01J${String(i).padStart(3, '0')}${String(k).padStart(20, '0')}`, video_id: 'v'.padEnd(64, 'x') });
      const perEntry = JSON.stringify(entry(0)).length + 1;
      const count = Math.floor((bytes - JSON.stringify(base).length) / perEntry);
      return { ...base, publications: Array.from({ length: count }, (_, k) => entry(k)) };
    }
    /** What SQS counts against a SendMessageBatch's 256 KB: every body and every attribute's name, type and value. */
    const requestBytes = (entries: SendMessageBatchRequestEntry[]) =>
      entries.reduce(
        (n, e) =>
          n +
          Buffer.byteLength(e.MessageBody!) +
          Object.entries(e.MessageAttributes ?? {}).reduce((m, [name, v]) => m + name.length + v.DataType!.length + (v.StringValue ?? '').length, 0),
        0,
      );

    it('sends ten 200 KB triggers one a call: no SendMessageBatch over 256 KB in total, none over 10 entries', async () => {
      // Prepare
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const triggers = Array.from({ length: 10 }, (_, i) => triggerOfSize(i, MAX_TRIGGER_BYTES));
      expect(triggers.every((t) => Buffer.byteLength(JSON.stringify(t)) > MAX_TRIGGER_BYTES - 200)).toBe(true);

      // Act
      await queue.send(triggers);

      // Assess
      const inputs = client.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
      expect(inputs.map((input) => input.Entries!.length)).toEqual(Array(10).fill(1));
      expect(inputs.map((input) => JSON.parse(input.Entries![0]!.MessageBody!))).toEqual(triggers);
    });

    it('packs mixed sizes up to 256 KB a call, counting the attributes too, and sends every trigger once', async () => {
      // Prepare: 120 KB + 120 KB + 16 KB of bodies is just under 256 KB, but not with the attributes.
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const exact = (i: number, bytes: number) => {
        const t = triggerOfSize(i, bytes);
        return { ...t, channel_id: t.channel_id.padEnd(t.channel_id.length + bytes - Buffer.byteLength(JSON.stringify(t)), 'c') };
      };
      const triggers = [exact(0, 120 * 1024), exact(1, 120 * 1024), exact(2, 16 * 1024 - 10), ...Array.from({ length: 12 }, (_, i) => trigger(10 + i))];
      expect(triggers.slice(0, 3).reduce((n, t) => n + Buffer.byteLength(JSON.stringify(t)), 0)).toBe(256 * 1024 - 10);

      // Act
      await queue.send(triggers);

      // Assess
      const inputs = client.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
      expect(inputs.map((input) => input.Entries!.length)).toEqual([2, 10, 3]);
      for (const input of inputs) {
        expect(input.Entries!.length).toBeLessThanOrEqual(10);
        expect(requestBytes(input.Entries!)).toBeLessThanOrEqual(256 * 1024);
      }
      expect(inputs.flatMap((input) => input.Entries!.map((e) => JSON.parse(e.MessageBody!)))).toEqual(triggers);
    });

    it('refuses a trigger over MAX_TRIGGER_BYTES before sending anything', async () => {
      // Prepare
      client.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

      // Act / Assess
      await expect(queue.send([trigger(0), triggerOfSize(1, MAX_TRIGGER_BYTES + 2_000)])).rejects.toThrow(/slot-1\/channel-1 exceeds/);
      expect(client.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    });
  });

  describe('Method: depth', () => {
    it('reads pending (delayed ones included) and in-flight from the queue and dead letters from its DLQ', async () => {
      client.on(GetQueueAttributesCommand, { QueueUrl: settings.queueUrl }).resolves({
        Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesDelayed: '3', ApproximateNumberOfMessagesNotVisible: '2' },
      });
      client.on(GetQueueAttributesCommand, { QueueUrl: settings.deadLetterQueueUrl }).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
      expect(await queue.depth()).toEqual({ pending: 10, in_flight: 2, dead_letter: 1 });
      expect(client.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).toEqual(
        expect.arrayContaining([
          {
            QueueUrl: settings.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible'],
          },
          { QueueUrl: settings.deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] },
        ]),
      );
    });
  });
});
