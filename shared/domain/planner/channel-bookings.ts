import type { PublishingRules } from '#shared/domain/channel';
import {
  MINUTE_MS,
  localDayOf,
  startOfLocalDay,
  startOfNextLocalDay,
  type LocalDay,
} from '#shared/domain/planner/local-time';
import { KnownBusyTime } from '#shared/domain/planner/known-busy-time';
import type { Booking } from '#shared/domain/planner/plan-channel';
import { slotInstantsOn, slotSecondOfDay } from '#shared/domain/planner/publishing-slots';
import { ceilToWholeSecond } from '#shared/domain/planner/whole-seconds';

/** A booking in the simulation, with what the planner derives from it once. */
export interface BookedEntry extends Readonly<Booking> {
  /** The channel-local day it counts against for max_per_day. */
  readonly day: LocalDay;
  /** Whether preempt may move it: an existing booking after `preemptibleAfter`. New bookings never are. */
  readonly movable: boolean;
}

/** Why an instant is not free: a booking too close, or a full local day. */
export type Obstacle =
  | { reason: 'min_gap'; booking: BookedEntry }
  | { reason: 'max_per_day'; day: LocalDay };

/** A local day's span of instants, [start, end). */
interface DaySpan {
  day: LocalDay;
  start: number;
  end: number;
}

/**
 * One channel's bookings while a plan is built: who is where, how many each
 * local day holds, and where the next free instant or slot is.
 *
 * Free means: no booking closer than min_gap_minutes (|a − b| < gap; gap 0
 * never conflicts) and the instant's local day below max_per_day (null: no cap).
 */
export class ChannelBookings {
  readonly timeZone: string;
  readonly gapMs: number;
  readonly cap: number | null;
  private readonly slotSeconds: number[];
  /** Sorted by (at, publication_id), so neighbours in time are neighbours here. */
  private readonly entries: BookedEntry[] = [];
  private readonly byDay = new Map<LocalDay, BookedEntry[]>();
  /** Day spans seen so far, sorted by start; reading the zone costs microseconds, a lookup here nanoseconds. */
  private readonly spans: DaySpan[] = [];
  private readonly spanByDay = new Map<LocalDay, DaySpan>();
  private readonly slotInstantsByDay = new Map<LocalDay, number[]>();
  /** Time proven to hold no free instant, for continuous searches. */
  private readonly busyInstants = new KnownBusyTime();
  /** Time proven to hold no free slot, for slot searches. */
  private readonly busySlots = new KnownBusyTime();

  constructor(rules: PublishingRules) {
    this.timeZone = rules.timezone;
    this.gapMs = rules.min_gap_minutes * MINUTE_MS;
    this.cap = rules.max_per_day;
    this.slotSeconds = rules.slots.map(slotSecondOfDay);
  }

  /** Whether the channel publishes on slots (otherwise at any instant). */
  get hasSlots(): boolean {
    return this.slotSeconds.length > 0;
  }

  /** Adds a booking; returns its entry (the handle to remove it with). */
  add(booking: Booking, movable: boolean): BookedEntry {
    const entry: BookedEntry = {
      publication_id: booking.publication_id,
      at: booking.at,
      priority: booking.priority,
      day: this.dayOf(booking.at),
      movable,
    };
    const index = this.insertionIndex(entry);
    this.entries.splice(index, 0, entry);
    const sameDay = this.byDay.get(entry.day);
    if (sameDay) sameDay.push(entry);
    else this.byDay.set(entry.day, [entry]);
    return entry;
  }

  /** Removes an entry returned by {@link add}. */
  remove(entry: BookedEntry): void {
    const index = this.entries.indexOf(entry, this.lowerBound(entry.at));
    if (index < 0) throw new Error(`booking ${entry.publication_id} is not in the plan`);
    this.entries.splice(index, 1);
    const sameDay = this.byDay.get(entry.day) ?? [];
    const wasFull = this.isDayFull(entry.day);
    sameDay.splice(sameDay.indexOf(entry), 1);
    // Removing frees time only within its gap (and its own slot instant), and on its day if that was full: forget just that.
    const reach = Math.max(this.gapMs, 1000);
    const freed: [number, number][] = [[entry.at - reach, entry.at + reach]];
    if (wasFull && !this.isDayFull(entry.day)) {
      const span = this.spanOf(entry.at);
      freed.push([span.start, span.end]);
    }
    for (const [from, to] of freed) {
      this.busyInstants.forget(from, to);
      this.busySlots.forget(from, to);
    }
  }

  /** Every booking, sorted by (at, publication_id). */
  bookings(): Booking[] {
    return this.entries.map(({ publication_id, at, priority }) => ({ publication_id, at, priority }));
  }

  /** The bookings counted against local day `day`. */
  onDay(day: LocalDay): readonly BookedEntry[] {
    return this.byDay.get(day) ?? [];
  }

  /** Whether local day `day` already holds max_per_day bookings. */
  isDayFull(day: LocalDay): boolean {
    return this.cap !== null && this.onDay(day).length >= this.cap;
  }

  /** The channel-local day holding `instant`. */
  dayOf(instant: number): LocalDay {
    return this.spanOf(instant).day;
  }

  /** The bookings closer to `instant` than the gap, earliest first. */
  gapObstacles(instant: number): BookedEntry[] {
    if (this.gapMs === 0) return [];
    return this.entries.slice(this.upperBound(instant - this.gapMs), this.lowerBound(instant + this.gapMs));
  }

