import * as z from 'zod/mini';
import { CREATABLE_VIDEO_STATUSES, VIDEO_STATUSES } from '#shared/domain/video';
import { count, isoDateTime, meta, page, pageCursor, pageLimit, resourceId } from './common';

export const videoPath = z.strictObject({ video_id: resourceId });

export const videoInput = meta(
  z.strictObject({
    video_id: meta(z.optional(resourceId), { description: "the scraper's own id; a time-sortable one is made when absent" }),
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
    tags: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(100)), []),
    language: z._default(
      // At most 35 characters (RFC 5646 4.4.1): without a cap its subtags could repeat for the whole body.
      z.nullable(
        z.string().check(z.maxLength(35), z.regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR')),
      ),
      null,
    ),
    category: z._default(z.nullable(z.string().check(z.minLength(1), z.maxLength(100))), null),
    duration_seconds: z._default(z.nullable(z.int().check(z.minimum(0), z.maximum(86_400 * 7))), null),
    source_url: z._default(z.nullable(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048))), null),
    status: z._default(z.enum(CREATABLE_VIDEO_STATUSES), 'available'),
  }),
  { id: 'VideoInput' },
);

export const video = meta(
  z.object({
    video_id: resourceId,
    title: z.string(),
    tags: z.array(z.string()),
    language: z.nullable(z.string()),
    category: z.nullable(z.string()),
    duration_seconds: z.nullable(count),
    source_url: z.nullable(z.string()),
    status: z.enum(VIDEO_STATUSES),
    created_at: isoDateTime,
    updated_at: isoDateTime,
  }),
  { id: 'Video' },
);

export const videoListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  status: z.optional(z.enum(VIDEO_STATUSES)),
});

export const videoPage = meta(page(video), { id: 'VideoPage' });
