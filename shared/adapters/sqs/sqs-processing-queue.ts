import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ProcessingJob, ProcessingQueue } from '#shared/ports/processing-queue';

/**
 * The processing queue in AWS: one SQS message a run, the JSON of
 * `ProcessingJob` (docs/processing-queue.schema.json), with the run id as a
 * message attribute so a worker can route without parsing. A job sent twice
 * (a dispatch retried after its answer was lost) carries the same run id:
 * workers report by it, and a run completes once.
 */
export class SqsProcessingQueue implements ProcessingQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(job: ProcessingJob): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { run_id: { DataType: 'String', StringValue: job.run_id }, priority: { DataType: 'String', StringValue: job.priority } },
      }),
    );
  }
}
