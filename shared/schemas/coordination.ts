import * as z from 'zod/mini';
import { PUBLICATION_STATUSES } from '#shared/domain/publication';
import { CONFLICT_POLICIES, STAGGER_BY, TIMINGS } from '#shared/domain/coordination';
import { GROUP_STATUSES, SLOT_STATUSES, VISIBLE_GROUP_STATUSES } from '#shared/domain/publication-group';
import { count, isoDateTime, meta, page, pageCursor, pageLimit, priorityValue, resourceId, systemId } from './common';

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
  z.array(resourceId).check(
    z.minLength(1),
    z.maxLength(max),
    z.superRefine((ids: string[], ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `'${id}' appears more than once`, path: [index] });
        seen.add(id);
      });
    }),
  );

const timing = z.enum(TIMINGS);
const delaySeconds = z.int().check(z.minimum(1), z.maximum(MAX_DELAY_SECONDS));
const priority = meta(z._default(z.int().check(z.minimum(0), z.maximum(9)), 5), {
  description: '0-9, higher first; preempt moves lower ones',
});
const conflictPolicy = z._default(z.enum(CONFLICT_POLICIES), 'shift');

function requireDelayWhenStaggered(value: { timing: string; delay_seconds?: number | undefined }, ctx: z.core.$RefinementCtx, path: (string | number)[]) {
  if (value.timing === 'staggered' && value.delay_seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required when timing is staggered (there is no default step)', path });
  }
}

export const coordinatePublicationInput = meta(
  z
    .strictObject({
      video_id: resourceId,
      channel_ids: uniqueIds(MAX_CHANNELS_PER_REQUEST),
      timing,
      scheduled_at: meta(z.optional(isoDateTime), { description: 'when absent: now' }),
      delay_seconds: meta(z.optional(delaySeconds), { description: 'the staggered step; ignored by the other timings' }),
      priority,
      conflict_policy: conflictPolicy,
      dry_run: z._default(z.boolean(), false),
    })
    .check(z.superRefine((value, ctx) => requireDelayWhenStaggered(value, ctx, ['delay_seconds']))),
  { id: 'CoordinatePublicationInput' },
);

export const scheduleWaveInput = meta(
  z.strictObject({
    video_ids: uniqueIds(MAX_WAVE_PUBLICATIONS),
    channel_ids: uniqueIds(MAX_CHANNELS_PER_REQUEST),
    wave_config: z
      .strictObject({
        timing,
        scheduled_at: z.optional(isoDateTime),
        delay_seconds: z.optional(delaySeconds),
        stagger_by: z._default(z.enum(STAGGER_BY), 'video'),
      })
      .check(z.superRefine((value, ctx) => requireDelayWhenStaggered(value, ctx, ['delay_seconds']))),
    priority,
    conflict_policy: conflictPolicy,
    dry_run: z._default(z.boolean(), false),
  }),
  { id: 'ScheduleWaveInput' },
);

const conflict = meta(
  z.object({
    channel_id: z.string(),
    video_id: z.string(),
    requested_at: isoDateTime,
    reason: z.enum(['min_gap', 'max_per_day', 'no_free_time']),
    conflicting_publication_id: z.nullable(z.string()),
    resolution: z.enum(['shifted', 'preempted', 'rejected']),
  }),
  { id: 'Conflict' },
);

const move = meta(z.object({ publication_id: z.string(), channel_id: z.string(), from: isoDateTime, to: isoDateTime }), {
  id: 'PreemptedPublication',
});

export const coordinationResult = meta(
  z.object({
    coordination_id: meta(z.nullable(coordinationId), { description: 'null for a dry run' }),
    video_id: z.string(),
    timing,
    dry_run: z.boolean(),
    publications: z.array(
      z.object({
        publication_id: z.nullable(z.string()),
        channel_id: z.string(),
        scheduled_at: isoDateTime,
        status: z.enum([...PUBLICATION_STATUSES, 'planned']),
        shifted_from: z.optional(isoDateTime),
      }),
    ),
    conflicts: z.array(conflict),
    preempted: z.array(move),
    schedules_created: count,
  }),
  { id: 'CoordinationResult' },
);

export const waveResult = meta(
  z.object({
    wave_id: meta(z.nullable(waveId), { description: 'null for a dry run' }),
    dry_run: z.boolean(),
    total_publications: count,
    slots: count,
    first_at: z.nullable(isoDateTime),
    last_at: z.nullable(isoDateTime),
    shifted: count,
    preempted: count,
    conflicts: meta(z.array(conflict), { description: 'at most the first 100' }),
    schedules_created: count,
  }),
  { id: 'WaveResult' },
);

export const publication = meta(
  z.object({
    publication_id: publicationId,
    coordination_id: z.nullable(coordinationId),
    wave_id: z.nullable(waveId),
    video_id: z.string(),
    channel_id: z.string(),
    scheduled_at: isoDateTime,
    requested_at: isoDateTime,
    shifted_from: z.nullable(isoDateTime),
    priority: priorityValue,
    status: z.enum(PUBLICATION_STATUSES),
    slot_id: z.string(),
    run_id: z.nullable(z.string()),
    status_reason: z.nullable(z.string()),
    created_at: isoDateTime,
    updated_at: isoDateTime,
  }),
  { id: 'Publication' },
);

