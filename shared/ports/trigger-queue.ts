/** Depth of the pipeline-trigger queue, as GET /status reports it. */
export interface QueueDepth {
  pending: number;
  in_flight: number;
  dead_letter: number;
}

/**
 * The most a trigger's body (its JSON, UTF-8) may weigh. SQS takes 256 KB a
 * message, attributes included: 200 KB leaves room for those and for the
 * envelope, and lets a SendMessageBatch still carry one such trigger.
 */
export const MAX_TRIGGER_BYTES = 200 * 1024;

/**
 * One pipeline trigger: the publications of one slot on one channel go out
 * as one dispatch (SPEC "Pipelines"). Every trigger goes through the queue.
 * A group too large for one message (over MAX_TRIGGER_BYTES) goes out in
 * parts, each publication in exactly one part.
 */
export interface PipelineTrigger {
  /**
   * Deterministic, so a duplicate delivery is recognisable: `<slot_id>/<channel_id>`,
   * or `<slot_id>/<channel_id>#<part>` (1-based) for the parts of a split group.
   */
  trigger_id: string;
  channel_id: string;
  slot_id: string | null;
  publications: { publication_id: string; video_id: string }[];
  priority: 'high' | 'normal';
  enqueued_at: string;
}

export interface TriggerQueue {
  /**
   * Enqueues the triggers, up to 10 a batch (SQS SendMessageBatch) and fewer
   * when their size would pass the batch's 256 KB, retrying entries that
   * failed. A trigger over MAX_TRIGGER_BYTES is refused, never truncated.
   */
  send(triggers: readonly PipelineTrigger[]): Promise<void>;
  depth(): Promise<QueueDepth>;
}
