import { UnprocessableRequest, type FieldIssue } from '#shared/domain/errors';
import { DAY_MS } from '#shared/domain/planner/local-time';
import { isoOf } from '#shared/domain/publication-group';
import type { RequestedPublication } from '#shared/domain/planner/requested-times';
import { ceilToWholeSecond } from '#shared/domain/planner/whole-seconds';

/**
 * When a coordination or a wave may ask its publications to go out: not
 * before now (60 s of tolerance), and at most 366 days ahead (SPEC
 * "Coordination").
 *
 * The 366 days bound what a request *asks* for. Conflicts may then move a
 * publication further, but only so far: a shift or an independent placement
 * searches at most `searchHorizonMs` past its requested time (else 409
 * no_free_time), and a booking displaced by preempt lies within a gap (at most
 * a day) or on the local day of the time that displaced it, and is re-placed
 * within `searchHorizonMs` of where it was. So nothing is ever booked more
 * than 366 days + the search horizon + 2 days ahead.
 *
 * Stored times and slot ids (`<group>-yyyymmddThhmmssZ`) need a four-digit
 * year. The requested times are therefore also kept early enough that the
 * whole shift window still ends within 9999: with any real clock the 366 days
 * are the tighter bound, and a clock in the year 9998 gets a 422, never a
 * slot id that breaks its own pattern.
 */

/** SPEC: `scheduled_at` lies at most this many days ahead. */
export const MAX_DAYS_AHEAD = 366;
/** {@link MAX_DAYS_AHEAD} in milliseconds. */
export const MAX_AHEAD_MS = MAX_DAYS_AHEAD * DAY_MS;
/** A scheduled_at this far in the past is refused; closer to now it means "now" (clock skew, latency). */
export const PAST_TOLERANCE_MS = 60_000;
/** The last instant an ISO string (`toISOString`) and a slot id can name with a four-digit year. */
export const LAST_NAMEABLE_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59);
/** How far past the time that displaced it a preempted booking may lie: within one gap (<= 1 day) or on that local day. */
const PREEMPT_REACH_MS = 2 * DAY_MS;

/** What the checks need to know of the request. */
export interface BookingWindow {
  /** The request's time (epoch ms), from the Clock port. */
  now: number;
  /** How far past its requested time the planner searches for a free time. */
  searchHorizonMs: number;
  /** Where the timing fields sit in the body, to name them in errors (`wave_config.`). */
  fieldPrefix: string;
}

/**
 * The latest time a publication may be requested at: 366 days from now, or
 * earlier when the shift window after it would run past the year 9999.
 * A whole second, like every planned time.
 */
export function latestRequestableTime(window: Pick<BookingWindow, 'now' | 'searchHorizonMs'>): number {
  return ceilToWholeSecond(Math.min(window.now + MAX_AHEAD_MS, lastBeforeYear10000(window.searchHorizonMs)));
}

/** The latest requested time whose whole shift window still ends within the year 9999. */
function lastBeforeYear10000(searchHorizonMs: number): number {
  return LAST_NAMEABLE_INSTANT - searchHorizonMs - PREEMPT_REACH_MS;
}

/**
 * The base time of a plan: `scheduledAt` rounded up to the whole second, or
 * now (rounded up) when absent or within the past tolerance.
 * @throws UnprocessableRequest `scheduled_at_in_past` more than 60 s in the past,
 *   `scheduled_at_too_far` after {@link latestRequestableTime}; both name the field.
 */
export function baseTimeOf(scheduledAt: string | undefined, window: BookingWindow): number {
  const { now, fieldPrefix } = window;
  if (scheduledAt === undefined) return ceilToWholeSecond(now);
  const at = Date.parse(scheduledAt);
  const field = `${fieldPrefix}scheduled_at`;
  if (at < now - PAST_TOLERANCE_MS) {
    throw new UnprocessableRequest('scheduled_at_in_past', `scheduled_at ${scheduledAt} is in the past`, {
      fields: [{ field, in: 'body', message: 'must not be in the past' } satisfies FieldIssue],
      now: isoOf(now),
    });
  }
  if (at > latestRequestableTime(window)) throw tooFar(`scheduled_at ${scheduledAt}`, field, (limit) => `must be ${limit}`, window);
  return ceilToWholeSecond(Math.max(at, now));
}

/**
 * Checks that every requested time of a plan lies within the window: a
 * staggered plan whose later publications would be asked for too far ahead
 * is refused as a whole, naming `delay_seconds` (or `scheduled_at` when the
 * base itself is too late, which only a clock in the year 9998 allows).
 * @throws UnprocessableRequest `scheduled_at_too_far`
 */
export function checkRequestedTimes(requested: readonly Pick<RequestedPublication, 'requested_at'>[], base: number, window: BookingWindow): void {
  const last = requested.reduce((max, r) => Math.max(max, r.requested_at), base);
  if (last <= latestRequestableTime(window)) return;
  if (base > latestRequestableTime(window)) {
    throw tooFar(`the base time ${isoOf(base)}`, `${window.fieldPrefix}scheduled_at`, (limit) => `must be ${limit}`, window);
  }
  throw tooFar(
    `staggered by delay_seconds, the last publication asks for ${isoOf(last)}, which`,
    `${window.fieldPrefix}delay_seconds`,
    (limit) => `staggers the last publication to ${isoOf(last)}; every one must be ${limit}`,
    window,
    { last_requested_at: isoOf(last) },
  );
}

/** 422 naming `field`, with the limit: in days, and as the latest instant it allows now. */
function tooFar(
  what: string,
  field: string,
  fieldMessage: (limit: string) => string,
  window: BookingWindow,
  extra: Record<string, string> = {},
): UnprocessableRequest {
  const latest = latestRequestableTime(window);
  // Only a clock in the year 9998 makes the year-9999 bound the tighter one.
  const capped = lastBeforeYear10000(window.searchHorizonMs) < window.now + MAX_AHEAD_MS;
  const limit = capped ? 'early enough to leave room for shifts before the year 10000' : `at most ${MAX_DAYS_AHEAD} days ahead`;
  return new UnprocessableRequest('scheduled_at_too_far', `${what} is after ${isoOf(latest)}: publications must be asked for ${limit}`, {
    fields: [{ field, in: 'body', message: fieldMessage(limit) } satisfies FieldIssue],
    limit_days: MAX_DAYS_AHEAD,
    latest: isoOf(latest),
    now: isoOf(window.now),
    ...extra,
  });
}
