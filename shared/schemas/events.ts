import * as z from 'zod';

/** The input EventBridge Scheduler delivers to the slot target (what EventBridgeSlotScheduler wrote). */
export const slotFiredEvent = z.object({
  slot_id: z.string().min(1).max(64),
  group_id: z.string().min(1),
  fire_at: z.iso.datetime(),
});

/** A pipeline trigger as enqueued (shared/ports/trigger-queue.ts). */
export const pipelineTriggerMessage = z.object({
  trigger_id: z.string().min(1),
  channel_id: z.string().min(1),
  slot_id: z.string().nullable(),
  publications: z.array(z.object({ publication_id: z.string().min(1), video_id: z.string().min(1) })),
  priority: z.enum(['high', 'normal']),
  enqueued_at: z.string(),
});
