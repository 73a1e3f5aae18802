import * as z from 'zod/mini';
import { DEFAULT_DISTRIBUTION_LIMIT, MAX_DISTRIBUTION_LIMIT } from '#shared/domain/distribution';
import { count, isoDateTime, meta, resourceId } from './common';

/** At most this many channels named in one call (the fleet's size is the order of magnitude). */
export const MAX_SYNC_CHANNELS = 1_000;

export const syncConfigsInput = meta(
  z.strictObject({
    channel_ids: meta(z.optional(z.array(resourceId).check(z.minLength(1), z.maxLength(MAX_SYNC_CHANNELS))), {
      description: 'the channels to sync (absent: every channel); an unknown one is a 404 and nothing is written',
    }),
  }),
  { id: 'SyncConfigsInput' },
);

export const syncConfigsResult = meta(
  z.strictObject({
    synced: meta(count, { description: 'channels whose file was committed' }),
    unchanged: meta(count, { description: 'channels whose file already held these bytes: no commit' }),
    skipped: meta(z.array(z.strictObject({ channel_id: z.string(), reason: z.enum(['no_repository']) })), {
      description: 'channels without a repository',
    }),
    errors: meta(z.array(z.strictObject({ channel_id: z.string(), error: z.string() })), {
      description: "channels whose sync failed, with GitHub's reason; the others went on",
    }),
    channels: meta(
      z.array(
        z.strictObject({
          channel_id: z.string(),
          result: z.enum(['synced', 'unchanged', 'skipped', 'error']),
          commit_sha: z.nullable(z.string()),
        }),
      ),
      { description: 'every channel looked at, in id order' },
    ),
    path: meta(z.string(), { description: 'the file written in each repository', example: '.orchestrator/channel.json' }),
  }),
  { id: 'SyncConfigsResult' },
);

export const distributeVideosInput = meta(
  z.strictObject({
    dry_run: meta(z._default(z.boolean(), false), { description: 'plan only: the answer as it would be, nothing claimed or booked' }),
    limit: meta(z._default(z.int().check(z.minimum(1), z.maximum(MAX_DISTRIBUTION_LIMIT)), DEFAULT_DISTRIBUTION_LIMIT), {
      description: `available videos the call takes at most, oldest first (1-${MAX_DISTRIBUTION_LIMIT})`,
    }),
    channel_ids: meta(z.optional(z.array(resourceId).check(z.minLength(1), z.maxLength(MAX_SYNC_CHANNELS))), {
      description: 'only these channels (absent: every active channel); an unknown one is a 404, one not active a 422, and nothing is written',
    }),
  }),
  { id: 'DistributeVideosInput' },
);

export const distributeVideosResult = meta(
  z.strictObject({
    total_distributed: meta(count, { description: 'publications booked: by_filters + by_schedule' }),
    by_filters: meta(count, { description: "publications on channels whose filters matched the video" }),
    by_schedule: meta(count, { description: 'publications on channels without filters, filling their free slots of the next 24 h' }),
    dry_run: z.boolean(),
    wave_id: meta(z.nullable(z.string()), { description: 'the wave the publications were booked as (GET /waves/{wave_id}); null when nothing was booked' }),
    assignments: meta(
      z.array(
        z.strictObject({
          video_id: z.string(),
          channel_id: z.string(),
          publication_id: meta(z.nullable(z.string()), { description: 'null in a dry run' }),
          scheduled_at: isoDateTime,
          reason: z.enum(['filters', 'schedule']),
        }),
      ),
      { description: "every publication booked, each in its channel's next free slot" },
    ),
    skipped: meta(
      z.array(
        z.strictObject({
          video_id: z.string(),
          reason: z.enum(['no_matching_channel', 'already_on_channel', 'no_free_slot', 'publication_limit', 'in_distribution']),
          channel_id: meta(z.nullable(z.string()), { description: 'the channel the skip is about; null when it is about the video as a whole' }),
        }),
      ),
      { description: 'videos that got nothing (channel_id null), and matching channels that could not take a video' },
    ),
  }),
  { id: 'DistributeVideosResult' },
);
