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
    channel_ids: meta(z.array(z.string()), {
      description:
        'The channels the entry concerns. Listed with ?channel_id=, only that channel; otherwise the first 1,000 of them. channel_count says how many there are in all.',
    }),
    channel_count: meta(z.int().check(z.minimum(0)), { description: 'How many channels the entry concerns in all.' }),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string(),
  }),
  { id: 'ActivityEntry' },
);

export const activityPage = meta(page(activityEntry), { id: 'ActivityPage' });
