import type { GroupKind } from '#shared/domain/publication';
import type { GroupStatus, PublicationGroup } from '#shared/domain/publication-group';

/** The id field of a group's kind on the wire. */
type IdField<K extends GroupKind> = K extends 'wave' ? 'wave_id' : 'coordination_id';

/**
 * 202 with a group the caller should follow with GET: a booking still being
 * written when its answer could wait no longer, or a booking retried with the
 * Idempotency-Key of an attempt whose answer was lost (it timed out, its
 * process died, or it is still running), never booked a second time.
 */
export type EarlierAttemptAnswer<K extends GroupKind> = { [F in IdField<K>]: string } & {
  status: GroupStatus;
  message: string;
};

const MESSAGES: Record<GroupStatus, string> = {
  planning: 'the booking is still being written (it outlived the time this answer could wait, or its first attempt with this Idempotency-Key is still running); GET the group to follow it to scheduled, or failed with its reason',
  scheduled: 'a request with this Idempotency-Key booked this group; its answer was lost, GET the group for what it booked',
  cancelled: 'a request with this Idempotency-Key booked this group, which has been cancelled since',
  failed: 'a request with this Idempotency-Key failed and was undone',
};

export function earlierAttemptAnswer<K extends GroupKind>(kind: K, group: PublicationGroup): EarlierAttemptAnswer<K> {
  const id = kind === 'wave' ? 'wave_id' : 'coordination_id';
  return { [id]: group.group_id, status: group.status, message: MESSAGES[group.status] } as EarlierAttemptAnswer<K>;
}