export const publicationPath = z.strictObject({ publication_id: publicationId });

/** A coordination or a wave: what GET /publications?group_id= takes. */
export const groupId = meta(
  z.string().check(z.regex(/^(coord|wave)_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id of the form coord_<ULID> or wave_<ULID>')),
  { description: 'a coordination_id or a wave_id' },
);

export const publicationListQuery = z
  .strictObject({
    limit: pageLimit,
    cursor: pageCursor,
    status: z.optional(z.enum(PUBLICATION_STATUSES)),
    channel_id: z.optional(resourceId),
    group_id: meta(z.optional(groupId), { description: 'only the publications of this coordination or wave' }),
    video_id: meta(z.optional(resourceId), { description: 'only the publications of this video' }),
    from: meta(z.optional(isoDateTime), { description: 'scheduled at or after' }),
    to: meta(z.optional(isoDateTime), { description: 'scheduled before' }),
  })
  .check(z.refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] }));

export const publicationPage = meta(page(publication), { id: 'PublicationPage' });

export const cancelInput = meta(z.strictObject({ reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))) }), {
  id: 'CancelInput',
});

// Either kind of id is well formed on either route: a coordination's id on a wave route (or the reverse) names no such wave, a 404.
export const wavePath = z.strictObject({ wave_id: meta(groupId, { description: 'wave_<ULID>; a coordination id is not a wave (404)' }) });
export const coordinationPath = z.strictObject({
  coordination_id: meta(groupId, { description: 'coord_<ULID>; a wave id is not a coordination (404)' }),
});

/** GET /waves and GET /coordinations: newest first; only groups scheduled or cancelled exist to the API. */
export const groupListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  status: z.optional(z.enum(VISIBLE_GROUP_STATUSES)),
});

/** What a coordination and a wave both show (shared/services/publication-queries.ts). */
const groupFields = {
  status: meta(z.enum(VISIBLE_GROUP_STATUSES), {
    description: 'planning: still being written (follow it); scheduled: booked; cancelled; failed: rolled back, nothing left booked',
  }),
  status_reason: meta(z.nullable(z.string()), { description: 'why it failed (or was cancelled while being written)' }),
  channel_ids: z.array(z.string()),
  timing,
  scheduled_at: meta(isoDateTime, { description: 'the base time of the plan' }),
  delay_seconds: z.nullable(delaySeconds),
  priority: priorityValue,
  conflict_policy: z.enum(CONFLICT_POLICIES),
  total_publications: count,
  first_at: z.nullable(isoDateTime),
  last_at: z.nullable(isoDateTime),
  schedules_created: count,
  created_at: isoDateTime,
  cancelled_at: z.nullable(isoDateTime),
};

const slotView = z.object({
  slot_id: z.string(),
  fire_at: isoDateTime,
  status: z.enum(SLOT_STATUSES),
  publication_count: count,
  dispatched: count,
  held: count,
});
const slots = meta(z.array(slotView), { description: 'earliest first' });

const waveFields = { wave_id: waveId, video_count: count, stagger_by: z.enum(STAGGER_BY), ...groupFields };
const coordinationFields = {
  coordination_id: coordinationId,
  video_id: meta(z.nullable(z.string()), { description: 'null only for coordinations booked before the video was kept on them' }),
  ...groupFields,
};

export const wave = meta(z.object({ ...waveFields, slots }), { id: 'Wave' });
export const waveSummary = meta(z.object(waveFields), { id: 'WaveSummary' });
export const wavePage = meta(page(waveSummary), { id: 'WavePage' });

export const coordination = meta(z.object({ ...coordinationFields, slots }), { id: 'Coordination' });
export const coordinationSummary = meta(z.object(coordinationFields), { id: 'CoordinationSummary' });
export const coordinationPage = meta(page(coordinationSummary), { id: 'CoordinationPage' });

const cancellationCounts = {
  status: z.literal('cancelled'),
  cancelled_publications: count,
  not_cancellable: meta(count, { description: 'publications already on their way (dispatching or later)' }),
  schedules_deleted: count,
};

const earlierAttempt = {
  status: meta(z.enum(GROUP_STATUSES), { description: 'where the first attempt stands' }),
  message: z.string(),
};
/** 202: a retry whose Idempotency-Key's first attempt lost its answer (timed out, died, or still running). */
export const waveAccepted = meta(z.object({ wave_id: waveId, ...earlierAttempt }), { id: 'WaveAccepted' });
export const coordinationAccepted = meta(z.object({ coordination_id: coordinationId, ...earlierAttempt }), { id: 'CoordinationAccepted' });

export const waveCancelled = meta(z.object({ wave_id: waveId, ...cancellationCounts }), { id: 'WaveCancelled' });
export const coordinationCancelled = meta(z.object({ coordination_id: coordinationId, ...cancellationCounts }), { id: 'CoordinationCancelled' });
