import type { ConflictPolicy, StaggerBy, Timing } from './coordination';
import type { GroupKind } from './publication';

/**
 * A coordination (one video) or a wave (many videos): the publications one
 * request booked, and the slots they fire in.
 *
 * The group item is the booking's commit record (docs/architecture.md, "The
 * commit protocol"): written `planning` before any other write (the intent),
 * made `scheduled` by one conditional write once everything is written (the
 * commit), or `failed` by a rollback. Nothing of a group that is not
 * committed ever fires. A group planning past its lease belongs to a request
 * that died: the reconciliation rolls it back.
 */
export const GROUP_STATUSES = ['planning', 'scheduled', 'cancelled', 'failed'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

export interface PublicationGroup {
  group_id: string;
  kind: GroupKind;
  status: GroupStatus;
  channel_ids: string[];
  /** A coordination's one video; null for a wave (many videos), and for coordinations booked before it was kept. */
  video_id: string | null;
  video_count: number;
  timing: Timing;
  stagger_by: StaggerBy;
  /** The base time of the plan (scheduled_at, or the request's time). */
  scheduled_at: string;
  delay_seconds: number | null;
  priority: number;
  conflict_policy: ConflictPolicy;
  total_publications: number;
  slot_count: number;
  first_at: string | null;
  last_at: string | null;
  schedules_created: number;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  actor: string;
  request_id: string;
  /** The process (a Lambda invocation, a local server) writing a planning group. */
  lease_owner: string | null;
  /** Until when that process may still commit it; past it, the group is rolled back. */
  lease_until: string | null;
  /** A cancel arrived while it was planning: the commit will fail and the booking is rolled back, ending `cancelled`. */
  cancel_requested_at: string | null;
  /** A rollback began: the commit can no longer happen. */
  rollback_started_at: string | null;
  /** Why it is `failed` (or `cancelled` while it was being booked): the rollback's reason. */
  status_reason: string | null;
}

/**
 * The statuses a group is shown in: all of them. One still `planning` is
 * being written (a 202 pointed to it); one `failed` was rolled back, with
 * the reason, and nothing of it is left booked.
 */
export const VISIBLE_GROUP_STATUSES = GROUP_STATUSES;
export type VisibleGroupStatus = (typeof VISIBLE_GROUP_STATUSES)[number];

export const SLOT_STATUSES = ['pending', 'fired', 'cancelled'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/** One distinct fire time of a group: one schedule, many publications. */
export interface Slot {
  slot_id: string;
  group_id: string;
  fire_at: string;
  status: SlotStatus;
  publication_count: number;
  dispatched: number;
  held: number;
  fired_at: string | null;
}

/**
 * A slot's id, which is also its schedule's name: the group id and the fire
 * time in UTC (`wave_01J...-20261121T180000Z`), at most 64 characters of
 * [0-9A-Za-z_-], as EventBridge Scheduler names require. Deterministic, so a
 * retried request names the same schedule.
 */
export function slotIdOf(groupId: string, fireAt: string): string {
  return `${groupId}-${compactInstant(fireAt)}`;
}

export function fireAtOfSlotId(slotId: string): string | null {
  const match = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(slotId);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
}

function compactInstant(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

/** ISO 8601 for an instant in epoch milliseconds, as stored everywhere. */
export const isoOf = (epochMs: number): string => new Date(epochMs).toISOString();
