import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { publicationReconciliation } from '#shared/composition-root';
import { logger } from '#shared/logger';
import { reconciliationEvent } from '#shared/schemas/events';

/** Run by an EventBridge rule every five minutes: the safety net of publications (see PublicationReconciliation). */
export const handler = middy(async (event: unknown, context: Context) => {
  const afterRestart = reconciliationEvent.safeParse(event ?? {}).data?.detail?.after_restart === true;
  const report = await publicationReconciliation().run({ actor: 'reconciler', request_id: context.awsRequestId }, { othersAreDead: afterRestart });
  logger.info('reconciliation done', { ...report });
  return report;
}).use(injectLambdaContext(logger, { resetKeys: true }));
