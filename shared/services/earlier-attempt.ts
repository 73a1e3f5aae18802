import type { GroupKind } from '#shared/domain/publication';
import type { GroupStatus, PublicationGroup } from '#shared/domain/publication-group';

/** The id field of a group's kind on the wire. */
type IdField<K extends GroupKind> = K extends 'wave' ? 'wave_id' : 'coordination_id';

/**
 * A booking retried with the Idempotency-Key of an attempt whose answer was
 * lost (it timed out, its process died, or it is still running): 202 with the
 * group that attempt started, never a second booking. GET the group for the rest.
 */
export type EarlierAttemptAnswer<K extends GroupKind> = { [F in IdField<K>]: string } & {
  status: GroupStatus;
  message: string;
};

const MESSAGES: Record<GroupStatus, string> = {
  planning: 'a request with this Idempotency-Key is still booking this group; GET it to follow it to scheduled (or failed)',
  scheduled: 'a request with this Idempotency-Key booked this group; its answer was lost, GET the group for what it booked',
  cancelled: 'a request with this Idempotency-Key booked this group, which has been cancelled since',
  failed: 'a request with this Idempotency-Key failed and was undone',
};

export function earlierAttemptAnswer<K extends GroupKind>(kind: K, group: PublicationGroup): EarlierAttemptAnswer<K> {
  const id = kind === 'wave' ? 'wave_id' : 'coordination_id';
  return { [id]: group.group_id, status: group.status, message: MESSAGES[group.status] } as EarlierAttemptAnswer<K>;
}
