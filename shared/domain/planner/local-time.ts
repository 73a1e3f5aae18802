/**
 * Zone arithmetic for the planner: local days, wall-clock times and their
 * instants in a channel's IANA time zone.
 *
 * Built on `Intl.DateTimeFormat`, i.e. the ICU time-zone database that ships
 * with Node (full ICU since Node 13) and is kept current by Node releases.
 * A zone library would read the same database through the same API, so it
 * would add bytes but no trust; what it would not give us for free is the
 * exact gap/overlap rule the planner needs, which lives here in one place:
 * a wall time inside a spring-forward gap maps to the instant it would be
 * after the gap, and a repeated wall time (fall back) takes the earlier instant.
 *
 * Instants are epoch milliseconds. A `LocalDay` is the civil date of the zone,
 * counted as whole days since 1970-01-01, so days can be compared and stepped
 * with plain arithmetic (`day + 1` is the next local day).
 */

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One UTC day in milliseconds; a local day may be 23 or 25 hours long, so never step local days with it. */
export const DAY_MS = 86_400_000;

/** A civil date in some zone, as whole days since 1970-01-01 (1970-01-02 is 1). */
export type LocalDay = number;

/** The reading of a zone's wall clock at an instant. */
export interface WallClock {
  year: number;
  /** 1-12. */
  month: number;
  /** 1-31. */
  day: number;
  /** 0-23. */
  hour: number;
  minute: number;
  second: number;
}

// Formatters are costly to build and immutable once built: one per zone for the life of the process.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: the registry validates zones, so that is a programming error.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Rounds an instant down to its whole second; wall clocks and offsets are read at second precision. */
function floorToSecond(instant: number): number {
  return Math.floor(instant / 1000) * 1000;
}

/**
 * What the wall clock of `timeZone` reads at `instant` (to the second).
 * @throws RangeError when `timeZone` is not an IANA zone the platform knows.
 */
export function wallClockAt(timeZone: string, instant: number): WallClock {
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(floorToSecond(instant))) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'minute':
      case 'second':
        clock[part.type] = Number(part.value);
        break;
      case 'hour':
        // Some ICU builds still print midnight as 24 despite h23.
        clock.hour = Number(part.value) % 24;
        break;
      default:
        break;
    }
  }
  return clock;
}

/** The wall clock read as if it were UTC: the instant plus the zone's offset. */
function wallClockMs(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/**
 * The zone's offset from UTC at `instant`, in milliseconds (Europe/Paris in summer: +7 200 000).
 * @throws RangeError when `timeZone` is unknown.
 */
export function offsetAt(timeZone: string, instant: number): number {
  const second = floorToSecond(instant);
  return wallClockMs(wallClockAt(timeZone, second)) - second;
}

/** The `LocalDay` of a civil date (month 1-12); for callers and tests that name days by date. */
export function localDayOfDate(year: number, month: number, day: number): LocalDay {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/**
 * The civil date of `timeZone` at `instant`: the local day whose daily cap the instant counts against.
 * @throws RangeError when `timeZone` is unknown.
 */
export function localDayOf(timeZone: string, instant: number): LocalDay {
  const clock = wallClockAt(timeZone, instant);
  return localDayOfDate(clock.year, clock.month, clock.day);
}

/**
 * The instant at which the wall clock of `timeZone` reads `secondOfDay` seconds after
 * midnight on local day `day`.
 *
 * - A wall time that does not exist (skipped by a spring-forward gap) maps to the
 *   instant it would be after the gap: 02:30 in Europe/Paris on 2026-03-29 is
 *   03:30 CEST (01:30Z). This is the usual "compatible" reading (Temporal, cron).
 * - A wall time that happens twice (fall back) takes the earlier instant, so a
 *   slot fires once, at its first occurrence.
 *
 * Assumes at most one offset change within a day on either side of the wall time,
 * which holds for every zone in the database for any date a publication is planned on.
 * @throws RangeError when `timeZone` is unknown.
 */
export function instantOfLocalTime(timeZone: string, day: LocalDay, secondOfDay: number): number {
  const wall = day * DAY_MS + secondOfDay * 1000;
  // The true instant lies within wall - 14h .. wall + 12h; a day either side
  // samples the offsets in force before and after any change near it.
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  let earliest: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = wall - offset;
    if (offsetAt(timeZone, candidate) === offset && (earliest === null || candidate < earliest)) {
      earliest = candidate;
    }
  }
  // No offset reads this wall time: it is in a gap. Reading it with the offset of
  // before the gap lands as far past the gap's end as the wall time was past its start.
  return earliest ?? wall - before;
}

/**
 * The first instant of local day `day` in `timeZone` (local midnight, or the end of
 * the gap when midnight itself is skipped, as in zones that change at 00:00).
 * @throws RangeError when `timeZone` is unknown.
 */
export function startOfLocalDay(timeZone: string, day: LocalDay): number {
  return instantOfLocalTime(timeZone, day, 0);
}

/**
 * The first instant of the local day after the one holding `instant`: where a
 * search continues once a day is full. Always later than `instant`.
 * @throws RangeError when `timeZone` is unknown.
 */
export function startOfNextLocalDay(timeZone: string, instant: number): number {
  const next = startOfLocalDay(timeZone, localDayOf(timeZone, instant) + 1);
  // Guards a search loop against a pathological zone rule: time must move forward.
  return next > instant ? next : floorToSecond(instant) + 1000;
}
