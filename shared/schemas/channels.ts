import * as z from 'zod/mini';
import { CHANNEL_STATUSES, DEFAULT_PUBLISHING } from '#shared/domain/channel';
import { count, isoDateTime, meta, priorityValue, page, pageCursor, pageLimit, queryBoolean, resourceId } from './common';

/** True when the runtime knows `zone` as an IANA time zone. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The runtime's canonical spelling of a zone it knows: `europe/paris` is
 * `Europe/Paris`, `utc` is `UTC`. IANA names match case-insensitively, so
 * without this one zone could be stored and answered under several spellings.
 * Aliases come back as the runtime's ICU names them: on Node 20, `US/Eastern`
 * is `America/New_York`, `Etc/UTC` and `GMT` are `UTC`, and `Asia/Kolkata` is
 * ICU's `Asia/Calcutta`. That form is kept as is: it is the one every later
 * read of the zone by the same runtime agrees with.
 */
function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

const slotTime = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:MM"'));

const github = z.strictObject({
  owner: z.string().check(z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub user or organisation name')),
  repo: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name')),
  workflow: z
    .string()
    .check(z.regex(/^(?:[A-Za-z0-9._-]{1,200}\.ya?ml|\d{1,20})$/, 'must be a workflow file name (publish.yml) or id')),
  ref: z._default(z.string().check(z.minLength(1), z.maxLength(255)), 'main'),
});

const publishing = z._default(
  z.strictObject({
    timezone: z._default(
      // Refined first, so an unknown zone is a 400 naming the field before the transform could throw.
      z.pipe(z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')), z.transform(canonicalTimeZone)),
      DEFAULT_PUBLISHING.timezone,
    ),
    slots: z.pipe(
      z
        ._default(z.array(slotTime).check(z.maxLength(288)), [])
        .check(z.refine((slots) => new Set(slots).size === slots.length, 'slots must not repeat')),
      z.transform((slots: string[]) => [...slots].sort()),
    ),
    min_gap_minutes: z._default(z.int().check(z.minimum(0), z.maximum(1440)), 0),
    max_per_day: z._default(z.nullable(z.int().check(z.minimum(1), z.maximum(1000))), null),
  }),
  { ...DEFAULT_PUBLISHING },
);

const stringList = z._default(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(100)), []);

const filters = z
  .strictObject({
    tags_any: stringList,
    tags_none: stringList,
    languages: stringList,
    categories: stringList,
    min_duration_seconds: z._default(z.nullable(z.int().check(z.minimum(0))), null),
    max_duration_seconds: z._default(z.nullable(z.int().check(z.minimum(0))), null),
  })
  .check(
    z.refine(
      (f) => f.min_duration_seconds === null || f.max_duration_seconds === null || f.min_duration_seconds <= f.max_duration_seconds,
      { message: 'min_duration_seconds must not exceed max_duration_seconds', path: ['min_duration_seconds'] },
    ),
  );

/**
 * The most `config` may weigh as stored (its JSON, UTF-8). The 256 KB body
 * does not bound it: JSON.stringify spells exponents out, so `1e20` (4 bytes)
 * is stored as 21 digits, and a body of them made a 1.1 MB item (a 500). With
 * every other field at its maximum the channel item stays near 250 KB
 * (docs/data-model.md, "Item sizes").
 */
export const MAX_CONFIG_BYTES = 128 * 1024;

const config = meta(
  z._default(
    z
      .record(z.string(), z.unknown())
      .check(z.refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_CONFIG_BYTES, `must be at most ${MAX_CONFIG_BYTES} bytes as JSON`)),
    {},
  ),
  { description: `any JSON object, at most ${MAX_CONFIG_BYTES} bytes (128 KB) as JSON` },
);

export const channelPath = z.strictObject({ channel_id: resourceId });

export const channelDefinition = meta(
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    status: z._default(z.enum(CHANNEL_STATUSES), 'active'),
    priority: z._default(z.int().check(z.minimum(0), z.maximum(9)), 5),
    github: z._default(z.nullable(github), null),
    publishing,
    filters: z._default(z.nullable(filters), null),
    config,
  }),
  { id: 'ChannelDefinition', description: 'PUT body: the whole definition of a channel.' },
);

export const channel = meta(
  z.object({
    channel_id: resourceId,
    name: z.string(),
    status: z.enum(CHANNEL_STATUSES),
    priority: priorityValue,
    github: z.nullable(github),
    publishing: z.object({
      timezone: z.string(),
      slots: z.array(z.string()),
      min_gap_minutes: count,
      max_per_day: z.nullable(count),
    }),
    filters: z.nullable(
      z.object({
        tags_any: z.array(z.string()),
        tags_none: z.array(z.string()),
        languages: z.array(z.string()),
        categories: z.array(z.string()),
        min_duration_seconds: z.nullable(count),
        max_duration_seconds: z.nullable(count),
      }),
    ),
    config: z.record(z.string(), z.unknown()),
    created_at: isoDateTime,
    updated_at: isoDateTime,
    version: count,
  }),
  { id: 'Channel' },
);

export const channelListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  status: z.optional(z.enum(CHANNEL_STATUSES)),
});

export const channelPage = meta(page(channel), { id: 'ChannelPage' });

export const channelDeleteQuery = z.strictObject({ force: queryBoolean });

export const channelDeleted = meta(
  z.object({ channel_id: resourceId, deleted: z.literal(true), cancelled_publications: count }),
  { id: 'ChannelDeleted' },
);
