import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEPTH_ATTRIBUTES, SqsQueueMonitor } from '#shared/adapters/sqs/sqs-queue-monitor';
import { QUEUE_NAMES, type QueueName } from '#shared/domain/system-health';

const url = (name: QueueName) => `https://sqs.eu-west-1.amazonaws.com/123/${name}`;
const URLS = Object.fromEntries(QUEUE_NAMES.map((name) => [name, url(name)])) as Record<QueueName, string>;

describe('Class: SqsQueueMonitor', () => {
  const client = mockClient(SQSClient);
  const monitor = new SqsQueueMonitor(new SQSClient({ region: 'eu-west-1' }), URLS);

  beforeEach(() => client.reset());

  describe('Method: depths', () => {
    it('asks each of the six queues for exactly the three approximate counts, once, and answers them in QUEUE_NAMES order', async () => {
      // Prepare
      client.on(GetQueueAttributesCommand).callsFake(async (input: { QueueUrl: string }) => {
        const n = QUEUE_NAMES.indexOf(input.QueueUrl.split('/').pop() as QueueName);
        return { Attributes: { ApproximateNumberOfMessages: String(n), ApproximateNumberOfMessagesNotVisible: String(10 * n), ApproximateNumberOfMessagesDelayed: String(100 * n) } };
      });

      // Act
      const readings = await monitor.depths();

      // Assess
      const calls = client.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input);
      expect(calls).toHaveLength(6);
      expect([...calls].sort((a, b) => String(a.QueueUrl).localeCompare(String(b.QueueUrl)))).toEqual(
        [...QUEUE_NAMES].sort().map((name) => ({ QueueUrl: url(name), AttributeNames: DEPTH_ATTRIBUTES })),
      );
      expect(DEPTH_ATTRIBUTES).toEqual(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']);
      expect(readings).toEqual(
        QUEUE_NAMES.map((name, n) => ({ name, depth: { visible: n, in_flight: 10 * n, delayed: 100 * n, oldest_age_seconds: null }, error: null })),
      );
    });

    it('answers a queue it cannot read with the error name and no depth, and reads the others', async () => {
      // Prepare
      const denied = Object.assign(new Error('User is not authorized to perform sqs:GetQueueAttributes on arn:aws:sqs:eu-west-1:123:slot_dead_letter'), {
        name: 'AccessDenied',
      });
      client.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
      client.on(GetQueueAttributesCommand, { QueueUrl: url('slot_dead_letter') }).rejects(denied);

      // Act
      const readings = await monitor.depths();

      // Assess
      expect(readings.find((r) => r.name === 'slot_dead_letter')).toEqual({ name: 'slot_dead_letter', depth: null, error: 'AccessDenied' });
      expect(readings.filter((r) => r.depth !== null)).toHaveLength(5);
      expect(readings.find((r) => r.name === 'trigger_normal')?.depth).toEqual({ visible: 3, in_flight: 0, delayed: 0, oldest_age_seconds: null });
    });
  });
});
