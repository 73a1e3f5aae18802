import * as z from 'zod';

/** channel_id and video_id: 1-64 characters of A-Za-z0-9._- (SPEC "Details"). */
export const resourceId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Za-z0-9._-')
  .meta({ example: 'channel-1' });

/** Identifiers the system makes (publications, coordinations, waves, runs): a prefix and a ULID. */
export const systemId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `must be an id of the form ${prefix}_<ULID>`);

export const isoDateTime = z.iso.datetime({ offset: true }).meta({ example: '2026-11-21T18:00:00Z' });

export const pageLimit = z.coerce.number().int().min(1).max(100).default(25).meta({ description: 'items per page (1-100)' });
export const pageCursor = z.string().min(1).max(2048).optional().meta({ description: 'next_cursor of the previous page' });

/** `?flag=true|false` in a query string. */
export const queryBoolean = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .default(false);

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const noInput = z.strictObject({});
