/** Depth of the pipeline-trigger queue, as GET /status reports it. */
export interface QueueDepth {
  pending: number;
  in_flight: number;
  dead_letter: number;
}

/**
 * One pipeline trigger: the publications of one slot on one channel go out
 * as one dispatch (SPEC "Pipelines"). Every trigger goes through the queue.
 */
export interface PipelineTrigger {
  /** Deterministic (`<slot_id>/<channel_id>`), so a duplicate delivery is recognisable. */
  trigger_id: string;
  channel_id: string;
  slot_id: string | null;
  publications: { publication_id: string; video_id: string }[];
  priority: 'high' | 'normal';
  enqueued_at: string;
}

export interface TriggerQueue {
  /** Enqueues the triggers, 10 a batch (SQS SendMessageBatch), retrying entries that failed. */
  send(triggers: readonly PipelineTrigger[]): Promise<void>;
  depth(): Promise<QueueDepth>;
}
