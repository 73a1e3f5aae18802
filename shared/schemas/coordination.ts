import * as z from 'zod';
import { PUBLICATION_STATUSES } from '#shared/domain/publication';
import { CONFLICT_POLICIES, STAGGER_BY, TIMINGS } from '#shared/domain/coordination';
import { isoDateTime, page, pageCursor, pageLimit, resourceId, systemId } from './common';

/** Publications a wave may hold (SPEC: more is 413). */
export const MAX_WAVE_PUBLICATIONS = 10_000;
/** Channels one request may name: the group item keeps them, and must stay far below DynamoDB's 400 KB. */
export const MAX_CHANNELS_PER_REQUEST = 1_000;
/** A stagger step: 1 second to 7 days. */
export const MAX_DELAY_SECONDS = 7 * 86_400;

export const publicationId = systemId('pub');
export const coordinationId = systemId('coord');
export const waveId = systemId('wave');

/** A list of ids that must not repeat; a repeat is named by its index. */
const uniqueIds = (max: number) =>
  z
    .array(resourceId)
    .min(1)
    .max(max)
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `'${id}' appears more than once`, path: [index] });
        seen.add(id);
      });
    });

const timing = z.enum(TIMINGS);
const delaySeconds = z.number().int().min(1).max(MAX_DELAY_SECONDS);
const priority = z.number().int().min(0).max(9).default(5).meta({ description: '0-9, higher first; preempt moves lower ones' });
const conflictPolicy = z.enum(CONFLICT_POLICIES).default('shift');

function requireDelayWhenStaggered(value: { timing: string; delay_seconds?: number | undefined }, ctx: z.core.$RefinementCtx, path: (string | number)[]) {
  if (value.timing === 'staggered' && value.delay_seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required when timing is staggered (there is no default step)', path });
  }
}

export const coordinatePublicationInput = z
  .strictObject({
    video_id: resourceId,
    channel_ids: uniqueIds(MAX_CHANNELS_PER_REQUEST),
    timing,
    scheduled_at: isoDateTime.optional().meta({ description: 'when absent: now' }),
    delay_seconds: delaySeconds.optional().meta({ description: 'the staggered step; ignored by the other timings' }),
    priority,
    conflict_policy: conflictPolicy,
    dry_run: z.boolean().default(false),
  })
  .superRefine((value, ctx) => requireDelayWhenStaggered(value, ctx, ['delay_seconds']))
  .meta({ id: 'CoordinatePublicationInput' });

export const scheduleWaveInput = z
  .strictObject({
    video_ids: uniqueIds(MAX_WAVE_PUBLICATIONS),
    channel_ids: uniqueIds(MAX_CHANNELS_PER_REQUEST),
    wave_config: z
      .strictObject({
        timing,
        scheduled_at: isoDateTime.optional(),
        delay_seconds: delaySeconds.optional(),
        stagger_by: z.enum(STAGGER_BY).default('video'),
      })
      .superRefine((value, ctx) => requireDelayWhenStaggered(value, ctx, ['delay_seconds'])),
    priority,
    conflict_policy: conflictPolicy,
    dry_run: z.boolean().default(false),
  })
  .meta({ id: 'ScheduleWaveInput' });

const conflict = z
  .object({
    channel_id: z.string(),
    video_id: z.string(),
    requested_at: isoDateTime,
    reason: z.enum(['min_gap', 'max_per_day', 'no_free_time']),
    conflicting_publication_id: z.string().nullable(),
    resolution: z.enum(['shifted', 'preempted', 'rejected']),
  })
  .meta({ id: 'Conflict' });

const move = z
  .object({ publication_id: z.string(), channel_id: z.string(), from: isoDateTime, to: isoDateTime })
  .meta({ id: 'PreemptedPublication' });

export const coordinationResult = z
  .object({
    coordination_id: coordinationId.nullable().meta({ description: 'null for a dry run' }),
    video_id: z.string(),
    timing,
    dry_run: z.boolean(),
    publications: z.array(
      z.object({
        publication_id: z.string().nullable(),
        channel_id: z.string(),
        scheduled_at: isoDateTime,
        status: z.enum([...PUBLICATION_STATUSES, 'planned']),
        shifted_from: isoDateTime.optional(),
      }),
    ),
    conflicts: z.array(conflict),
    preempted: z.array(move),
    schedules_created: z.number().int(),
  })
  .meta({ id: 'CoordinationResult' });

export const waveResult = z
  .object({
    wave_id: waveId.nullable().meta({ description: 'null for a dry run' }),
    dry_run: z.boolean(),
    total_publications: z.number().int(),
    slots: z.number().int(),
    first_at: isoDateTime.nullable(),
    last_at: isoDateTime.nullable(),
    shifted: z.number().int(),
    preempted: z.number().int(),
    conflicts: z.array(conflict).meta({ description: 'at most the first 100' }),
    schedules_created: z.number().int(),
  })
  .meta({ id: 'WaveResult' });

export const publication = z
  .object({
    publication_id: publicationId,
    coordination_id: coordinationId.nullable(),
    wave_id: waveId.nullable(),
    video_id: z.string(),
    channel_id: z.string(),
    scheduled_at: isoDateTime,
    requested_at: isoDateTime,
    shifted_from: isoDateTime.nullable(),
    priority: z.number().int(),
    status: z.enum(PUBLICATION_STATUSES),
    slot_id: z.string(),
    run_id: z.string().nullable(),
    status_reason: z.string().nullable(),
    created_at: isoDateTime,
    updated_at: isoDateTime,
  })
  .meta({ id: 'Publication' });

export const publicationPath = z.strictObject({ publication_id: publicationId });

export const publicationListQuery = z
  .strictObject({
    limit: pageLimit,
    cursor: pageCursor,
    status: z.enum(PUBLICATION_STATUSES).optional(),
    channel_id: resourceId.optional(),
    from: isoDateTime.optional().meta({ description: 'scheduled at or after' }),
    to: isoDateTime.optional().meta({ description: 'scheduled before' }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

export const publicationPage = page(publication).meta({ id: 'PublicationPage' });

export const cancelInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).meta({ id: 'CancelInput' });

export const wavePath = z.strictObject({ wave_id: waveId });

export const wave = z
  .object({
    wave_id: waveId,
    status: z.enum(['scheduled', 'cancelled']),
    video_count: z.number().int(),
    channel_ids: z.array(z.string()),
    timing,
    stagger_by: z.enum(STAGGER_BY),
    scheduled_at: isoDateTime,
    delay_seconds: z.number().int().nullable(),
    priority: z.number().int(),
    conflict_policy: z.enum(CONFLICT_POLICIES),
    total_publications: z.number().int(),
    first_at: isoDateTime.nullable(),
    last_at: isoDateTime.nullable(),
    schedules_created: z.number().int(),
    slots: z.array(
      z.object({
        slot_id: z.string(),
        fire_at: isoDateTime,
        status: z.enum(['pending', 'fired', 'cancelled']),
        publication_count: z.number().int(),
        dispatched: z.number().int(),
        held: z.number().int(),
      }),
    ),
    created_at: isoDateTime,
    cancelled_at: isoDateTime.nullable(),
  })
  .meta({ id: 'Wave' });

export const waveCancelled = z
  .object({
    wave_id: waveId,
    status: z.literal('cancelled'),
    cancelled_publications: z.number().int(),
    not_cancellable: z.number().int().meta({ description: 'publications already on their way (dispatching or later)' }),
    schedules_deleted: z.number().int(),
  })
  .meta({ id: 'WaveCancelled' });
