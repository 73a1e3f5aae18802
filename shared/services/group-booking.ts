import type { RequestMeta } from '#shared/domain/activity';
import type { Channel } from '#shared/domain/channel';
import { isShadow, movedIdOf, pruneLedger, shadowIdOf, type ChannelLedger, type LedgerBooking } from '#shared/domain/channel-ledger';
import type { ConflictPolicy, StaggerBy, Timing } from '#shared/domain/coordination';
import { Conflict, ContentionExhausted, PayloadTooLarge, UnprocessableRequest } from '#shared/domain/errors';
import { isoOf, slotIdOf, type PublicationGroup, type Slot } from '#shared/domain/publication-group';
import type { GroupKind, Publication } from '#shared/domain/publication';
import {
  baseTimeOf,
  ceilToWholeSecond,
  checkRequestedTimes,
  placeOnChannel,
  requestedTimes,
  type BookingWindow,
  type ChannelPlan,
  type PlanConflict,
  type RequestedPublication,
} from '#shared/domain/planner/index';
import { createHash } from 'node:crypto';
import { backoffDelay, mapConcurrent, sleep } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { LedgerRepository } from '#shared/ports/ledger-repository';
import type { GroupTotals, PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SlotScheduler } from '#shared/ports/slot-scheduler';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { VideoRepository } from '#shared/ports/video-repository';
import { AuditRecorder } from './audit-recorder';
import type { LedgerBookkeeping } from './ledger-bookkeeping';
import type { SlotDispatch } from './slot-dispatch';

/** Publications one request may book (SPEC: a wave of more is 413). */
export const MAX_PUBLICATIONS = 10_000;
/** Bookings a channel's ledger holds at most (its item stays far below DynamoDB's 400 KB). */
export const MAX_LEDGER_BOOKINGS = 4_000;
/** Existing publications due this soon are never moved by preempt: their slot may be firing. */
export const PREEMPT_MARGIN_MS = 2 * 60_000;
/** How far ahead a shift or an independent placement looks for a free time. */
export const SEARCH_HORIZON_MS = 400 * 86_400_000;
/** A slot due within this is fired by the request itself: "now" (times round up to the whole second) included. */
export const DUE_WITHIN_MS = 1_000;
const MAX_LEDGER_ATTEMPTS = 25;
/**
 * How long a booking may take before its group counts as abandoned: well
 * past the API's 30-second limit and any worker's timeout, so a request still
 * running is never rolled back under it (its commit would fail if it were).
 */
export const BOOKING_LEASE_MS = 10 * 60_000;
/**
 * Channels planned and written at once. Each channel's ledger is its own
 * partition, so 32 in flight touch 32 partitions: a 1,000-channel wave's
 * ledgers take ~32 rounds of one conditional write.
 */
const CHANNEL_CONCURRENCY = 32;
/** Ledgers written by a request that fails are restored with the same bound. */
const UNDO_CONCURRENCY = 8;

export interface BookingRequest {
  kind: GroupKind;
  videoIds: string[];
  channelIds: string[];
  timing: Timing;
  scheduledAt?: string | undefined;
  delaySeconds?: number | undefined;
  staggerBy: StaggerBy;
  priority: number;
  policy: ConflictPolicy;
  dryRun: boolean;
  /** Where the timing fields sit in the body, to name them in errors (`wave_config.`). */
  timingFieldPrefix: string;
  /**
   * Auto-distribution: these (video, channel) pairs instead of every video on
   * every channel. Timing must be `independent`. Each pair is placed in its
   * channel's next free slot within the channel's horizon (`horizonByChannel`,
   * else SEARCH_HORIZON_MS); a pair that finds no free time there, or would
   * overfill the channel's ledger, is left out (a `no_free_time` conflict,
   * `rejected`) instead of refusing the whole request.
   */
  pairs?: readonly { video_id: string; channel_id: string }[] | undefined;
  horizonByChannel?: ReadonlyMap<string, number> | undefined;
  /** Extra details of the audit entry (`source: 'distribution'`). */
  auditDetails?: Record<string, unknown> | undefined;
}

export interface ConflictReport {
  channel_id: string;
  video_id: string;
  requested_at: string;
  reason: PlanConflict['reason'];
  conflicting_publication_id: string | null;
  resolution: PlanConflict['resolution'];
}

export interface MoveReport {
  publication_id: string;
  channel_id: string;
  from: string;
  to: string;
}

export interface BookedPublication {
  /** null in a dry run: nothing was booked. */
  publication_id: string | null;
  video_id: string;
  channel_id: string;
  requested_at: string;
  scheduled_at: string;
  /** The requested time, when a conflict moved the publication off it. */
  shifted_from: string | null;
  status: Publication['status'] | 'planned';
}

export interface BookingOutcome {
  group_id: string | null;
  dry_run: boolean;
  publications: BookedPublication[];
  conflicts: ConflictReport[];
  moves: MoveReport[];
  slot_count: number;
  first_at: string | null;
  last_at: string | null;
  schedules_created: number;
}

export interface GroupBookingDeps {
  channels: ChannelRepository;
  videos: VideoRepository;
  ledgers: LedgerRepository;
  bookkeeping: LedgerBookkeeping;
  publications: PublicationRepository;
  groups: PublicationGroupRepository;
  state: SystemStateRepository;
  scheduler: SlotScheduler;
  activity: ActivityLog;
  dispatch: SlotDispatch;
  clock: Clock;
  ids: IdGenerator;
  /** This process (a Lambda execution environment, a local server): the lease owner of the groups it writes. */
  owner: string;
  /** How long a booking's Idempotency-Key leads a retry to its first attempt's group (the idempotency window). */
  keyWindowSeconds?: number;
}

