import * as z from 'zod/mini';
import { CREDENTIALS_STATES, HEALTH_REASON_CODES, HEALTH_STATUSES, REPOSITORY_STATES, WORKFLOW_STATES } from '../domain/channel-health';
import { CHANNEL_STATUSES } from '../domain/channel';
import { count, isoDateTime, meta, queryBoolean, resourceId } from './common';

export const monitorChannelsQuery = z.strictObject({
  channel_id: meta(z.optional(resourceId), { description: 'only this channel (unknown: 404)' }),
  refresh: meta(queryBoolean, {
    description: "check now (the repository on GitHub, the runs) rather than answer the last sweep's findings; stored like the sweep's",
  }),
  limit: meta(z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100))), {
    description: 'channels per page (1-100), in id order; without limit or cursor, every channel in one answer',
  }),
  cursor: meta(z.optional(z.string().check(z.minLength(1), z.maxLength(2048))), {
    description: 'next_cursor of the previous page (pages of 100 when limit is absent)',
  }),
});

const channelError = z.object({
  at: isoDateTime,
  source: meta(z.enum(['run', 'dispatch', 'check']), { description: 'a failed run, a dispatch GitHub refused, or the check of the repository' }),
  code: meta(z.string(), { example: 'github_credentials_invalid' }),
  message: z.string(),
  run_id: z.nullable(z.string()),
});

export const channelHealthView = meta(
  z.object({
    status: z.enum(HEALTH_STATUSES),
    repository: meta(z.enum(REPOSITORY_STATES), { description: 'reachable, not_found (404), unreachable (5xx or the network); none without a repository; unchecked before its first check' }),
    credentials: meta(z.enum(CREDENTIALS_STATES), { description: 'valid, or unauthorized (the token refused, lacking push access, or not configured)' }),
    workflow: meta(z.enum(WORKFLOW_STATES), { description: 'found (active), missing, disabled' }),
    checked_at: meta(z.nullable(isoDateTime), { description: 'when this health was evaluated; null when it never was' }),
    repository_checked_at: meta(z.nullable(isoDateTime), { description: 'when the repository was last checked on GitHub' }),
    reason: meta(z.string(), { example: 'the last 3 runs failed (newest: pipeline_failed: the pipeline run ended: failure)' }),
    reason_code: z.enum(HEALTH_REASON_CODES),
  }),
  { id: 'ChannelHealth' },
);

export const monitoredChannel = meta(
  z.object({
    channel_id: resourceId,
    name: z.string(),
    health: channelHealthView,
    status: z.enum(CHANNEL_STATUSES),
    errors: meta(z.array(channelError), { description: 'the errors of the last 24 hours, newest first (at most 5)' }),
    statistics: meta(
      z.object({
        total: count,
        succeeded: count,
        failed: count,
        success_rate: z.nullable(z.number()),
        period_days: count,
      }),
      { description: 'publications that reached succeeded or failed in the last period_days (30) days; success_rate null when total is 0' },
    ),
    last_publication_at: meta(z.nullable(isoDateTime), { description: "when a run of the channel last succeeded" }),
  }),
  { id: 'MonitoredChannel' },
);

export const monitorChannelsResult = meta(
  z.object({
    channels: z.array(monitoredChannel),
    next_cursor: meta(z.nullable(z.string()), { description: 'the cursor of the next page; null on the last page, and when the answer holds every channel' }),
    checked_at: meta(z.nullable(isoDateTime), { description: 'for a refresh, when its check began; else when the last health sweep finished (null before the first)' }),
  }),
  { id: 'MonitorChannelsResult' },
);
