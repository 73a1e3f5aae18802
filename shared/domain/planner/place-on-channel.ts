import type { ConflictPolicy, Timing } from '#shared/domain/coordination';
import { ChannelBookings, type BookedEntry, type Obstacle } from '#shared/domain/planner/channel-bookings';
import { DAY_MS } from '#shared/domain/planner/local-time';
import type { Booking, PlanChannel } from '#shared/domain/planner/plan-channel';
import { ceilToWholeSecond } from '#shared/domain/planner/whole-seconds';

/** How far ahead a search looks when the caller has no better idea: a bit more than a year of slots. */
export const DEFAULT_HORIZON_MS = 400 * DAY_MS;

/** One new publication asking for a time on the channel. */
export interface ChannelRequest {
  publication_id: string;
  video_id: string;
  /** From `requestedTimes`; epoch ms. */
  requested_at: number;
  /** From `requestedTimes`; breaks ties between equal requested times. */
  order: number;
}

/** Step 2 input: one channel, its current bookings and the new publications for it. */
export interface ChannelPlanInput {
  channel: PlanChannel;
  /** The channel's current bookings, any order. */
  existing: Booking[];
  requests: ChannelRequest[];
  /** 'independent' places on publishing slots; the others at the requested time. */
  timing: Timing;
  /** Ignored for 'independent', whose placement is free by construction. */
  policy: ConflictPolicy;
  /** The request's priority 0-9; every new booking carries it. */
  priority: number;
  /** No publication is planned before this instant (epoch ms). */
  now: number;
  /** Existing bookings at or before this instant are about to fire and are never moved. */
  preemptibleAfter: number;
  /** A search goes no further than requested_at + horizonMs (e.g. {@link DEFAULT_HORIZON_MS}). */
  horizonMs: number;
}

/** Why a publication could not have its requested time. */
export type ConflictReason = 'min_gap' | 'max_per_day' | 'no_free_time';
/** What the plan did about it. */
export type ConflictResolution = 'shifted' | 'preempted' | 'rejected';

/** A conflict met by one new publication, and how it was resolved. */
export interface PlanConflict {
  publication_id: string;
  video_id: string;
  requested_at: number;
  reason: ConflictReason;
  /** The booking in the way, for min_gap; null otherwise. */
  conflicting_publication_id: string | null;
  resolution: ConflictResolution;
}

/** A new publication that got a time. */
export interface Placement {
  publication_id: string;
  video_id: string;
  requested_at: number;
  scheduled_at: number;
}

/** An existing booking moved by preempt: from its time before this plan to its time after. */
export interface Move {
  publication_id: string;
  from: number;
  to: number;
}

/** Step 2 result for one channel. */
export interface ChannelPlan {
  /** The new publications that got a time, in the order they were placed. */
  placements: Placement[];
  /** Every conflict met, in the order met, at most one per new publication. */
  conflicts: PlanConflict[];
  /** Existing bookings preempt moved, one per booking (from its original time to its final one). */
  moves: Move[];
  /** The channel's full booking set afterwards (existing, moved, new), sorted by (at, publication_id). */
  bookings: Booking[];
  /** True when policy 'reject' met any conflict, or any request could not be placed. */
  rejected: boolean;
}

/**
 * Step 2: place one channel's requested publications among its existing bookings.
 *
 * Steps:
 * 1. Load the existing bookings; those after `preemptibleAfter` are movable.
 * 2. Take the requests by (requested_at, order, publication_id); each placed one
 *    becomes a booking that later requests of the call must respect.
 * 3. Each starts at max(requested_at, now) rounded up to a whole second.
 *    - independent: the first free publishing slot (or, without slots, the first
 *      free instant); nothing free before the horizon is no_free_time.
 *    - otherwise, when the start is free: placed there, no conflict.
 *    - reject: the first obstacle is recorded as rejected, nothing is booked.
 *    - preempt: when every obstacle is movable and of lower priority, they are
 *      displaced (each re-placed by the shift rule from its own old time) and the
 *      new one takes the start; otherwise as shift.
 *    - shift: the earliest free instant from the start; the first obstacle is
 *      recorded as shifted, or no_free_time as rejected when none is free.
 *
 * Pure and deterministic: the same input gives the same plan.
 * @throws RangeError for an unknown time zone or a malformed slot (validated upstream).
 */
