import * as z from 'zod/mini';
import { GROUP_KINDS } from '#shared/domain/publication';
import { QUEUE_NAMES, SYSTEM_HEALTH_REASON_CODES, SYSTEM_HEALTH_STATUSES, type QueueName } from '#shared/domain/system-health';
import { SYSTEM_STATUSES } from '#shared/domain/system-state';
import { activityEntry } from './activity';
import { count, isoDateTime, meta, priorityValue } from './common';

/** GET /dashboard's answer (SPEC "Monitoring"); fields beyond SPEC's are documented in docs/api.md. */

const queueDepth = meta(
  z.object({
    visible: count,
    in_flight: count,
    delayed: count,
    oldest_age_seconds: meta(z.nullable(count), { description: 'Age of the oldest message; null when unknown (SQS tells it only to CloudWatch).' }),
  }),
  { id: 'QueueDepth' },
);

const queueReading = meta(
  z.object({
    depth: meta(z.nullable(queueDepth), { description: 'null when the depth could not be read; error says why.' }),
    error: z.nullable(z.string()),
  }),
  { id: 'QueueReading' },
);

const systemHealth = meta(
  z.object({
    status: z.enum(SYSTEM_HEALTH_STATUSES),
    reasons: z.array(z.object({ code: z.enum(SYSTEM_HEALTH_REASON_CODES), message: z.string() })),
  }),
  { id: 'SystemHealth' },
);

const upcomingPublication = meta(
  z.object({
    publication_id: z.string(),
    channel_id: z.string(),
    video_id: z.string(),
    scheduled_at: isoDateTime,
    group_id: z.string(),
    group_kind: z.enum(GROUP_KINDS),
    priority: priorityValue,
  }),
  { id: 'UpcomingPublication' },
);

export const dashboard = meta(
  z.object({
    system: z.object({
      status: z.object({
        status: z.enum(SYSTEM_STATUSES),
        running: z.boolean(),
        paused: z.boolean(),
        since: z.nullable(isoDateTime),
        held_publications: meta(count, { description: 'Publications held while paused or stopped; released in order by start or resume. Not in schedules.pending.' }),
      }),
      health: systemHealth,
      queue: z.object({
        pending: meta(count, { description: 'Triggers waiting in both trigger queues, delayed ones included (as GET /status).' }),
        in_flight: count,
        dead_letter: meta(count, { description: "The trigger dead-letter queue's messages (as GET /status); every queue is in queues." }),
        queues: meta(z.object(Object.fromEntries(QUEUE_NAMES.map((name) => [name, queueReading])) as Record<QueueName, typeof queueReading>), {
          description: 'Every queue of the system by name.',
        }),
      }),
    }),
    channels: z.object({
      total: count,
      active: count,
      paused: count,
      inactive: count,
      error: meta(count, { description: 'Channels whose last health is unhealthy, of any status.' }),
    }),
    statistics: z.object({
      overall: z.object({
        total: meta(count, { description: 'Publications that reached succeeded or failed in the period.' }),
        succeeded: count,
        failed: count,
        success_rate: meta(z.nullable(z.number().check(z.minimum(0), z.maximum(1))), { description: 'succeeded / total; null when total is 0.' }),
        period_days: z.literal(30),
        from: meta(z.string(), { description: 'First UTC day of the period (yyyy-mm-dd).' }),
        to: meta(z.string(), { description: 'Last UTC day of the period, today (yyyy-mm-dd).' }),
      }),
    }),
    schedules: z.object({
      pending: meta(count, { description: 'Publications `scheduled` due before now + 7 days (those past their time included).' }),
      overdue: meta(count, { description: 'Of those, the ones more than 10 minutes past their time: slots that did not fire.' }),
      window_days: z.literal(7),
      next: meta(z.array(upcomingPublication), { description: 'The next ten `scheduled` publications, earliest first.' }),
    }),
    recent_activity: meta(z.array(activityEntry), {
      description: 'The last 20 activity entries, newest first; each lists at most 10 of its channel_ids (channel_count says how many).',
    }),
    generated_at: isoDateTime,
  }),
  { id: 'Dashboard' },
);
