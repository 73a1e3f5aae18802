import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { pipelineDispatch } from '#shared/composition-root';
import { logger } from '#shared/logger';
import { pipelineTriggerMessage } from '#shared/schemas/events';

const processor = new BatchProcessor(EventType.SQS);

/**
 * One trigger to the dispatcher. A record that throws goes back to its queue
 * (a GitHub outage: the next delivery looks the run up before sending again),
 * and after five receives lands in the dead-letter queue. A trigger that must
 * wait for the pacer is sent again with a delay and this record succeeds, so
 * waiting never counts toward the dead-letter queue.
 */
async function receive(record: SQSRecord): Promise<void> {
  const trigger = pipelineTriggerMessage.parse(JSON.parse(record.body));
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1;
  const result = await pipelineDispatch().receive(trigger, receiveCount);
  logger.info('trigger dispatched', { trigger_id: trigger.trigger_id, receive_count: receiveCount, runs: result.runs });
}

/** The pipeline-trigger queues' consumer (the dispatcher); failed records are reported one by one (ReportBatchItemFailures). */
export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, receive, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
