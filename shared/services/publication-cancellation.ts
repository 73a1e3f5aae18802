import type { ActivityType, RequestMeta } from '#shared/domain/activity';
import { shadowIdOf } from '#shared/domain/channel-ledger';
import { Conflict, NotFound } from '#shared/domain/errors';
import { PENDING_STATUSES, type GroupKind, type Publication } from '#shared/domain/publication';
import { fireAtOfSlotId, isoOf } from '#shared/domain/publication-group';
import { mapConcurrent } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SlotScheduler } from '#shared/ports/slot-scheduler';
import type { VideoRepository } from '#shared/ports/video-repository';
import { AuditRecorder } from './audit-recorder';
import type { LedgerBookkeeping } from './ledger-bookkeeping';

const PAGE_SIZE = 100;
const UPDATE_CONCURRENCY = 16;

export interface PublicationCancellationDeps {
  publications: PublicationRepository;
  groups: PublicationGroupRepository;
  videos: VideoRepository;
  scheduler: SlotScheduler;
  activity: ActivityLog;
  bookkeeping: LedgerBookkeeping;
  clock: Clock;
  ids: IdGenerator;
  /** Rolls back a group not committed (GroupBooking.rollback); returns how many publications it cancelled. */
  rollbackGroup: (groupId: string, reason: string) => Promise<number>;
}

/** What a group cancel did; named `wave_id` or `coordination_id` by the group's kind (GroupCancellation). */
interface CancellationCounts {
  status: 'cancelled';
  cancelled_publications: number;
  not_cancellable: number;
  schedules_deleted: number;
}
export type WaveCancellation = { wave_id: string } & CancellationCounts;
export type CoordinationCancellation = { coordination_id: string } & CancellationCounts;
interface GroupCancellations {
  wave: WaveCancellation;
  coordination: CoordinationCancellation;
}
export type GroupCancellation<K extends GroupKind> = GroupCancellations[K];

/** The audit entry of a group cancel, by kind. */
const CANCELLED_ACTIVITY = { wave: 'wave.cancelled', coordination: 'coordination.cancelled' } as const satisfies Record<GroupKind, ActivityType>;

/**
 * Cancelling publications that have not gone out (scheduled or held): one, a
 * whole coordination or wave, or all of a channel's. Each publication is
 * cancelled by a conditional write (one already on its way is left alone),
 * its booking leaves the channel's ledger, a slot left with nothing pending
 * loses its schedule, and its video counts one pending publication fewer.
 */
export class PublicationCancellation {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: PublicationCancellationDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async cancelPublication(publicationId: string, reason: string | undefined, meta: RequestMeta): Promise<Publication> {
    const publication = await this.deps.publications.get(publicationId);
    if (!publication) throw new NotFound('publication', publicationId);
    if (publication.status === 'cancelled') {
      // Cancelled already, maybe by a call that stopped half-way: what follows a cancel is done again (idempotent).
      await this.settle([publication], undefined, { countVideos: false });
      return publication;
    }
    const [cancelled] = await this.cancelStatuses([publication], reason);
    if (cancelled) {
      await this.settle([cancelled]);
      await this.record('publication.cancelled', { type: 'publication', id: publicationId }, [cancelled], meta, { reason: reason ?? null });
      return cancelled;
    }
    const now = await this.deps.publications.get(publicationId);
    if (now?.status === 'cancelled') return now;
    throw new Conflict('publication_not_cancellable', `publication '${publicationId}' is ${now?.status ?? 'gone'} and can no longer be cancelled`, {
      publication_id: publicationId,
      status: now?.status ?? null,
    });
  }

