import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { slotDispatch } from '#shared/composition-root';
import { logger } from '#shared/logger';
import { slotFiredEvent } from '#shared/schemas/events';

/**
 * The slot target: EventBridge Scheduler invokes it once per slot (at least
 * once), asynchronously. A failure is thrown so Lambda retries the invocation
 * (twice) and then sends it to the slot dead-letter queue (the stack's
 * on-failure destination, a record with the slot event under
 * `requestPayload`); reconciliation fires the slot's overdue publications
 * meanwhile. A slot whose group is not committed fails the same way. An event that is not a slot is logged and dropped, since no
 * retry could make it one.
 */
export const handler = middy(async (event: unknown, context: Context) => {
  const parsed = slotFiredEvent.safeParse(event);
  if (!parsed.success) {
    logger.error('not a slot event; dropped', { issues: parsed.error.issues });
    return { outcome: 'invalid' as const };
  }
  const result = await slotDispatch().fire(parsed.data, { actor: 'scheduler', request_id: context.awsRequestId });
  logger.info('slot fired', { ...result });
  // Its group is not committed yet: fail, so that the invocation is retried once the request has committed or
  // rolled back; past the retries, the reconciliation fires what is then overdue.
  if (result.outcome === 'uncommitted') throw new Error(`slot ${result.slot_id}: its group is not committed yet`);
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
