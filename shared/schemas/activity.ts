import * as z from 'zod/mini';
import { ACTIVITY_TYPES } from '#shared/domain/activity';
import { isoDateTime, meta, page, pageCursor, pageLimit, resourceId } from './common';

export const activityListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  type: z.optional(z.enum(ACTIVITY_TYPES)),
  channel_id: z.optional(resourceId),
});

export const activityEntry = meta(
  z.object({
    activity_id: z.string(),
    at: isoDateTime,
    type: z.enum(ACTIVITY_TYPES),
    actor: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    channel_ids: z.array(z.string()),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string(),
  }),
  { id: 'ActivityEntry' },
);

export const activityPage = meta(page(activityEntry), { id: 'ActivityPage' });
