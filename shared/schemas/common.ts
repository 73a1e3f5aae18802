import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini has no messages of its own (every issue would read "Invalid input");
// classic zod installed the English ones. Every module that defines schemas
// installs them, so each bundle's issues read as they did with classic zod.
z.config(en());

/**
 * `schema` with metadata for the OpenAPI document: a copy registered in the
 * global registry (what classic zod's `.meta(data)` does; zod/mini has no such
 * method). The copy inherits the original's metadata, except its id.
 */
export function meta<T extends z.ZodMiniType>(schema: T, data: z.core.$replace<z.core.GlobalMeta, T>): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, data);
  return copy;
}

/** channel_id and video_id: 1-64 characters of A-Za-z0-9._- (SPEC "Details"). */
export const resourceId = meta(z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Za-z0-9._-')), {
  example: 'channel-1',
});

/** Identifiers the system makes (publications, coordinations, waves, runs): a prefix and a ULID. */
export const systemId = (prefix: string) =>
  z.string().check(z.regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `must be an id of the form ${prefix}_<ULID>`));

/** A count in a response: a non-negative integer. */
export const count = z.int().check(z.minimum(0));
/** A priority in a response: 0-9, higher first. */
export const priorityValue = z.int().check(z.minimum(0), z.maximum(9));

export const isoDateTime = meta(z.iso.datetime({ offset: true }), { example: '2026-11-21T18:00:00Z' });

export const pageLimit = meta(z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25), {
  description: 'items per page (1-100)',
});
export const pageCursor = meta(z.optional(z.string().check(z.minLength(1), z.maxLength(2048))), {
  description: 'next_cursor of the previous page',
});

/** `?flag=true|false` in a query string. */
export const queryBoolean = z._default(
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
  false,
);

export const page = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.nullable(z.string()) });

export const errorBody = meta(
  z.object({
    error: z.object({
      code: meta(z.string(), { example: 'validation_failed' }),
      message: z.string(),
      details: z.optional(z.record(z.string(), z.unknown())),
    }),
  }),
  { id: 'Error' },
);

/** What API Gateway itself answers when its authorizer refuses a request (the function never runs). */
export const gatewayErrorBody = meta(z.object({ message: z.string() }), { id: 'GatewayError' });

export const noInput = z.strictObject({});
