/**
 * The audit trail (SPEC "Everywhere"): every coordination activity, channel
 * operation, dispatch and system event is one entry.
 */
export const ACTIVITY_TYPES = [
  'system.started',
  'system.stopped',
  'system.paused',
  'system.resumed',
  'channel.created',
  'channel.updated',
  'channel.deleted',
  'channel.config_synced',
  'videos.distributed',
  'publication.coordinated',
  'publication.cancelled',
  'publication.preempted',
  'wave.scheduled',
  'wave.cancelled',
  'coordination.cancelled',
  'slot.fired',
  'publications.held',
  'publications.released',
  'pipeline.triggered',
  'pipeline.trigger_received',
  'pipeline.dispatched',
  'pipeline.in_progress',
  'pipeline.succeeded',
  'pipeline.failed',
  'pipeline.held',
  'coordination.rolled_back',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface ActivityTarget {
  type: 'system' | 'channel' | 'video' | 'publication' | 'coordination' | 'wave' | 'slot' | 'pipeline_run';
  id: string;
}

export interface ActivityEntry {
  /** Time-sortable (ULID): entries sort newest first by id. */
  activity_id: string;
  at: string;
  type: ActivityType;
  actor: string;
  target: ActivityTarget;
  /**
   * Channels the entry concerns; it is listed under each of them. As read
   * back, it may name fewer than `channel_count`: a channel's listing shows
   * that channel only, and the stored entry keeps at most the first 1,000
   * (so that no item grows past DynamoDB's 400 KB).
   */
  channel_ids: string[];
  /** How many channels the entry concerns in all; set when the entry is read back (writers leave it out). */
  channel_count?: number;
  details: Record<string, unknown>;
  request_id: string;
}

/** Who did something and under which request: carried from the edge into every service call. */
export interface RequestMeta {
  actor: string;
  request_id: string;
  /** The request's Idempotency-Key, when it sent one: a booking retried with it finds its first attempt's group. */
  idempotency_key?: string | undefined;
  /**
   * How long the caller can still wait for an answer (the API's time left,
   * less a margin): a booking not done by then answers 202 while it goes on.
   */
  answer_within_ms?: number | undefined;
}
