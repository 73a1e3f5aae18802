import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { channelHealthSweep } from '#shared/composition-root';
import { logger } from '#shared/logger';

/** Channels are not started with less than this left of the invocation: the sweep records what it did before Lambda stops it. */
const RESERVE_MS = 15_000;

/** Run by an EventBridge rule every `healthSweepMinutes` (5): every channel's health (ChannelHealthSweep). */
export const handler = middy(async (_event: unknown, context: Context) => {
  const record = await channelHealthSweep().sweep({ shouldStop: () => context.getRemainingTimeInMillis() < RESERVE_MS });
  logger.info('health sweep done', { ...record });
  return record;
}).use(injectLambdaContext(logger, { resetKeys: true }));