  /**
   * The first reason `instant` is not free, or null when it is. A booking too
   * close is reported before a full day because it names who is in the way; of
   * several, the nearest (ties: the earlier).
   */
  firstObstacle(instant: number): Obstacle | null {
    let nearest: BookedEntry | null = null;
    for (const entry of this.gapObstacles(instant)) {
      if (nearest === null || Math.abs(entry.at - instant) < Math.abs(nearest.at - instant)) nearest = entry;
    }
    if (nearest) return { reason: 'min_gap', booking: nearest };
    const day = this.dayOf(instant);
    return this.isDayFull(day) ? { reason: 'max_per_day', day } : null;
  }

  /** Whether a new booking at `instant` would break neither the gap nor the daily cap. */
  isFree(instant: number): boolean {
    return this.firstObstacle(instant) === null;
  }

  /**
   * The earliest free instant in [start, limit] (whole seconds), or null.
   *
   * Walks forward by jumps that never pass a free instant: past a gap conflict
   * with booking b to b.at + gap (every instant before it is within the gap of b,
   * taking the latest b in the way), past a full day to the start of the next
   * local day.
   */
  earliestFreeFrom(start: number, limit: number): number | null {
    const from = ceilToWholeSecond(start);
    let t = from;
    while (t <= limit) {
      const known = this.busyInstants.containing(t);
      if (known) {
        t = ceilToWholeSecond(known.to);
        continue;
      }
      const span = this.spanOf(t);
      if (this.isDayFull(span.day)) {
        t = ceilToWholeSecond(span.end);
        continue;
      }
      const last = this.lastGapObstacle(t);
      if (last) {
        t = ceilToWholeSecond(last.at + this.gapMs);
        continue;
      }
      this.busyInstants.add(from, t);
      return t;
    }
    this.busyInstants.add(from, t);
    return null;
  }

  /**
   * The earliest free publishing slot in [start, limit], or null: the channel's
   * "HH:MM" slots read on each local day from the one holding `start`, in the
   * channel's own zone, earliest instant first.
   */
  nextFreeSlot(start: number, limit: number): number | null {
    let cursor = start;
    let day = this.dayOf(cursor);
    days: while (this.startOf(day) <= limit) {
      if (this.isDayFull(day)) {
        day += 1;
        continue;
      }
      for (const instant of this.slotInstantsOn(day)) {
        if (instant < cursor) continue;
        if (instant > limit) break days;
        const known = this.busySlots.containing(instant);
        if (known) {
          // Everything up to known.to is proven slot-less: jump there, possibly days ahead.
          cursor = known.to;
          const next = this.dayOf(cursor);
          if (next !== day) {
            day = next;
            continue days;
          }
          continue;
        }
        // A slot is one publication's: one already booked there is taken, even with no gap.
        if (this.isFree(instant) && !this.isBookedAt(instant)) {
          this.busySlots.add(start, instant);
          return instant;
        }
      }
      day += 1;
    }
    this.busySlots.add(start, limit + 1);
    return null;
  }

  /** Whether a booking stands exactly at `instant`. */
  private isBookedAt(instant: number): boolean {
    return this.entries[this.lowerBound(instant)]?.at === instant;
  }

  /** The latest booking within the gap of `instant`, if any. */
  private lastGapObstacle(instant: number): BookedEntry | undefined {
    if (this.gapMs === 0) return undefined;
    const candidate = this.entries[this.lowerBound(instant + this.gapMs) - 1];
    return candidate && candidate.at > instant - this.gapMs ? candidate : undefined;
  }

  private startOf(day: LocalDay): number {
    return this.spanByDay.get(day)?.start ?? startOfLocalDay(this.timeZone, day);
  }

  /** The day's slot instants, read from the zone once per day. */
  private slotInstantsOn(day: LocalDay): number[] {
    let instants = this.slotInstantsByDay.get(day);
    if (!instants) {
      instants = slotInstantsOn(this.timeZone, day, this.slotSeconds);
      this.slotInstantsByDay.set(day, instants);
    }
    return instants;
  }

  /** The local day span holding `instant`, read from the zone once per day. */
  private spanOf(instant: number): DaySpan {
    let low = 0;
    let high = this.spans.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.spans[middle]!.end <= instant) low = middle + 1;
      else high = middle;
    }
    const found = this.spans[low];
    if (found && found.start <= instant) return found;

    const day = localDayOf(this.timeZone, instant);
    const span: DaySpan = { day, start: startOfLocalDay(this.timeZone, day), end: startOfNextLocalDay(this.timeZone, instant) };
    // Cache only a span that reads back as the day it claims; an odd zone rule falls back to asking the zone each time.
    if (span.start <= instant && localDayOf(this.timeZone, span.start) === day && localDayOf(this.timeZone, span.end - 1) === day) {
      this.spans.splice(low, 0, span);
      this.spanByDay.set(day, span);
      return span;
    }
    return { day, start: instant, end: startOfNextLocalDay(this.timeZone, instant) };
  }

  /** First index whose booking is at or after `at`. */
  private lowerBound(at: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.at < at) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** First index whose booking is after `at`. */
  private upperBound(at: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.at <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Where `entry` goes to keep (at, publication_id) order. */
  private insertionIndex(entry: BookedEntry): number {
    let index = this.upperBound(entry.at);
    while (index > 0) {
      const before = this.entries[index - 1]!;
      if (before.at !== entry.at || before.publication_id <= entry.publication_id) break;
      index -= 1;
    }
    return index;
  }
}
