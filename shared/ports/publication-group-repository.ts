import type { Page, PageRequest } from '#shared/domain/pagination';
import type { GroupKind } from '#shared/domain/publication';
import type { PublicationGroup, Slot, VisibleGroupStatus } from '#shared/domain/publication-group';

export interface SlotFired {
  at: string;
  dispatched: number;
  held: number;
}

/** What the commit records of a booking. */
export type GroupTotals = Pick<PublicationGroup, 'total_publications' | 'slot_count' | 'first_at' | 'last_at' | 'schedules_created'>;

/**
 * Groups and their slots. Finished ones leave the store after the retention:
 * a slot from its fire time, a committed group from its last slot's time
 * (later if a move adds a later slot), a cancelled or failed group from its
 * end. A group still planning never expires.
 */
export interface PublicationGroupRepository {
  /** Writes a new group (in `planning`): the booking's intent. false if the id exists. */
  create(group: PublicationGroup): Promise<boolean>;
  get(groupId: string): Promise<PublicationGroup | null>;
  /** The group a booking's Idempotency-Key started (hashed with its kind), if any. */
  findByKey(kind: GroupKind, keyHash: string): Promise<{ groupId: string; group: PublicationGroup | null } | null>;
  /**
   * Links a booking's key to its group, unless another group holds it;
   * `replacing` names a group that failed, whose link may be taken over.
   * @returns false when another attempt holds the key.
   */
  claimKey(kind: GroupKind, keyHash: string, groupId: string, replacing: string | null, expiresAt: number): Promise<boolean>;
  /** Groups by id, read consistently (those missing are absent). */
  getMany(groupIds: readonly string[]): Promise<Map<string, PublicationGroup>>;
  /**
   * The commit: `planning` -> `scheduled` with the booking's totals, in one
   * conditional write that fails once a rollback began or a cancel was asked.
   * @returns false when the group was not committed (it is rolled back instead).
   */
  commit(groupId: string, totals: GroupTotals, at: string): Promise<boolean>;
  /** Ends what follows a commit: the group leaves the index of groups still finishing. */
  finishCommit(groupId: string): Promise<void>;
  /** Committed groups still finishing since before `before` (their request stopped right after the commit). */
  listFinishing(before: string, limit: number): Promise<PublicationGroup[]>;
  /**
   * Marks a planning group as being rolled back (so it can never commit).
   * On a group already rolled back it answers the group too, so that a
   * rollback run again also undoes what its request wrote after the first.
   * @returns the group, or null when it was committed (or never rolled back).
   */
  beginRollback(groupId: string, at: string): Promise<PublicationGroup | null>;
  /** Ends a rollback: `planning` -> `failed` (or `cancelled` when a cancel was asked); the group leaves the planning index. */
  finishRollback(groupId: string, at: string, reason: string): Promise<void>;
  /** Asks a planning group to stop: its commit will fail. false when it is not planning. */
  requestCancel(groupId: string, at: string): Promise<boolean>;
  /** A committed group is cancelled (`cancelled_at` kept from the first time). false when it is not scheduled or cancelled. */
  markCancelled(groupId: string, at: string): Promise<boolean>;
  /**
   * One page of the groups of one kind, newest first: only those scheduled or
   * cancelled (`status` narrows to one), never those planning or failed.
   */
  list(kind: GroupKind, request: PageRequest & { status?: VisibleGroupStatus | undefined }): Promise<Page<PublicationGroup>>;
  /** One page of the groups still `planning`, earliest lease end first (`before`: only leases ended before it). */
  listPlanning(limit: number, cursor?: string, before?: string): Promise<Page<PublicationGroup>>;
  /** Writes a new group's slots (batched). */
  putSlots(slots: readonly Slot[]): Promise<void>;
  /** Adds publications to a slot of an existing group (a preempted move), creating the slot if needed. */
  addToSlot(slot: Pick<Slot, 'slot_id' | 'group_id' | 'fire_at'>, count: number): Promise<void>;
  /** Takes a moved publication off its old slot. @returns the slot's count after, or null when there is no such slot. */
  removeFromSlot(groupId: string, fireAt: string): Promise<number | null>;
  getSlot(groupId: string, fireAt: string): Promise<Slot | null>;
  listSlots(groupId: string): Promise<Slot[]>;
  /** Records a firing: status fired, counts added. */
  markSlotFired(groupId: string, fireAt: string, fired: SlotFired): Promise<void>;
  markSlotCancelled(groupId: string, fireAt: string, at: string): Promise<void>;
  deleteSlots(slots: readonly Pick<Slot, 'group_id' | 'fire_at'>[]): Promise<void>;
}
