import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { publicationReconciliation, runReconciliation } from '#shared/composition-root';
import { logger } from '#shared/logger';
import { reconciliationEvent } from '#shared/schemas/events';

/** Run by an EventBridge rule every five minutes: the safety net of publications and runs (PublicationReconciliation, RunReconciliation). */
export const handler = middy(async (event: unknown, context: Context) => {
  const afterRestart = reconciliationEvent.safeParse(event ?? {}).data?.detail?.after_restart === true;
  const publications = await publicationReconciliation().run({ actor: 'reconciler', request_id: context.awsRequestId }, { othersAreDead: afterRestart });
  // Then the runs: what the webhook missed, triggers lost before their run was dispatched, manual runs held while paused.
  const runs = await runReconciliation().run();
  const report = { ...publications, runs };
  logger.info('reconciliation done', report);
  return report;
}).use(injectLambdaContext(logger, { resetKeys: true }));
