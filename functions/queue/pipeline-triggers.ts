import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { triggerIntake } from '#shared/composition-root';
import { logger } from '#shared/logger';
import { pipelineTriggerMessage } from '#shared/schemas/events';

const processor = new BatchProcessor(EventType.SQS);

/** One trigger: a message that is not one fails, and after five receives lands in the dead-letter queue for a look. */
async function receive(record: SQSRecord): Promise<void> {
  const trigger = pipelineTriggerMessage.parse(JSON.parse(record.body));
  const result = await triggerIntake().receive(trigger);
  logger.info('trigger received', { trigger_id: trigger.trigger_id, ...result });
}

/** The pipeline-trigger queue's consumer; failed records are reported one by one (ReportBatchItemFailures). */
export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, receive, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