/** A retry's answer: the group its Idempotency-Key's first attempt started, whatever became of that attempt. */
export interface EarlierAttempt {
  earlier: PublicationGroup;
}

interface ChannelBooking {
  channel: Channel;
  plan: ChannelPlan;
  /** The group of each existing booking, for the slots of moved publications. */
  groupOf: Map<string, string>;
}

/**
 * Books a coordination or a wave: every (video, channel) publication placed
 * by the pure planner, reserved in each channel's ledger, then written.
 *
 * 1. Checks what the schema could not (422, 413): the time, the channels and
 *    videos named, and that every requested time (simultaneous, staggered,
 *    independent) lies within 366 days; then the system state (409 when stopped).
 * 2. Gives each requested publication its id.
 * 3. For a dry run, or the reject policy, plans every channel against the
 *    ledgers as read and answers without writing (reject: 409 on any conflict).
 * 4. Writes the group as `planning`: the intent a failed request is rolled back by.
 * 5. Books each channel: reads its ledger, places the channel's publications,
 *    and replaces the ledger on the version it read; a lost race re-reads and
 *    re-plans that channel only. This conditional write is what keeps
 *    concurrent requests from double-booking.
 * 6. Moves preempted publications (their old time stays blocked by a shadow
 *    booking until the move is written), writes publications and slots in
 *    batches of 25, creates one schedule per future slot, marks the group
 *    `scheduled`, counts the videos, and appends the audit entry.
 * 7. Fires inline the slots already due (scheduled_at now or absent).
 * Any failure after step 4 rolls the group back before the error is answered.
 */
export class GroupBooking {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: GroupBookingDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async book(request: BookingRequest, meta: RequestMeta): Promise<BookingOutcome | EarlierAttempt> {
    const now = this.deps.clock.now().getTime();
    const window: BookingWindow = { now, searchHorizonMs: SEARCH_HORIZON_MS, fieldPrefix: request.timingFieldPrefix };
    const base = baseTimeOf(request.scheduledAt, window);
    if (request.pairs && request.timing !== 'independent') throw new RangeError('a booking of explicit pairs places each independently');
    const total = request.pairs ? request.pairs.length : request.videoIds.length * request.channelIds.length;
    if (total > MAX_PUBLICATIONS) {
      throw new PayloadTooLarge(
        'too_many_publications',
        `a request may book at most ${MAX_PUBLICATIONS.toLocaleString('en-US')} publications; this one would book ${total.toLocaleString('en-US')} (videos x channels)`,
        { limit: MAX_PUBLICATIONS, requested: total },
      );
    }
    const channels = await this.activeChannels(request.channelIds);
    await this.checkVideos(request.videoIds);
    const requested = request.pairs
      ? pairedTimes(request.pairs, base)
      : requestedTimes({
          timing: request.timing,
          base,
          delaySeconds: request.delaySeconds ?? null,
          staggerBy: request.staggerBy,
          videoIds: request.videoIds,
          channels: channels.map((c) => ({ channel_id: c.channel_id, priority: c.priority, publishing: c.publishing })),
        });
    // Bounding what is asked bounds what is booked: shifts search SEARCH_HORIZON_MS past it at most (booking-window.ts).
    checkRequestedTimes(requested, base, window);
    const state = await this.deps.state.get();
    if (state.status === 'stopped') {
      throw new Conflict('orchestration_stopped', 'the orchestration is stopped: start it before coordinating publications', {
        status: state.status,
      });
    }

    const groupId = `${request.kind === 'wave' ? 'wave' : 'coord'}_${this.deps.ids.next()}`;
    // A retry (same Idempotency-Key) of an attempt that timed out, died or is still running never books again.
    if (!request.dryRun && meta.idempotency_key) {
      const earlier = await this.claimKey(request.kind, meta.idempotency_key, groupId, now);
      if (earlier) return { earlier };
    }
    const byChannel = this.withIds(requested);

    // One consistent batch read of every ledger: the plan of a dry run or a reject check, and each channel's first booking attempt.
    const ledgers = await this.deps.ledgers.getMany(request.channelIds);
    for (const channel of channels) if (ledgers.get(channel.channel_id)?.closed_at) throw channelsGone([channel.channel_id], request.channelIds);
    if (request.dryRun || request.policy === 'reject') {
      const plans = await mapConcurrent(channels, CHANNEL_CONCURRENCY, async (channel) => {
        const bookings = ledgers.get(channel.channel_id)?.bookings ?? [];
        return this.planChannel(channel, bookings, byChannel.get(channel.channel_id) ?? [], request, now, await this.immovable(bookings, request));
      });
      if (request.dryRun) return this.dryRunOutcome(plans);
      const rejected = plans.filter((p) => p.plan.rejected);
      if (rejected.length > 0) throw conflictError(rejected);
    }

    const at = isoOf(now);
    const group: PublicationGroup = {
      group_id: groupId,
      kind: request.kind,
      status: 'planning',
      channel_ids: request.channelIds,
      // A coordination is one video, which its view names; a wave's videos are its publications'.
      video_id: request.kind === 'coordination' ? (request.videoIds[0] ?? null) : null,
      video_count: request.videoIds.length,
      timing: request.timing,
      stagger_by: request.staggerBy,
      scheduled_at: isoOf(base),
      delay_seconds: request.delaySeconds ?? null,
      priority: request.priority,
      conflict_policy: request.policy,
      total_publications: 0,
      slot_count: 0,
      first_at: null,
      last_at: null,
      schedules_created: 0,
      created_at: at,
      updated_at: at,
      cancelled_at: null,
      actor: meta.actor,
      request_id: meta.request_id,
      lease_owner: this.deps.owner,
      lease_until: isoOf(now + BOOKING_LEASE_MS),
      cancel_requested_at: null,
      rollback_started_at: null,
      status_reason: null,
    };
    // The intent, before any other write: whatever follows can be found from it and undone.
    await this.deps.groups.create(group);