export function placeOnChannel(input: ChannelPlanInput): ChannelPlan {
  const { timing, policy, priority, horizonMs } = input;
  const state = new ChannelBookings(input.channel.publishing);
  for (const booking of [...input.existing].sort(byTimeThenId)) {
    state.add(booking, booking.at > input.preemptibleAfter);
  }

  const placements: Placement[] = [];
  const conflicts: PlanConflict[] = [];
  const moves = new Map<string, Move>();
  let rejected = false;

  const requests = [...input.requests].sort(
    (a, b) => a.requested_at - b.requested_at || a.order - b.order || compareIds(a.publication_id, b.publication_id),
  );
  for (const request of requests) {
    const start = ceilToWholeSecond(Math.max(request.requested_at, input.now));
    const limit = request.requested_at + horizonMs;
    const recordPlacement = (at: number): void => {
      placements.push({ publication_id: request.publication_id, video_id: request.video_id, requested_at: request.requested_at, scheduled_at: at });
    };
    const place = (at: number): void => {
      state.add({ publication_id: request.publication_id, at, priority }, false);
      recordPlacement(at);
    };
    const conflict = (reason: ConflictReason, conflictingId: string | null, resolution: ConflictResolution): void => {
      conflicts.push({
        publication_id: request.publication_id,
        video_id: request.video_id,
        requested_at: request.requested_at,
        reason,
        conflicting_publication_id: conflictingId,
        resolution,
      });
      if (resolution === 'rejected') rejected = true;
    };

    if (timing === 'independent') {
      const at = state.hasSlots ? state.nextFreeSlot(start, limit) : state.earliestFreeFrom(start, limit);
      if (at === null) conflict('no_free_time', null, 'rejected');
      else place(at);
      continue;
    }

    const obstacle = state.firstObstacle(start);
    if (!obstacle) {
      place(start);
      continue;
    }
    const [reason, conflictingId] = conflictOf(obstacle);
    if (policy === 'reject') {
      conflict(reason, conflictingId, 'rejected');
      continue;
    }
    if (policy === 'preempt') {
      const displaced = preempt(state, { publication_id: request.publication_id, at: start, priority }, horizonMs);
      if (displaced) {
        recordPlacement(start);
        for (const move of displaced) recordMove(moves, move);
        conflict(reason, conflictingId, 'preempted');
        continue;
      }
      // Something in the way outranks the request or is about to fire: the new one yields instead.
    }
    const at = state.earliestFreeFrom(start, limit);
    if (at === null) {
      conflict('no_free_time', null, 'rejected');
    } else {
      place(at);
      conflict(reason, conflictingId, 'shifted');
    }
  }

  return { placements, conflicts, moves: [...moves.values()], bookings: state.bookings(), rejected };
}

/** The reason and the booking in the way, as a conflict records them. */
function conflictOf(obstacle: Obstacle): [ConflictReason, string | null] {
  return obstacle.reason === 'min_gap' ? ['min_gap', obstacle.booking.publication_id] : ['max_per_day', null];
}

/**
 * Books `incoming` at its time by displacing what is in the way, when all of it
 * may be displaced: every booking within the gap, and, when the local day would
 * still be full, as many of the day's other bookings as needed, lowest priority
 * first, then latest first (the one with the most room after it). Every one must
 * be movable and of lower priority than `incoming`. Each displaced booking is
 * then re-placed by the shift rule from its own old time, so it lands free of
 * everything, the incoming one included.
 *
 * Returns the moves made, or null with the state untouched when preempting is
 * not allowed or a displaced booking would find no free time before the horizon.
 */
function preempt(state: ChannelBookings, incoming: Booking, horizonMs: number): Move[] | null {
  const displaceable = (entry: BookedEntry): boolean => entry.movable && entry.priority < incoming.priority;

  const inGap = state.gapObstacles(incoming.at);
  if (!inGap.every(displaceable)) return null;
  const day = state.dayOf(incoming.at);
  const stayingOnDay = state.onDay(day).filter((entry) => !inGap.includes(entry));
  // More than one only when the day is already over a cap that was lowered since.
  const excess = state.cap === null ? 0 : stayingOnDay.length - state.cap + 1;
  let forCap: BookedEntry[] = [];
  if (excess > 0) {
    const candidates = stayingOnDay
      .filter(displaceable)
      .sort((a, b) => a.priority - b.priority || b.at - a.at || compareIds(b.publication_id, a.publication_id));
    if (candidates.length < excess) return null;
    forCap = candidates.slice(0, excess);
  }

  const displaced = [...inGap, ...forCap].sort(byTimeThenId);
  for (const entry of displaced) state.remove(entry);
  const placed = state.add(incoming, false);
  const relocated: BookedEntry[] = [];
  for (const entry of displaced) {
    const to = state.earliestFreeFrom(entry.at, entry.at + horizonMs);
    if (to === null) {
      for (const moved of relocated) state.remove(moved);
      state.remove(placed);
      for (const original of displaced) state.add(original, original.movable);
      return null;
    }
    relocated.push(state.add({ publication_id: entry.publication_id, at: to, priority: entry.priority }, true));
  }
  return displaced.map((entry, index) => ({ publication_id: entry.publication_id, from: entry.at, to: relocated[index]!.at }));
}

/** Keeps one move per booking, from where it was before the plan to where it ends. */
function recordMove(moves: Map<string, Move>, move: Move): void {
  const earlier = moves.get(move.publication_id);
  const from = earlier ? earlier.from : move.from;
  if (from === move.to) moves.delete(move.publication_id);
  else moves.set(move.publication_id, { publication_id: move.publication_id, from, to: move.to });
}

function byTimeThenId(a: Booking, b: Booking): number {
  return a.at - b.at || compareIds(a.publication_id, b.publication_id);
}

/** Code-unit order, not locale order: the same on every machine. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
