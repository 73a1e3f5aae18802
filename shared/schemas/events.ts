import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod's English issue messages (why each schema module installs them: shared/schemas/common.ts).
z.config(en());

/** The input EventBridge Scheduler delivers to the slot target (what EventBridgeSlotScheduler wrote). */
export const slotFiredEvent = z.object({
  slot_id: z.string().check(z.minLength(1), z.maxLength(64)),
  group_id: z.string().check(z.minLength(1)),
  fire_at: z.iso.datetime(),
});

/**
 * What the reconciliation is invoked with: an EventBridge scheduled event in
 * AWS; locally the same, whose detail says when it is the first run after a
 * restart (every booking the dead process left unfinished is dead at once).
 */
export const reconciliationEvent = z.object({
  detail: z.optional(z.object({ after_restart: z.optional(z.boolean()) })),
});

/** A pipeline trigger as enqueued (shared/ports/trigger-queue.ts). */
export const pipelineTriggerMessage = z.object({
  trigger_id: z.string().check(z.minLength(1)),
  channel_id: z.string().check(z.minLength(1)),
  slot_id: z.nullable(z.string()),
  publications: z.array(z.object({ publication_id: z.string().check(z.minLength(1)), video_id: z.string().check(z.minLength(1)) })),
  priority: z.enum(['high', 'normal']),
  enqueued_at: z.string(),
  run_id: z.optional(z.string().check(z.minLength(1))),
  video_id: z.optional(z.nullable(z.string())),
  inputs: z.optional(z.record(z.string(), z.string())),
});
