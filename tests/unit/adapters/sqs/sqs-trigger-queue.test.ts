import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';

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

  describe('Method: depth', () => {
    it('reads pending and in-flight from the queue and dead letters from its DLQ', async () => {
      client.on(GetQueueAttributesCommand, { QueueUrl: settings.queueUrl }).resolves({
        Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2' },
      });
      client.on(GetQueueAttributesCommand, { QueueUrl: settings.deadLetterQueueUrl }).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
      expect(await queue.depth()).toEqual({ pending: 7, in_flight: 2, dead_letter: 1 });
    });
  });
});
