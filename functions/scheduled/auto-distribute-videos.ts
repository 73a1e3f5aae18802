import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { videoDistribution } from '#shared/composition-root';
import { MAX_DISTRIBUTION_LIMIT } from '#shared/domain/distribution';
import { logger } from '#shared/logger';

/**
 * Run by the optional EventBridge rule (CDK context `distributionScheduleMinutes`):
 * the same distribution as POST /distribute-videos, over every active channel,
 * taking up to MAX_DISTRIBUTION_LIMIT videos a run. A stopped orchestration
 * is not an error here: the run does nothing and says so.
 */
export const handler = middy(async (_event: unknown, context: Context) => {
  try {
    const answer = await videoDistribution().distribute(
      { dry_run: false, limit: MAX_DISTRIBUTION_LIMIT },
      { actor: 'auto-distribution', request_id: context.awsRequestId },
    );
    const report = 'accepted' in answer ? { accepted: answer.accepted } : summaryOf(answer.report);
    logger.info('auto-distribution done', report);
    return report;
  } catch (error) {
    if ((error as { code?: string }).code === 'orchestration_stopped') {
      logger.info('auto-distribution skipped: the orchestration is stopped');
      return { skipped: 'orchestration_stopped' };
    }
    throw error;
  }
}).use(injectLambdaContext(logger, { resetKeys: true }));

function summaryOf(report: { total_distributed: number; by_filters: number; by_schedule: number; wave_id: string | null; skipped: unknown[] }) {
  return { total_distributed: report.total_distributed, by_filters: report.by_filters, by_schedule: report.by_schedule, wave_id: report.wave_id, skipped: report.skipped.length };
}
