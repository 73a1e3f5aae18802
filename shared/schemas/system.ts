import * as z from 'zod';
import { SYSTEM_STATUSES } from '#shared/domain/system-state';
import { isoDateTime } from './common';

const systemStatus = z.enum(SYSTEM_STATUSES);

export const controlResult = z
  .object({
    status: systemStatus,
    previous: systemStatus,
    changed: z.boolean(),
    running: z.boolean(),
    paused: z.boolean(),
    since: isoDateTime.nullable(),
    updated_at: isoDateTime.nullable(),
  })
  .meta({ id: 'ControlResult' });

export const statusReport = z
  .object({
    status: systemStatus,
    running: z.boolean(),
    paused: z.boolean(),
    since: isoDateTime.nullable(),
    held_publications: z.number().int(),
    queue: z.object({ pending: z.number().int(), in_flight: z.number().int(), dead_letter: z.number().int() }),
  })
  .meta({ id: 'StatusReport' });
