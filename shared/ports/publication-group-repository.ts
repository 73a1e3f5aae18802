import type { Page, PageRequest } from '#shared/domain/pagination';
import type { GroupKind } from '#shared/domain/publication';
import type { PublicationGroup, Slot, VisibleGroupStatus } from '#shared/domain/publication-group';

export interface SlotFired {
  at: string;
  dispatched: number;
  held: number;
}

export interface PublicationGroupRepository {
  /** Writes a new group (in `planning`); false if the id exists. */
  create(group: PublicationGroup): Promise<boolean>;
  get(groupId: string): Promise<PublicationGroup | null>;
  /** Replaces the group's mutable fields (status, counts, times). */
  update(group: PublicationGroup): Promise<void>;
  /**
   * One page of the groups of one kind, newest first: only those scheduled or
   * cancelled (`status` narrows to one), never those planning or failed.
   */
  list(kind: GroupKind, request: PageRequest & { status?: VisibleGroupStatus | undefined }): Promise<Page<PublicationGroup>>;
  /** Groups still `planning` that were created before `before` (their requests died half-way). */
  listPlanningBefore(before: string, limit: number): Promise<PublicationGroup[]>;
  /** Writes a new group's slots (batched). */
  putSlots(slots: readonly Slot[]): Promise<void>;
  /** Adds publications to a slot of an existing group (a preempted move), creating the slot if needed. */
  addToSlot(slot: Pick<Slot, 'slot_id' | 'group_id' | 'fire_at'>, count: number): Promise<void>;
  getSlot(groupId: string, fireAt: string): Promise<Slot | null>;
  listSlots(groupId: string): Promise<Slot[]>;
  /** Records a firing: status fired, counts added. */
  markSlotFired(groupId: string, fireAt: string, fired: SlotFired): Promise<void>;
  markSlotCancelled(groupId: string, fireAt: string, at: string): Promise<void>;
  deleteSlots(slots: readonly Pick<Slot, 'group_id' | 'fire_at'>[]): Promise<void>;
}
