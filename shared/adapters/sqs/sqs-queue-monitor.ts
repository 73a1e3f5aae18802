import { GetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import { QUEUE_NAMES, type QueueDepthCounts, type QueueName, type QueueReading } from '#shared/domain/system-health';
import type { QueueMonitor } from '#shared/ports/queue-monitor';

/** The attributes one GetQueueAttributes asks for: the three approximate counts. */
export const DEPTH_ATTRIBUTES: QueueAttributeName[] = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

/**
 * Queue depths from SQS: one GetQueueAttributes a queue, all at once. SQS
 * does not tell the age of the oldest message here (that is the CloudWatch
 * metric ApproximateAgeOfOldestMessage, on the operations dashboard and the
 * trigger-age alarms), so `oldest_age_seconds` is null. A failed call (a
 * missing grant, a throttle) becomes that queue's error.
 */
export class SqsQueueMonitor implements QueueMonitor {
  constructor(
    private readonly sqs: SQSClient,
    /** Each queue's URL. */
    private readonly urls: Readonly<Record<QueueName, string>>,
  ) {}

  async depths(): Promise<QueueReading[]> {
    return Promise.all(QUEUE_NAMES.map((name) => this.read(name)));
  }

  private async read(name: QueueName): Promise<QueueReading> {
    try {
      const { Attributes = {} } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.urls[name], AttributeNames: DEPTH_ATTRIBUTES }));
      const depth: QueueDepthCounts = {
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        in_flight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
        oldest_age_seconds: null,
      };
      return { name, depth, error: null };
    } catch (error) {
      // The error's name only (AccessDenied, QueueDoesNotExist, ...): nothing internal goes out on the dashboard.
      return { name, depth: null, error: (error as Error).name || 'Error' };
    }
  }
}
