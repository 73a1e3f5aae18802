import * as z from 'zod/mini';
import { SYSTEM_STATUSES } from '#shared/domain/system-state';
import { count, isoDateTime, meta } from './common';

const systemStatus = z.enum(SYSTEM_STATUSES);

export const controlResult = meta(
  z.object({
    status: systemStatus,
    previous: systemStatus,
    changed: z.boolean(),
    running: z.boolean(),
    paused: z.boolean(),
    since: z.nullable(isoDateTime),
    updated_at: z.nullable(isoDateTime),
  }),
  { id: 'ControlResult' },
);

export const statusReport = meta(
  z.object({
    status: systemStatus,
    running: z.boolean(),
    paused: z.boolean(),
    since: z.nullable(isoDateTime),
    held_publications: count,
    queue: z.object({ pending: count, in_flight: count, dead_letter: count }),
  }),
  { id: 'StatusReport' },
);
