/** Depth of the pipeline-trigger queue, as GET /status reports it. */
export interface QueueDepth {
  /** Waiting to be received, those still delayed included. */
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
  /** A manual trigger (POST /trigger-pipeline): the run it starts, its video and extra workflow inputs. */
  run_id?: string | undefined;
  video_id?: string | null | undefined;
  inputs?: Record<string, string> | undefined;
}

/** The most a trigger's delivery can be put off: SQS's DelaySeconds limit (15 minutes). */
export const MAX_TRIGGER_DELAY_SECONDS = 900;

export interface SendOptions {
  /**
   * Whole seconds before the triggers may be received (0 to
   * MAX_TRIGGER_DELAY_SECONDS; 0 by default): a slot fired before its time
   * has its triggers delivered at its second.
   */
  delaySeconds?: number | undefined;
}

export interface TriggerQueue {
  /**
   * Enqueues the triggers, up to 10 a batch (SQS SendMessageBatch) and fewer
   * when their size would pass the batch's 256 KB, retrying entries that
   * failed. A trigger over MAX_TRIGGER_BYTES is refused, never truncated, and
   * so is a delay out of range. Delayed triggers are in the queue on return,
   * received only once the delay is over.
   */
  send(triggers: readonly PipelineTrigger[], options?: SendOptions): Promise<void>;
  depth(): Promise<QueueDepth>;
}

/** The delay of a send, checked: whole seconds from 0 to MAX_TRIGGER_DELAY_SECONDS. */
export function delayOf(options: SendOptions | undefined): number {
  const delay = options?.delaySeconds ?? 0;
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_TRIGGER_DELAY_SECONDS) {
    throw new Error(`a trigger delay must be whole seconds from 0 to ${MAX_TRIGGER_DELAY_SECONDS}, got ${delay}`);
  }
  return delay;
}
