import * as z from 'zod/mini';
import { count, meta, resourceId } from './common';

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
