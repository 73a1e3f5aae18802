/** A video's publication on one channel at one time (SPEC "Coordination"). */
export const PUBLICATION_STATUSES = [
  'scheduled',
  'held',
  'dispatching',
  'dispatched',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];

/** Publications that have not gone out yet: they block a channel's deletion and can be cancelled. */
export const PENDING_STATUSES = ['scheduled', 'held'] as const satisfies readonly PublicationStatus[];

/**
 * Statuses a publication never leaves: its work is over. A publication that
 * reaches one leaves the table after the retention (docs/data-model.md,
 * "Retention"); one in any other status is live and is kept.
 */
export const FINAL_STATUSES = ['succeeded', 'failed', 'cancelled'] as const satisfies readonly PublicationStatus[];

export function isFinal(status: PublicationStatus): boolean {
  return (FINAL_STATUSES as readonly PublicationStatus[]).includes(status);
}

export const GROUP_KINDS = ['coordination', 'wave'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export interface Publication {
  publication_id: string;
  /** The coordination or wave it belongs to. */
  group_id: string;
  group_kind: GroupKind;
  video_id: string;
  channel_id: string;
  /** When it goes out (ISO 8601, whole seconds). */
  scheduled_at: string;
  /** When it was asked for, before conflicts moved it. */
  requested_at: string;
  /** Set when a conflict (or a preempting publication) moved it: the time it had before. */
  shifted_from: string | null;
  /** 0-9, higher first. */
  priority: number;
  status: PublicationStatus;
  slot_id: string;
  run_id: string | null;
  /** Why it is in its status (a cancel reason, a hold, a failure). */
  status_reason: string | null;
  /** When the pipeline-trigger consumer received its trigger. */
  trigger_received_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The trigger priority of a publication: 7-9 drain before the rest. */
export function triggerPriorityOf(priority: number): 'high' | 'normal' {
  return priority >= 7 ? 'high' : 'normal';
}
