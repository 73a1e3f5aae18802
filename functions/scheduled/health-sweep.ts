import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { channelHealthSweep } from '#shared/composition-root';
import { logger } from '#shared/logger';

/** Channels are not started with less than this left of the invocation: the sweep records what it did before Lambda stops it. */
const RESERVE_MS = 15_000;

/**
 * The rule's input (and the local timer's event): the period the sweep runs
 * at, recorded with the sweep so GET /dashboard can tell a stale one. Anything
 * else (a hand-made invocation) sweeps all the same, with no period recorded.
 */
const SweepEvent = z.object({ detail: z.optional(z.object({ interval_seconds: z.optional(z.number().check(z.int(), z.positive())) })) });

/** Run by an EventBridge rule every `healthSweepMinutes` (5): every channel's health (ChannelHealthSweep). */
export const handler = middy(async (event: unknown, context: Context) => {
  const parsed = SweepEvent.safeParse(event);
  const intervalSeconds = parsed.success ? parsed.data.detail?.interval_seconds : undefined;
  const record = await channelHealthSweep().sweep({ shouldStop: () => context.getRemainingTimeInMillis() < RESERVE_MS, intervalSeconds });
  logger.info('health sweep done', { ...record });
  return record;
}).use(injectLambdaContext(logger, { resetKeys: true }));