    const work = (async () => {
      let written: Written;
      try {
        const booked = await this.bookChannels(channels, byChannel, ledgers, request, groupId, now);
        const rejected = booked.filter((b) => b.plan.rejected);
        if (rejected.length > 0) throw conflictError(rejected);
        written = await this.writeAndCommit(group, booked, request, now);
      } catch (error) {
        // If the undo fails too, the group stays `planning` and the reconciliation finishes it once its lease ends.
        await this.rollback(groupId, `request failed: ${(error as Error).message}`.slice(0, 300)).catch(() => undefined);
        throw error;
      }
      return this.afterCommit(group, written, request, meta, now);
    })();
    return this.withinAnswerTime(work, group, meta);
  }

  /**
   * The booking's outcome if it is done before the caller must be answered;
   * otherwise the group as it stands (`planning`, answered 202) while the
   * booking goes on. Its end is the group's: GET it. (In Lambda, work left
   * when the handler answers is frozen with it: the booking then stops and
   * the reconciliation rolls it back once its lease ends, `failed`, nothing
   * left booked; docs/architecture.md.)
   */
  private async withinAnswerTime(work: Promise<BookingOutcome>, group: PublicationGroup, meta: RequestMeta): Promise<BookingOutcome | EarlierAttempt> {
    if (meta.answer_within_ms === undefined) return work;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), meta.answer_within_ms);
    });
    try {
      const first = await Promise.race([work, late]);
      if (first !== 'late') return first;
      work.catch(() => undefined); // its failure is the group's (rolled back, `failed`), which GET shows
      return { earlier: group };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Links the request's Idempotency-Key to the group it is about to write
   * (before the group itself: a link to a group never written counts as a
   * failed attempt). @returns the group of an earlier attempt with the key,
   * unless that attempt failed (then this one takes the key over).
   */
  private async claimKey(kind: GroupKind, key: string, groupId: string, now: number): Promise<PublicationGroup | null> {
    const keyHash = createHash('sha256').update(key).digest('hex').slice(0, 40);
    const expiresAt = Math.floor(now / 1000) + (this.deps.keyWindowSeconds ?? 86_400);
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.deps.groups.findByKey(kind, keyHash);
      if (found?.group && found.group.status !== 'failed') return found.group;
      if (await this.deps.groups.claimKey(kind, keyHash, groupId, found?.groupId ?? null, expiresAt)) return null;
    }
    throw new ContentionExhausted('this Idempotency-Key');
  }

  /**
   * Undoes a group that was not committed, from durable state alone, each
   * step idempotent, so that a rollback stopped anywhere finishes when run
   * again (by the reconciliation, or a retry):
   * 1. marks the group (its commit can no longer happen); a committed or
   *    finished group is left alone;
   * 2. finds its publications: the bookings its channels' ledgers hold for it
   *    (read consistently, and written before any publication) and its
   *    slots' publications;
   * 3. cancels those still pending;
   * 4. settles the preempt moves it started (its shadow bookings): a
   *    publication not yet moved gets its old time back, a moved one keeps
   *    its new time;
   * 5. deletes its schedules and marks its slots cancelled;
   * 6. lifts its bookings, only now: until here they are how step 2 finds
   *    every publication, even one whose slot index entry lags;
   * 7. ends the group `failed` (`cancelled` when a cancel asked for it).
   * @returns how many publications this call cancelled; null when there was nothing to roll back (a committed group, or none).
   */
  async rollback(groupId: string, reason: string): Promise<number | null> {
    const at = isoOf(this.deps.clock.now().getTime());
    const group = await this.deps.groups.beginRollback(groupId, at);
    if (!group) return null;
    const ledgers = await this.deps.ledgers.getMany(group.channel_ids);
    const own = [...ledgers.values()].flatMap((ledger) =>
      ledger.bookings.filter((b) => b.group_id === groupId).map((booking) => ({ channelId: ledger.channel_id, booking })),
    );
    const shadows = own.filter((o) => isShadow(o.booking.publication_id));
    const slots = await this.deps.groups.listSlots(groupId);
    const inSlots = await this.publicationsOfSlots(slots.map((slot) => slot.slot_id), groupId);
    const ids = new Set([...own.filter((o) => !isShadow(o.booking.publication_id)).map((o) => o.booking.publication_id), ...inSlots]);
    const existing = [...(await this.deps.publications.getMany([...ids])).values()].filter((p) => p.group_id === groupId);
    const cancelled = await mapConcurrent(existing, 16, (p) =>
      this.deps.publications.changeStatus(p, { from: ['scheduled', 'held'], to: 'cancelled', at, reason }),
    );
    await this.settleMoves(shadows);
    const ownTimes = own.filter((o) => !isShadow(o.booking.publication_id)).map((o) => isoOf(o.booking.at));
    await this.deps.scheduler.remove([...new Set([...slots.map((slot) => slot.slot_id), ...ownTimes.map((t) => slotIdOf(groupId, t))])]);
    await mapConcurrent(slots, 8, (slot) => this.deps.groups.markSlotCancelled(groupId, slot.fire_at, at));
    await mapConcurrent([...new Set(own.map((o) => o.channelId))], UNDO_CONCURRENCY, (channelId) =>
      this.deps.bookkeeping.remove(channelId, (bookings) => bookings.filter((b) => b.group_id !== groupId)),
    );
    await this.deps.groups.finishRollback(groupId, at, reason);
    return cancelled.filter(Boolean).length;
  }

  /** The ids of a group's publications in the given slots (every page of each). */
  private async publicationsOfSlots(slotIds: string[], groupId: string): Promise<string[]> {
    const found: string[] = [];
    for (const slotId of slotIds) {
      let cursor: string | undefined;
      do {
        const page = await this.deps.publications.listBySlot(slotId, 100, cursor);
        found.push(...page.items.filter((p) => p.group_id === groupId).map((p) => p.publication_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    }
    return found;
  }

  /**
   * Undoes the preempt moves a group being rolled back started, each left as
   * a shadow booking (booked by the mover, at the moved publication's old
   * time): a publication moved is moved back (its old slot and schedule
   * first, then the publication, then its new slot emptied), a publication
   * not moved keeps its time; then its booking goes back to the old time and
   * the shadow goes. Run again, each step finds its work done.
   */
  private async settleMoves(shadows: { channelId: string; booking: LedgerBooking }[]): Promise<void> {
    if (shadows.length === 0) return;
    const at = isoOf(this.deps.clock.now().getTime());
    const publications = await this.deps.publications.getMany(shadows.map((s) => movedIdOf(s.booking.publication_id)));
    const ledgers = await this.deps.ledgers.getMany([...new Set(shadows.map((s) => s.channelId))]);
    await mapConcurrent(shadows, 8, async ({ channelId, booking: shadow }) => {
      const movedId = movedIdOf(shadow.publication_id);
      const publication = publications.get(movedId);
      const old = isoOf(shadow.at);
      const movedTo = ledgers.get(channelId)?.bookings.find((b) => b.publication_id === movedId)?.at;
      if (!publication) return;
      if (publication.status === 'scheduled' || publication.status === 'held') {
        const oldSlot = { slot_id: slotIdOf(publication.group_id, old), group_id: publication.group_id, fire_at: old };
        // Counted as it was (the move's count down stays the move's; counts only inform), shown pending again.
        await this.deps.groups.addToSlot(oldSlot, 0);
        await this.deps.scheduler.ensure([oldSlot]);
        if (publication.scheduled_at !== old) {
          await this.deps.publications.reschedule(movedId, { from: publication.scheduled_at, to: old, slotId: oldSlot.slot_id, at });
        }
      }
      // The slot it was moved (or about to be moved) to, left without it: released if nothing else is pending there.
      if (movedTo !== undefined && movedTo !== shadow.at) await this.releaseIfEmpty(publication.group_id, isoOf(movedTo), at);
    });
    // Each moved publication's booking where the publication now is: back at its old time if still pending,
    // where it went out otherwise.
    const byChannel = new Map<string, LedgerBooking[]>();
    for (const shadow of shadows) byChannel.set(shadow.channelId, [...(byChannel.get(shadow.channelId) ?? []), shadow.booking]);
    const timeOf = (shadow: LedgerBooking): number | undefined => {
      const publication = publications.get(movedIdOf(shadow.publication_id));
      if (!publication) return undefined;
      return publication.status === 'scheduled' || publication.status === 'held' ? shadow.at : Date.parse(publication.scheduled_at);
    };
    await mapConcurrent([...byChannel], UNDO_CONCURRENCY, ([channelId, channelShadows]) =>
      this.deps.bookkeeping.remove(channelId, (bookings) => {
        const shadowIds = new Set(channelShadows.map((s) => s.publication_id));
        const back = new Map(channelShadows.flatMap((s) => {
          const time = timeOf(s);
          return time === undefined ? [] : [[movedIdOf(s.publication_id), time] as const];
        }));
        return bookings.filter((b) => !shadowIds.has(b.publication_id)).map((b) => (back.has(b.publication_id) ? { ...b, at: back.get(b.publication_id) as number } : b));
      }),
    );
  }

  /** The named channels, in request order; unknown or not active ones are a 422 naming each. */
  private async activeChannels(channelIds: string[]): Promise<Channel[]> {
    const found = await this.deps.channels.getMany(channelIds);
    const unknown = channelIds.filter((id) => !found.has(id));
    if (unknown.length > 0) {
      throw new UnprocessableRequest('unknown_channels', `unknown channel(s): ${unknown.slice(0, 20).join(', ')}`, {
        channel_ids: unknown,
        fields: unknown.map((id) => ({ field: `channel_ids.${channelIds.indexOf(id)}`, in: 'body', message: 'no such channel' })),
      });
    }
    const inactive = channelIds.map((id) => found.get(id) as Channel).filter((c) => c.status !== 'active');
    if (inactive.length > 0) {
      throw new UnprocessableRequest(
        'inactive_channels',
        `channel(s) not active: ${inactive.slice(0, 20).map((c) => `${c.channel_id} (${c.status})`).join(', ')}`,
        {
          channels: inactive.map((c) => ({ channel_id: c.channel_id, status: c.status })),
          fields: inactive.map((c) => ({ field: `channel_ids.${channelIds.indexOf(c.channel_id)}`, in: 'body', message: `channel is ${c.status}` })),
        },
      );
    }
    return channelIds.map((id) => found.get(id) as Channel);
  }

  private async checkVideos(videoIds: string[]): Promise<void> {
    const found = await this.deps.videos.getMany(videoIds);
    const field = (id: string) => (videoIds.length === 1 ? 'video_id' : `video_ids.${videoIds.indexOf(id)}`);
    const unknown = videoIds.filter((id) => !found.has(id));
    if (unknown.length > 0) {
      throw new UnprocessableRequest('unknown_videos', `unknown video(s): ${unknown.slice(0, 20).join(', ')}`, {
        video_ids: unknown,
        fields: unknown.map((id) => ({ field: field(id), in: 'body', message: 'no such video' })),
      });
    }
    const archived = videoIds.filter((id) => found.get(id)?.status === 'archived');
    if (archived.length > 0) {
      throw new UnprocessableRequest('archived_videos', `archived video(s) cannot be published: ${archived.slice(0, 20).join(', ')}`, {
        video_ids: archived,
        fields: archived.map((id) => ({ field: field(id), in: 'body', message: 'video is archived' })),
      });
    }
  }

  /** Gives every requested publication its id, grouped by channel. */
  private withIds(requested: RequestedPublication[]) {
    const byChannel = new Map<string, { publication_id: string; video_id: string; requested_at: number; order: number }[]>();
    for (const r of requested) {
      const list = byChannel.get(r.channel_id) ?? [];
      list.push({ publication_id: `pub_${this.deps.ids.next()}`, video_id: r.video_id, requested_at: r.requested_at, order: r.order });
      byChannel.set(r.channel_id, list);
    }
    return byChannel;
  }

  private planChannel(
    channel: Channel,
    ledger: LedgerBooking[],
    requests: { publication_id: string; video_id: string; requested_at: number; order: number }[],
    request: BookingRequest,
    now: number,
    immovable: ReadonlySet<string>,
  ): ChannelBooking {
    const live = pruneLedger(ledger, now);
    const lenient = request.pairs !== undefined;
    // A distribution's pairs that would overfill the ledger are left out, not refused.
    const overflow = lenient ? requests.slice(Math.max(0, MAX_LEDGER_BOOKINGS - live.length)) : [];
    if (overflow.length > 0) requests = requests.slice(0, requests.length - overflow.length);
    if (live.length + requests.length > MAX_LEDGER_BOOKINGS) throw calendarFull(channel.channel_id, live.length, requests.length, 0);
    const planned = placeOnChannel({
      channel: { channel_id: channel.channel_id, priority: channel.priority, publishing: channel.publishing },
      // Never moved: a shadow (it only keeps a preempted publication's old time blocked), and a booking
      // of a group not committed (its publication may not be written yet, and its request may still undo it).
      existing: live.map((b) => ({
        publication_id: b.publication_id,
        at: b.at,
        priority: isShadow(b.publication_id) || immovable.has(b.publication_id) ? 10 : b.priority,
      })),
      requests,
      timing: request.timing,
      policy: request.policy,
      priority: request.priority,
      now,
      preemptibleAfter: now + PREEMPT_MARGIN_MS,
      horizonMs: request.horizonByChannel?.get(channel.channel_id) ?? SEARCH_HORIZON_MS,
    });
    const plan = lenient ? leaveOutUnplaced(planned, overflow) : planned;
    // Each preempt move leaves a shadow at its old time until the commit (ledgerAfter): the ledger holds those too.
    // Uncounted, 2,000 bookings preempted by 2,000 made a ledger of 6,000, a 480 KB item (a 500).
    const written = live.length + plan.placements.length + plan.moves.length;
    if (!plan.rejected && written > MAX_LEDGER_BOOKINGS) throw calendarFull(channel.channel_id, live.length, requests.length, plan.moves.length);
    return { channel, plan, groupOf: new Map(live.map((b) => [b.publication_id, b.group_id])) };
  }

  /**
   * The bookings preempt must not move: those of groups not committed (read
   * consistently), and those another request is moving (their shadow is
   * booked). Only preempt moves anything, so only it pays the read.
   */
  private async immovable(bookings: LedgerBooking[], request: BookingRequest): Promise<ReadonlySet<string>> {
    if (request.policy !== 'preempt') return new Set();
    // A publication whose move is still in flight (its shadow is booked) waits for that move to commit or undo.
    const moving = new Set(bookings.filter((b) => isShadow(b.publication_id)).map((b) => movedIdOf(b.publication_id)));
    const candidates = bookings.filter((b) => !isShadow(b.publication_id) && b.priority < request.priority && !moving.has(b.publication_id));
    const groups = candidates.length > 0 ? await this.deps.groups.getMany(candidates.map((b) => b.group_id)) : new Map<string, PublicationGroup>();
    return new Set([...moving, ...candidates.filter((b) => groups.get(b.group_id)?.status !== 'scheduled').map((b) => b.publication_id)]);
  }

  /**
   * Step 5: each channel's ledger, planned and replaced on the version read
   * (first the one read in the batch, then, after a lost race, a fresh one).
   * A ledger closed by a channel's deletion refuses the whole request.
   */
  private async bookChannels(
    channels: Channel[],
    byChannel: Map<string, { publication_id: string; video_id: string; requested_at: number; order: number }[]>,
    read: Map<string, ChannelLedger>,
    request: BookingRequest,
    groupId: string,
    now: number,
  ): Promise<ChannelBooking[]> {
    return mapConcurrent(channels, CHANNEL_CONCURRENCY, async (channel) => {
      const requests = byChannel.get(channel.channel_id) ?? [];
      for (let attempt = 0; attempt < MAX_LEDGER_ATTEMPTS; attempt++) {
        if (attempt > 0) await sleep(backoffDelay(attempt, 10, 500));
        const first = attempt === 0 ? read.get(channel.channel_id) : undefined;
        const ledger = first ?? (await this.deps.ledgers.get(channel.channel_id));
        if (ledger.closed_at) throw channelsGone([channel.channel_id], request.channelIds);
        const booking = this.planChannel(channel, ledger.bookings, requests, request, now, await this.immovable(ledger.bookings, request));
        if (booking.plan.rejected) return booking;
        const next = this.ledgerAfter(booking, ledger.bookings, groupId, now);
        if (await this.deps.ledgers.replace(channel.channel_id, ledger.version, next, isoOf(now))) return booking;
      }
      throw new ContentionExhausted(`channel '${channel.channel_id}' bookings`);
    });
  }

  /**
   * The ledger after a plan: its bookings tagged with their groups, plus a
   * shadow at each moved publication's old time, booked by this group (so
   * that its rollback finds and settles the moves it started).
   */
  private ledgerAfter(booking: ChannelBooking, before: LedgerBooking[], groupId: string, now: number): LedgerBooking[] {
    const shadows = before.filter((b) => isShadow(b.publication_id));
    const planned = booking.plan.bookings.filter((b) => !isShadow(b.publication_id));
    const moved = booking.plan.moves.map((m) => ({
      publication_id: shadowIdOf(m.publication_id),
      at: m.from,
      priority: before.find((b) => b.publication_id === m.publication_id)?.priority ?? 0,
      group_id: groupId,
    }));
    return pruneLedger(
      [
        ...planned.map((b) => ({ ...b, group_id: booking.groupOf.get(b.publication_id) ?? groupId })),
        ...shadows,
        ...moved,
      ],
      now,
    );
  }

  /**
   * Step 6: everything after the ledgers, then the commit. Each write before
   * the commit is undone by `rollback` if the request stops; nothing of the
   * group fires before the commit (SlotDispatch checks it).
   * @throws Conflict `booking_cancelled` when a cancel (or a rollback) won the race with the commit.
   */
  private async writeAndCommit(group: PublicationGroup, booked: ChannelBooking[], request: BookingRequest, now: number): Promise<Written> {
    const at = isoOf(now);
    const moves = await this.applyMoves(booked, now);

    const placements = booked.flatMap((b) => b.plan.placements.map((p) => ({ channel: b.channel, placement: p })));
    const shifted = shiftedIds(booked);
    const publications: Publication[] = placements.map(({ channel, placement }) => {
      const scheduledAt = isoOf(placement.scheduled_at);
      const requestedAt = isoOf(placement.requested_at);
      return {
        publication_id: placement.publication_id,
        group_id: group.group_id,
        group_kind: group.kind,
        video_id: placement.video_id,
        channel_id: channel.channel_id,
        scheduled_at: scheduledAt,
        requested_at: requestedAt,
        shifted_from: shifted.has(placement.publication_id) ? requestedAt : null,
        priority: request.priority,
        status: 'scheduled',
        slot_id: slotIdOf(group.group_id, scheduledAt),
        run_id: null,
        status_reason: null,
        trigger_received_at: null,
        created_at: at,
        updated_at: at,
      };
    });
    const slots = slotsOf(group.group_id, publications);
    await this.deps.publications.putMany(publications);
    await this.deps.groups.putSlots(slots);

    const future = slots.filter((s) => Date.parse(s.fire_at) > now + DUE_WITHIN_MS);
    const { created, tooLate } = await this.deps.scheduler.ensure(future);
    // Slots due now fire inline, and so do those whose time came while the request was writing.
    const late = new Set(tooLate.map((s) => s.slot_id));
    const due = slots.filter((s) => Date.parse(s.fire_at) <= now + DUE_WITHIN_MS || late.has(s.slot_id));

    const times = publications.map((p) => p.scheduled_at).sort();
    const totals: GroupTotals = {
      total_publications: publications.length,
      slot_count: slots.length,
      first_at: times[0] ?? null,
      last_at: times[times.length - 1] ?? null,
      schedules_created: created,
    };
    if (!(await this.deps.groups.commit(group.group_id, totals, at))) {
      throw new Conflict('booking_cancelled', 'the request was cancelled while it was being booked; nothing of it was kept', {
        group_id: group.group_id,
      });
    }
    return { publications, slots, due, moves, totals, booked };
  }

  /**
   * Step 7, after the commit: the videos' counts, the audit entry, the end of
   * the commit (finishCommitted), and the slots already due fired inline.
   * Should the process stop here, the reconciliation finishes the commit and
   * fires the due slots; the counts and the entry are lost with it
   * (docs/architecture.md).
   */
  private async afterCommit(group: PublicationGroup, written: Written, request: BookingRequest, meta: RequestMeta, now: number): Promise<BookingOutcome> {
    const at = isoOf(now);
    const { publications, slots, due, moves, totals } = written;
    const booked = written.booked;
    const scheduled = { ...group, ...totals };
    const created = totals.schedules_created;
    const perVideo = new Map<string, number>();
    for (const p of publications) perVideo.set(p.video_id, (perVideo.get(p.video_id) ?? 0) + 1);
    await mapConcurrent([...perVideo], 8, ([videoId, count]) => this.deps.videos.addPending(videoId, count, at));

    const conflicts = booked.flatMap((b) => b.plan.conflicts.map((c) => conflictReport(b.channel.channel_id, c)));
    await this.audit.record(
      meta,
      {
        type: group.kind === 'wave' ? 'wave.scheduled' : 'publication.coordinated',
        target: { type: group.kind, id: group.group_id },
        channelIds: group.channel_ids,
        details: {
          ...request.auditDetails,
          timing: group.timing,
          ...(group.kind === 'wave' ? { video_count: group.video_count, stagger_by: group.stagger_by } : { video_id: request.videoIds[0] }),
          total_publications: publications.length,
          slots: slots.length,
          first_at: scheduled.first_at,
          last_at: scheduled.last_at,
          shifted: conflicts.filter((c) => c.resolution === 'shifted').length,
          preempted: moves.length,
          conflict_policy: group.conflict_policy,
          priority: group.priority,
        },
      },
      ...(moves.length > 0
        ? [
            {
              type: 'publication.preempted' as const,
              target: { type: group.kind, id: group.group_id },
              channelIds: moves.map((m) => m.channel_id),
              details: { moved: moves.slice(0, 100), moved_count: moves.length, by_priority: group.priority },
            },
          ]
        : []),
    );
    // Only the channels where this request moved a publication hold its shadows: a 1,000-channel wave without preemption reads no ledger again.
    await this.finishCommitted(group, booked.filter((b) => b.plan.moves.length > 0).map((b) => b.channel.channel_id));

    for (const slot of due) {
      // Fired with the publications just written: the slot index may not list them yet.
      const own = publications.filter((p) => p.slot_id === slot.slot_id);
      await this.deps.dispatch.fire({ slot_id: slot.slot_id, group_id: slot.group_id, fire_at: slot.fire_at }, meta, own);
    }
    const dueIds = new Set(due.map((s) => s.slot_id));
    const statuses =
      due.length > 0
        ? await this.deps.publications.getMany(publications.filter((p) => dueIds.has(p.slot_id)).map((p) => p.publication_id))
        : new Map<string, Publication>();

    return {
      group_id: group.group_id,
      dry_run: false,
      publications: publications.map((p) => ({
        publication_id: p.publication_id,
        video_id: p.video_id,
        channel_id: p.channel_id,
        requested_at: p.requested_at,
        scheduled_at: p.scheduled_at,
        shifted_from: p.shifted_from,
        status: statuses.get(p.publication_id)?.status ?? p.status,
      })),
      conflicts,
      moves,
      slot_count: slots.length,
      first_at: scheduled.first_at,
      last_at: scheduled.last_at,
      schedules_created: created,
    };
  }

  /**
   * Moves each preempted publication to its new time and slot (the ledger
   * already holds it there, with a shadow at the old time): the new slot and
   * its schedule first, then the publication, then the old slot's count (an
   * emptied old slot loses its schedule and shows cancelled). A publication
   * no longer scheduled at its old time (cancelled, gone out) is left as it
   * is. The shadows stay until the commit: they are how a rollback finds
   * these moves to undo them.
   */
  private async applyMoves(booked: ChannelBooking[], now: number): Promise<MoveReport[]> {
    const at = isoOf(now);
    const moves = booked.flatMap((b) =>
      b.plan.moves.map((m) => ({ channelId: b.channel.channel_id, groupId: b.groupOf.get(m.publication_id) ?? '', move: m })),
    );
    await mapConcurrent(moves, 8, async ({ groupId, move }) => {
      const to = isoOf(move.to);
      const from = isoOf(move.from);
      const slot = { slot_id: slotIdOf(groupId, to), group_id: groupId, fire_at: to };
      await this.deps.groups.addToSlot(slot, 1);
      await this.deps.scheduler.ensure([slot]);
      if (await this.deps.publications.reschedule(move.publication_id, { from, to, slotId: slot.slot_id, at })) {
        await this.releaseIfEmpty(groupId, from, at);
      } else {
        // Not moved (cancelled or gone out meanwhile): the slot readied for it must not stay armed without it.
        await this.releaseIfEmpty(groupId, to, at);
      }
    });
    return moves.map(({ channelId, move }) => ({
      publication_id: move.publication_id,
      channel_id: channelId,
      from: isoOf(move.from),
      to: isoOf(move.to),
    }));
  }

  /**
   * A slot a move left without pending publications: its schedule is deleted
   * and it shows cancelled (idempotent). The slot's count is kept, but never
   * trusted alone: a publication a rolled-back preempt moved back is not
   * counted again (a rollback run twice would count it twice), so a count of
   * 0 can hide one still there. The slot's publications are always looked at.
   */
  private async releaseIfEmpty(groupId: string, fireAt: string, at: string): Promise<void> {
    const slotId = slotIdOf(groupId, fireAt);
    await this.deps.groups.removeFromSlot(groupId, fireAt);
    const page = await this.deps.publications.listBySlot(slotId, 100);
    if (page.items.some((p) => p.slot_id === slotId && (p.status === 'scheduled' || p.status === 'held')) || page.next_cursor) return;
    await this.deps.scheduler.remove([slotId]);
    await this.deps.groups.markSlotCancelled(groupId, fireAt, at);
  }

  /**
   * What follows a commit that a stop may leave undone, finished from durable
   * state: the group's preempt shadows leave its channels' ledgers (the
   * moves they guarded are committed), and the group leaves the index of
   * groups still finishing. Run by the request itself, and by the
   * reconciliation for a request that stopped right after its commit.
   * `withShadows`: the channels that can hold the group's shadows, when
   * known (the request knows its moves); otherwise every channel is read.
   */
  async finishCommitted(group: Pick<PublicationGroup, 'group_id' | 'channel_ids'>, withShadows: readonly string[] = group.channel_ids): Promise<void> {
    await mapConcurrent(withShadows, UNDO_CONCURRENCY, (channelId) =>
      this.deps.bookkeeping.remove(channelId, (bookings) => bookings.filter((b) => !(b.group_id === group.group_id && isShadow(b.publication_id)))),
    );
    await this.deps.groups.finishCommit(group.group_id);
  }

  private dryRunOutcome(plans: ChannelBooking[]): BookingOutcome {
    const shifted = shiftedIds(plans);
    const publications = plans.flatMap((b) =>
      b.plan.placements.map((p) => ({
        publication_id: null,
        video_id: p.video_id,
        channel_id: b.channel.channel_id,
        requested_at: isoOf(p.requested_at),
        scheduled_at: isoOf(p.scheduled_at),
        shifted_from: shifted.has(p.publication_id) ? isoOf(p.requested_at) : null,
        status: 'planned' as const,
      })),
    );
    const times = [...new Set(publications.map((p) => p.scheduled_at))].sort();
    return {
      group_id: null,
      dry_run: true,
      publications,
      conflicts: plans.flatMap((b) => b.plan.conflicts.map((c) => conflictReport(b.channel.channel_id, c))),
      moves: plans.flatMap((b) =>
        b.plan.moves.map((m) => ({ publication_id: m.publication_id, channel_id: b.channel.channel_id, from: isoOf(m.from), to: isoOf(m.to) })),
      ),
      slot_count: times.length,
      first_at: times[0] ?? null,
      last_at: times[times.length - 1] ?? null,
      schedules_created: 0,
    };
  }
}

/** Publications a conflict moved off their requested time (an independent placement is not a shift). */
function shiftedIds(booked: ChannelBooking[]): Set<string> {
  return new Set(booked.flatMap((b) => b.plan.conflicts.filter((c) => c.resolution === 'shifted').map((c) => c.publication_id)));
}

function conflictReport(channelId: string, c: PlanConflict): ConflictReport {
  return {
    channel_id: channelId,
    video_id: c.video_id,
    requested_at: isoOf(c.requested_at),
    reason: c.reason,
    conflicting_publication_id: c.conflicting_publication_id,
    resolution: c.resolution,
  };
}

/** 409 for plans that could not book: the reject policy met conflicts, or nothing was free. */
function conflictError(rejected: ChannelBooking[]): Conflict {
  const conflicts = rejected.flatMap((b) =>
    b.plan.conflicts.filter((c) => c.resolution === 'rejected').map((c) => conflictReport(b.channel.channel_id, c)),
  );
  const noFreeTime = conflicts.every((c) => c.reason === 'no_free_time');
  return new Conflict(
    noFreeTime ? 'no_free_time' : 'publication_conflicts',
    noFreeTime
      ? `no free publishing time within ${SEARCH_HORIZON_MS / 86_400_000} days for ${conflicts.length} publication(s); nothing was booked`
      : `${conflicts.length} publication(s) conflict with existing ones; nothing was booked (conflict_policy reject)`,
    { conflicts: conflicts.slice(0, 500), conflict_count: conflicts.length },
  );
}

/** The distinct fire times of a group's publications: one slot (and one schedule) each. */
function slotsOf(groupId: string, publications: Publication[]): Slot[] {
  const counts = new Map<string, number>();
  for (const p of publications) counts.set(p.scheduled_at, (counts.get(p.scheduled_at) ?? 0) + 1);
  return [...counts].map(([fireAt, count]) => ({
    slot_id: slotIdOf(groupId, fireAt),
    group_id: groupId,
    fire_at: fireAt,
    status: 'pending',
    publication_count: count,
    dispatched: 0,
    held: 0,
    fired_at: null,
  }));
}

/** What a booking wrote before its commit, and what follows it needs. */
interface Written {
  publications: Publication[];
  slots: Slot[];
  /** Slots already due: fired inline after the commit. */
  due: Slot[];
  moves: MoveReport[];
  totals: GroupTotals;
  booked: ChannelBooking[];
}

/**
 * 422: the channel's ledger would hold more than MAX_LEDGER_BOOKINGS, the
 * bookings it has, those requested and a shadow for each preempt move.
 */
function calendarFull(channelId: string, booked: number, requested: number, moved: number): UnprocessableRequest {
  return new UnprocessableRequest(
    'channel_calendar_full',
    `channel '${channelId}' would hold more than ${MAX_LEDGER_BOOKINGS} upcoming publications${moved > 0 ? ` (counting the old times of the ${moved} it would move until the request completes)` : ''}`,
    { channel_id: channelId, limit: MAX_LEDGER_BOOKINGS, booked, requested, ...(moved > 0 ? { moved } : {}) },
  );
}

/** 422 for channels whose ledger a deletion closed: they are gone as far as booking goes. */
function channelsGone(gone: string[], channelIds: string[]): UnprocessableRequest {
  return new UnprocessableRequest('unknown_channels', `unknown channel(s): ${gone.slice(0, 20).join(', ')} (deleted)`, {
    channel_ids: gone,
    fields: gone.map((id) => ({ field: `channel_ids.${channelIds.indexOf(id)}`, in: 'body', message: 'no such channel (deleted)' })),
  });
}

/** A distribution's pairs, all asked for at `base` (independent placement then finds each its channel's free slot). */
function pairedTimes(pairs: readonly { video_id: string; channel_id: string }[], base: number): RequestedPublication[] {
  const at = ceilToWholeSecond(base);
  return pairs.map((pair, order) => ({ video_id: pair.video_id, channel_id: pair.channel_id, requested_at: at, order }));
}

/**
 * A distribution's plan for one channel: the pairs that found no free time
 * (and those `overflow` left out of a full ledger) stay as `no_free_time`
 * conflicts, but do not refuse the request; the rest is booked.
 */
function leaveOutUnplaced(plan: ChannelPlan, overflow: readonly { publication_id: string; video_id: string; requested_at: number }[]): ChannelPlan {
  const left: PlanConflict[] = overflow.map((r) => ({
    publication_id: r.publication_id,
    video_id: r.video_id,
    requested_at: r.requested_at,
    reason: 'no_free_time',
    conflicting_publication_id: null,
    resolution: 'rejected',
  }));
  return { ...plan, conflicts: [...plan.conflicts, ...left], rejected: false };
}
