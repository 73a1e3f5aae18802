import * as z from 'zod';
import { ACTIVITY_TYPES } from '#shared/domain/activity';
import { isoDateTime, page, pageCursor, pageLimit, resourceId } from './common';

export const activityListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  type: z.enum(ACTIVITY_TYPES).optional(),
  channel_id: resourceId.optional(),
});

export const activityEntry = z
  .object({
    activity_id: z.string(),
    at: isoDateTime,
    type: z.enum(ACTIVITY_TYPES),
    actor: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    channel_ids: z.array(z.string()),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string(),
  })
  .meta({ id: 'ActivityEntry' });

export const activityPage = page(activityEntry).meta({ id: 'ActivityPage' });
