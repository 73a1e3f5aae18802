import * as z from 'zod';
import { CREATABLE_VIDEO_STATUSES, VIDEO_STATUSES } from '#shared/domain/video';
import { isoDateTime, page, pageCursor, pageLimit, resourceId } from './common';

export const videoPath = z.strictObject({ video_id: resourceId });

export const videoInput = z
  .strictObject({
    video_id: resourceId.optional().meta({ description: "the scraper's own id; a time-sortable one is made when absent" }),
    title: z.string().trim().min(1).max(500),
    tags: z.array(z.string().min(1).max(100)).max(100).default([]),
    language: z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR').nullable().default(null),
    category: z.string().min(1).max(100).nullable().default(null),
    duration_seconds: z.number().int().min(0).max(86_400 * 7).nullable().default(null),
    source_url: z.url({ protocol: /^https?$/ }).max(2048).nullable().default(null),
    status: z.enum(CREATABLE_VIDEO_STATUSES).default('available'),
  })
  .meta({ id: 'VideoInput' });

export const video = z
  .object({
    video_id: resourceId,
    title: z.string(),
    tags: z.array(z.string()),
    language: z.string().nullable(),
    category: z.string().nullable(),
    duration_seconds: z.number().int().nullable(),
    source_url: z.string().nullable(),
    status: z.enum(VIDEO_STATUSES),
    created_at: isoDateTime,
    updated_at: isoDateTime,
  })
  .meta({ id: 'Video' });

export const videoListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  status: z.enum(VIDEO_STATUSES).optional(),
});

export const videoPage = page(video).meta({ id: 'VideoPage' });
