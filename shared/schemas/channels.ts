import * as z from 'zod';
import { CHANNEL_STATUSES, DEFAULT_PUBLISHING } from '#shared/domain/channel';
import { isoDateTime, page, pageCursor, pageLimit, queryBoolean, resourceId } from './common';

/** True when the runtime knows `zone` as an IANA time zone. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const slotTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:MM"');

const github = z.strictObject({
  owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub user or organisation name'),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name'),
  workflow: z
    .string()
    .regex(/^(?:[A-Za-z0-9._-]{1,200}\.ya?ml|\d{1,20})$/, 'must be a workflow file name (publish.yml) or id'),
  ref: z.string().min(1).max(255).default('main'),
});

const publishing = z
  .strictObject({
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').default(DEFAULT_PUBLISHING.timezone),
    slots: z
      .array(slotTime)
      .max(288)
      .default([])
      .refine((slots) => new Set(slots).size === slots.length, 'slots must not repeat')
      .transform((slots) => [...slots].sort()),
    min_gap_minutes: z.number().int().min(0).max(1440).default(0),
    max_per_day: z.number().int().min(1).max(1000).nullable().default(null),
  })
  .default({ ...DEFAULT_PUBLISHING });

const stringList = z.array(z.string().min(1).max(100)).max(100).default([]);

const filters = z
  .strictObject({
    tags_any: stringList,
    tags_none: stringList,
    languages: stringList,
    categories: stringList,
    min_duration_seconds: z.number().int().min(0).nullable().default(null),
    max_duration_seconds: z.number().int().min(0).nullable().default(null),
  })
  .refine(
    (f) => f.min_duration_seconds === null || f.max_duration_seconds === null || f.min_duration_seconds <= f.max_duration_seconds,
    { message: 'min_duration_seconds must not exceed max_duration_seconds', path: ['min_duration_seconds'] },
  );

export const channelPath = z.strictObject({ channel_id: resourceId });

export const channelDefinition = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    status: z.enum(CHANNEL_STATUSES).default('active'),
    priority: z.number().int().min(0).max(9).default(5),
    github: github.nullable().default(null),
    publishing,
    filters: filters.nullable().default(null),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .meta({ id: 'ChannelDefinition', description: 'PUT body: the whole definition of a channel.' });

export const channel = z
  .object({
    channel_id: resourceId,
    name: z.string(),
    status: z.enum(CHANNEL_STATUSES),
    priority: z.number().int(),
    github: github.nullable(),
    publishing: z.object({
      timezone: z.string(),
      slots: z.array(z.string()),
      min_gap_minutes: z.number().int(),
      max_per_day: z.number().int().nullable(),
    }),
    filters: z
      .object({
        tags_any: z.array(z.string()),
        tags_none: z.array(z.string()),
        languages: z.array(z.string()),
        categories: z.array(z.string()),
        min_duration_seconds: z.number().int().nullable(),
        max_duration_seconds: z.number().int().nullable(),
      })
      .nullable(),
    config: z.record(z.string(), z.unknown()),
    created_at: isoDateTime,
    updated_at: isoDateTime,
    version: z.number().int(),
  })
  .meta({ id: 'Channel' });

export const channelListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  status: z.enum(CHANNEL_STATUSES).optional(),
});

export const channelPage = page(channel).meta({ id: 'ChannelPage' });

export const channelDeleteQuery = z.strictObject({ force: queryBoolean });

export const channelDeleted = z
  .object({ channel_id: resourceId, deleted: z.literal(true), cancelled_publications: z.number().int() })
  .meta({ id: 'ChannelDeleted' });