  /**
   * Cancels a coordination's or a wave's publications that have not gone
   * out, slot by slot, and marks the group cancelled. Again on a cancelled
   * group it cancels nothing and answers zeros; every call is audited. An id
   * of the other kind, or a group whose request failed, is not found.
   */
  async cancelGroup<K extends GroupKind>(kind: K, groupId: string, reason: string | undefined, meta: RequestMeta): Promise<GroupCancellation<K>>;
  async cancelGroup(kind: GroupKind, groupId: string, reason: string | undefined, meta: RequestMeta): Promise<GroupCancellation<GroupKind>> {
    const group = await this.deps.groups.get(groupId);
    if (!group || group.kind !== kind || group.status === 'failed') throw new NotFound(kind, groupId);
    const at = isoOf(this.deps.clock.now().getTime());
    // A group still being booked: its commit is made to fail. Its request then undoes what it wrote (it alone
    // knows all of it); if that request's lease is over it died, and the undo happens here (and, again, in the reconciliation).
    if (group.status === 'planning' && (await this.deps.groups.requestCancel(groupId, at))) {
      const leaseOver = Date.parse(group.lease_until ?? group.created_at) < Date.parse(at);
      const undone = leaseOver ? await this.deps.rollbackGroup(groupId, reason ?? 'cancelled while it was being booked') : 0;
      const counts: CancellationCounts = { status: 'cancelled', cancelled_publications: undone, not_cancellable: 0, schedules_deleted: 0 };
      await this.record(CANCELLED_ACTIVITY[kind], { type: kind, id: groupId }, [], meta, { reason: reason ?? null, while_booking: true, ...counts });
      return kind === 'wave' ? { wave_id: groupId, ...counts } : { coordination_id: groupId, ...counts };
    }
    const slots = await this.deps.groups.listSlots(groupId);
    let notCancellable = 0;
    const cancelled: Publication[] = [];
    // Cancelled before this call (by one that may have stopped half-way): their bookings and slots are settled again.
    const cancelledBefore: Publication[] = [];
    // Reading each slot whole here tells which are left with nothing pending: no second read to find out.
    const emptied: { slotId: string; groupId: string }[] = [];
    for (const slot of slots) {
      let cursor: string | undefined;
      let stillPending = 0;
      let cancelledHere = 0;
      do {
        const page = await this.deps.publications.listBySlot(slot.slot_id, PAGE_SIZE, cursor);
        const pending = page.items.filter((p) => p.group_id === groupId && isPending(p));
        cancelledBefore.push(...page.items.filter((p) => p.group_id === groupId && p.status === 'cancelled'));
        const done = await this.cancelStatuses(pending, reason);
        cancelled.push(...done);
        cancelledHere += done.length;
        stillPending += pending.length - done.length;
        notCancellable += page.items.filter((p) => p.group_id === groupId && p.status !== 'cancelled').length - done.length;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      if (stillPending === 0 && (cancelledHere > 0 || slot.status === 'pending')) emptied.push({ slotId: slot.slot_id, groupId });
    }
    await this.settleLedgers(cancelledBefore);
    const schedulesDeleted = await this.settle(cancelled, emptied);
    await this.deps.groups.markCancelled(groupId, at);
    const counts: CancellationCounts = {
      status: 'cancelled',
      cancelled_publications: cancelled.length,
      not_cancellable: notCancellable,
      schedules_deleted: schedulesDeleted,
    };
    await this.record(CANCELLED_ACTIVITY[kind], { type: kind, id: groupId }, cancelled, meta, {
      reason: reason ?? null,
      cancelled_publications: counts.cancelled_publications,
      not_cancellable: counts.not_cancellable,
      schedules_deleted: counts.schedules_deleted,
    });
    return kind === 'wave' ? { wave_id: groupId, ...counts } : { coordination_id: groupId, ...counts };
  }

  /**
   * Cancels every pending publication of a channel (DELETE /channels/{id}?force=true):
   * those `known` (its ledger's, read consistently) and those its index lists. Returns how many.
   */
  async cancelChannelPublications(channelId: string, meta: RequestMeta, known: readonly string[] = []): Promise<number> {
    const named = [...(await this.deps.publications.getMany(known)).values()].filter((p) => p.channel_id === channelId);
    // Booked, yet cancelled already: a deletion that stopped half-way; what follows their cancel is done again.
    await this.settle(named.filter((p) => p.status === 'cancelled'), undefined, { countVideos: false });
    const cancelled: Publication[] = await this.cancelStatuses(named.filter(isPending), 'channel deleted');
    for (const status of PENDING_STATUSES) {
      let cursor: string | undefined;
      do {
        const page = await this.deps.publications.listByChannelStatus(channelId, status, PAGE_SIZE, cursor);
        cancelled.push(...(await this.cancelStatuses(page.items, 'channel deleted')));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    }
    await this.settle(cancelled);
    if (cancelled.length > 0) {
      await this.record('publication.cancelled', { type: 'channel', id: channelId }, cancelled, meta, {
        reason: 'channel deleted',
        cancelled_publications: cancelled.length,
      });
    }
    return cancelled.length;
  }

  /** Cancels those of `publications` still pending, each by a conditional write; returns those this call cancelled. */
  private async cancelStatuses(publications: Publication[], reason: string | undefined): Promise<Publication[]> {
    const at = isoOf(this.deps.clock.now().getTime());
    return (
      await mapConcurrent(publications, UPDATE_CONCURRENCY, (p) =>
        this.deps.publications.changeStatus(p, { from: PENDING_STATUSES, to: 'cancelled', at, reason: reason ?? 'cancelled' }),
      )
    ).filter((p): p is Publication => p !== null);
  }

  /**
   * After cancelling: counts them off their videos, deletes the schedules of
   * slots left with nothing pending, then lifts the bookings (one ledger
   * write a channel). Returns how many schedules were deleted.
   */
  private async settle(
    cancelled: Publication[],
    emptied?: { slotId: string; groupId: string }[],
    options: { countVideos: boolean } = { countVideos: true },
  ): Promise<number> {
    if (cancelled.length === 0 && (emptied ?? []).length === 0) return 0;
    const at = isoOf(this.deps.clock.now().getTime());
    if (options.countVideos) {
      const byVideo = groupBy(cancelled, (p) => p.video_id);
      await mapConcurrent([...byVideo], 8, ([videoId, list]) => this.deps.videos.removePending(videoId, list.length, at));
    }
    const deleted = await this.releaseEmptySlots(emptied ?? (await this.emptiedSlots(cancelled)));
    // Last: a booking still in its ledger is how a call run again finds a cancel whose settling stopped half-way.
    await this.settleLedgers(cancelled);
    return deleted;
  }

  /** Lifts the bookings of cancelled publications: one ledger write a channel, none where nothing is left to lift. */
  private async settleLedgers(cancelled: Publication[]): Promise<void> {
    const byChannel = groupBy(cancelled, (p) => p.channel_id);
    await mapConcurrent([...byChannel], 8, ([channelId, list]) => {
      const ids = new Set(list.flatMap((p) => [p.publication_id, shadowIdOf(p.publication_id)]));
      return this.deps.bookkeeping.remove(channelId, (bookings) => bookings.filter((b) => !ids.has(b.publication_id)));
    });
  }

  /** The slots of `cancelled` that have nothing pending left. */
  private async emptiedSlots(cancelled: Publication[]): Promise<{ slotId: string; groupId: string }[]> {
    const cancelledIds = new Set(cancelled.map((p) => p.publication_id));
    const slots = [...new Map(cancelled.map((p) => [p.slot_id, p.group_id])).entries()];
    return (
      await mapConcurrent(slots, 8, async ([slotId, groupId]) => ((await this.hasPending(slotId, cancelledIds)) ? null : { slotId, groupId }))
    ).filter((s): s is { slotId: string; groupId: string } => s !== null);
  }

  /** Deletes the schedules of slots left with nothing pending and marks them cancelled. Returns how many schedules went. */
  private async releaseEmptySlots(empty: { slotId: string; groupId: string }[]): Promise<number> {
    const deleted = await this.deps.scheduler.remove(empty.map((s) => s.slotId));
    const at = isoOf(this.deps.clock.now().getTime());
    await mapConcurrent(empty, 8, async ({ slotId, groupId }) => {
      const fireAt = fireAtOfSlotId(slotId);
      if (fireAt) await this.deps.groups.markSlotCancelled(groupId, fireAt, at);
    });
    return deleted;
  }

  /** Whether the slot still holds a pending publication other than those just cancelled (the index may lag them). */
  private async hasPending(slotId: string, cancelledIds: Set<string>): Promise<boolean> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.publications.listBySlot(slotId, PAGE_SIZE, cursor);
      if (page.items.some((p) => isPending(p) && !cancelledIds.has(p.publication_id))) return true;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return false;
  }

  private async record(
    type: 'publication.cancelled' | (typeof CANCELLED_ACTIVITY)[GroupKind],
    target: { type: 'publication' | 'channel' | GroupKind; id: string },
    cancelled: Publication[],
    meta: RequestMeta,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(meta, { type, target, channelIds: cancelled.map((p) => p.channel_id), details });
  }
}

function isPending(p: Publication): boolean {
  return (PENDING_STATUSES as readonly string[]).includes(p.status);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
