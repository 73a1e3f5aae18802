import { describe, expect, it } from 'vitest';
import type { ConflictPolicy, Timing } from '#shared/domain/coordination';
import type { PublishingRules } from '#shared/domain/channel';
import { placeOnChannel, type Booking, type ChannelPlanInput, type ChannelRequest } from '#shared/domain/planner/index';
import { seededRandom as random } from '#tests/helpers/seeded-random';

/**
 * Property-style checks over seeded random inputs (deterministic: a failure
 * names its seed and reproduces). The checks use their own reading of the
 * zones (`Intl` formatting straight to a date), not the planner's.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;


const pick = <T,>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const int = (rand: () => number, min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));

const ZONES = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Lord_Howe', // half-hour DST
  'America/Santiago', // DST at midnight: some local days start at 01:00
];
/** Days around DST changes in those zones, and a quiet one. */
const ANCHORS = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-06', '2026-10-04', '2026-10-25', '2026-11-01', '2026-06-15'].map((d) =>
  Date.parse(`${d}T00:00:00Z`),
);
const GAPS = [0, 0, 1, 15, 30, 60, 90, 240, 1440];
const CAPS = [null, null, 1, 2, 3, 5];
const SLOT_CHOICES = ['00:00', '01:30', '02:00', '02:30', '03:00', '09:00', '12:15', '18:00', '23:30', '23:59'];

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const localDates = new Map<string, Map<number, string>>();
/** The local date as "YYYY-MM-DD", read directly from Intl (independent of the planner's arithmetic); memoised for the brute-force scans. */
function localDate(timeZone: string, instant: number): string {
  let dates = localDates.get(timeZone);
  if (!dates) {
    dates = new Map();
    localDates.set(timeZone, dates);
  }
  let date = dates.get(instant);
  if (date === undefined) {
    let formatter = dateFormatters.get(timeZone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      dateFormatters.set(timeZone, formatter);
    }
    date = formatter.format(instant);
    dates.set(instant, date);
  }
  return date;
}

/** Whether a new booking at `instant` keeps the gap and the cap, by brute force. */
function isFree(rules: PublishingRules, bookings: readonly Booking[], instant: number): boolean {
  const gap = rules.min_gap_minutes * MINUTE;
  if (gap > 0 && bookings.some((b) => Math.abs(b.at - instant) < gap)) return false;
  if (rules.max_per_day === null) return true;
  const day = localDate(rules.timezone, instant);
  return bookings.filter((b) => localDate(rules.timezone, b.at) === day).length < rules.max_per_day;
}

function violations(rules: PublishingRules, bookings: readonly Booking[]): string[] {
  const found: string[] = [];
  const gap = rules.min_gap_minutes * MINUTE;
  const sorted = [...bookings].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    if (gap > 0 && sorted[i]!.at - sorted[i - 1]!.at < gap) found.push(`gap ${sorted[i - 1]!.publication_id}/${sorted[i]!.publication_id}`);
  }
  if (rules.max_per_day !== null) {
    const perDay = new Map<string, number>();
    for (const b of bookings) perDay.set(localDate(rules.timezone, b.at), (perDay.get(localDate(rules.timezone, b.at)) ?? 0) + 1);
    for (const [day, count] of perDay) if (count > rules.max_per_day) found.push(`cap ${day}: ${count}`);
  }
  return found;
}

function randomRules(rand: () => number): PublishingRules {
  const slots = rand() < 0.5 ? [] : [...new Set(Array.from({ length: int(rand, 1, 4) }, () => pick(rand, SLOT_CHOICES)))].sort();
  return { timezone: pick(rand, ZONES), slots, min_gap_minutes: pick(rand, GAPS), max_per_day: pick(rand, CAPS) };
}

/** Existing bookings that already respect the rules (as the service keeps them). */
function randomExisting(rand: () => number, rules: PublishingRules, base: number): Booking[] {
  const existing: Booking[] = [];
  const tries = int(rand, 0, 14);
  for (let i = 0; i < tries; i++) {
    const candidate = { publication_id: `e${i}`, at: base + int(rand, -12 * 60, 72 * 60) * MINUTE, priority: int(rand, 0, 9) };
    if (isFree(rules, existing, candidate.at)) existing.push(candidate);
  }
  return existing;
}

function randomInput(seed: number): ChannelPlanInput {
  const rand = random(seed);
  const publishing = randomRules(rand);
  const base = pick(rand, ANCHORS) + int(rand, 0, 36 * 60) * MINUTE;
  const existing = randomExisting(rand, publishing, base);
  const shared = base + int(rand, 0, 6 * 60) * MINUTE;
  const requests: ChannelRequest[] = Array.from({ length: int(rand, 1, 12) }, (_, order) => ({
    publication_id: `n${order}`,
    video_id: `v${order}`,
    // Half share one time (a simultaneous wave), the rest spread out, a few off the whole second.
    requested_at: rand() < 0.5 ? shared : base + int(rand, 0, 48 * 60) * MINUTE + (rand() < 0.1 ? int(rand, 1, 59_999) : 0),
    order,
  }));
  return {
    channel: { channel_id: 'ch', priority: 5, publishing },
    existing,
    requests,
    timing: pick(rand, ['simultaneous', 'staggered', 'independent'] as Timing[]),
    policy: pick(rand, ['shift', 'reject', 'preempt'] as ConflictPolicy[]),
    priority: int(rand, 0, 9),
    now: base - HOUR,
    preemptibleAfter: base + int(rand, 0, 24 * 60) * MINUTE,
    horizonMs: rand() < 0.2 ? int(rand, 1, 12) * HOUR : 400 * DAY,
  };
}

// Hundreds of plans, and brute-force models behind some checks: more than the default 5 s on a busy machine.
describe('placeOnChannel properties', { timeout: 60_000 }, () => {
  const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);

  it('never leaves two bookings closer than the gap or a local day over the cap (400 seeded inputs)', () => {
    for (const seed of SEEDS) {
      const input = randomInput(seed);
      const plan = placeOnChannel(input);
      expect(violations(input.channel.publishing, plan.bookings), `seed ${seed}`).toEqual([]);
    }
  });

  it('accounts for every request once, within [max(requested_at, now), horizon], on whole seconds (400 seeded inputs)', () => {
    for (const seed of SEEDS) {
      const input = randomInput(seed);
      const plan = placeOnChannel(input);
      const context = `seed ${seed}`;
      for (const request of input.requests) {
        const placed = plan.placements.filter((p) => p.publication_id === request.publication_id);
        const conflicts = plan.conflicts.filter((c) => c.publication_id === request.publication_id);
        expect(placed.length + conflicts.filter((c) => c.resolution === 'rejected').length, context).toBe(1);
        expect(conflicts.length, context).toBeLessThanOrEqual(1);
        for (const p of placed) {
          expect(p.scheduled_at % 1000, context).toBe(0);
          expect(p.scheduled_at, context).toBeGreaterThanOrEqual(Math.max(request.requested_at, input.now));
          expect(p.scheduled_at, context).toBeLessThanOrEqual(request.requested_at + input.horizonMs);
          if (conflicts.length === 0 && input.timing !== 'independent') {
            expect(p.scheduled_at, context).toBe(Math.ceil(Math.max(request.requested_at, input.now) / 1000) * 1000);
          }
        }
      }
      expect(plan.bookings.length, context).toBe(input.existing.length + plan.placements.length);
      const expectRejected = plan.conflicts.some((c) => c.resolution === 'rejected');
      expect(plan.rejected, context).toBe(expectRejected);
    }
  });

  it('moves only movable lower-priority bookings, forward, and only under preempt (400 seeded inputs)', () => {
    for (const seed of SEEDS) {
      const input = randomInput(seed);
      const plan = placeOnChannel(input);
      const context = `seed ${seed}`;
      const movedIds = new Set(plan.moves.map((m) => m.publication_id));
      if (input.policy !== 'preempt' || input.timing === 'independent') expect(plan.moves, context).toEqual([]);
      for (const move of plan.moves) {
        const original = input.existing.find((b) => b.publication_id === move.publication_id);
        expect(original, context).toBeDefined();
        expect(original!.at, context).toBe(move.from);
        expect(original!.priority, context).toBeLessThan(input.priority);
        expect(move.from, context).toBeGreaterThan(input.preemptibleAfter);
        expect(move.to, context).toBeGreaterThan(move.from);
        expect(plan.bookings.find((b) => b.publication_id === move.publication_id)?.at, context).toBe(move.to);
      }
      for (const b of input.existing.filter((e) => !movedIds.has(e.publication_id))) {
        expect(plan.bookings.find((x) => x.publication_id === b.publication_id)?.at, context).toBe(b.at);
      }
    }
  });

  it('shift lands on the earliest free minute, as a brute-force scan finds it (200 seeded inputs)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = random(10_000 + seed);
      const publishing = { ...randomRules(rand), slots: [] };
      const base = pick(rand, ANCHORS) + int(rand, 0, 36 * 60) * MINUTE;
      const existing = randomExisting(rand, publishing, base);
      const requestedAt = base + int(rand, 0, 24 * 60) * MINUTE;
      const horizonMs = 3 * DAY;
      const plan = placeOnChannel({
        channel: { channel_id: 'ch', priority: 5, publishing },
        existing,
        requests: [{ publication_id: 'p', video_id: 'v', requested_at: requestedAt, order: 0 }],
        timing: 'simultaneous',
        policy: 'shift',
        priority: 5,
        now: base - HOUR,
        preemptibleAfter: base,
        horizonMs,
      });
      // Every booking, gap and local midnight of these zones is on a whole minute, so the earliest free instant is too.
      let expected: number | null = null;
      for (let t = requestedAt; t <= requestedAt + horizonMs; t += MINUTE) {
        if (isFree(publishing, existing, t)) {
          expected = t;
          break;
        }
      }
      expect(plan.placements[0]?.scheduled_at ?? null, `seed ${seed}`).toBe(expected);
    }
  });

  it('independent placement takes the earliest free slot, as a minute-by-minute scan finds it, in zones without DST (150 seeded inputs)', () => {
    const clock = new Map<string, Intl.DateTimeFormat>();
    const wallTime = (zone: string, instant: number): string => {
      let formatter = clock.get(zone);
      if (!formatter) {
        formatter = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
        clock.set(zone, formatter);
      }
      return formatter.format(instant);
    };
    for (let seed = 1; seed <= 150; seed++) {
      const rand = random(20_000 + seed);
      const publishing: PublishingRules = {
        ...randomRules(rand),
        timezone: pick(rand, ['UTC', 'Asia/Tokyo', 'Asia/Kolkata']),
        slots: [...new Set(Array.from({ length: int(rand, 1, 3) }, () => pick(rand, SLOT_CHOICES)))].sort(),
      };
      const base = pick(rand, ANCHORS) + int(rand, 0, 36 * 60) * MINUTE;
      const existing = randomExisting(rand, publishing, base);
      const requestedAt = base + int(rand, 0, 24 * 60) * MINUTE;
      const horizonMs = 4 * DAY;
      const plan = placeOnChannel({
        channel: { channel_id: 'ch', priority: 5, publishing },
        existing,
        requests: [{ publication_id: 'p', video_id: 'v', requested_at: requestedAt, order: 0 }],
        timing: 'independent',
        policy: 'shift',
        priority: 5,
        now: base - HOUR,
        preemptibleAfter: base,
        horizonMs,
      });
      let expected: number | null = null;
      for (let t = requestedAt; t <= requestedAt + horizonMs; t += MINUTE) {
        if (publishing.slots.includes(wallTime(publishing.timezone, t)) && isFree(publishing, existing, t)) {
          expected = t;
          break;
        }
      }
      expect(plan.placements[0]?.scheduled_at ?? null, `seed ${seed}`).toBe(expected);
    }
  });

  it('matches a naive minute-by-minute model of shift, reject and preempt over whole request sequences (200 seeded inputs)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = random(30_000 + seed);
      const publishing = { ...randomRules(rand), slots: [] };
      const base = pick(rand, ANCHORS) + int(rand, 0, 36 * 60) * MINUTE;
      const existing = randomExisting(rand, publishing, base);
      const shared = base + int(rand, 0, 6 * 60) * MINUTE;
      const requests: ChannelRequest[] = Array.from({ length: int(rand, 1, 10) }, (_, order) => ({
        publication_id: `n${order}`,
        video_id: `v${order}`,
        requested_at: rand() < 0.5 ? shared : base + int(rand, 0, 36 * 60) * MINUTE,
        order,
      }));
      const input: ChannelPlanInput = {
        channel: { channel_id: 'ch', priority: 5, publishing },
        existing,
        requests,
        timing: pick(rand, ['simultaneous', 'staggered'] as Timing[]),
        policy: pick(rand, ['shift', 'reject', 'preempt', 'preempt'] as ConflictPolicy[]),
        priority: int(rand, 1, 9),
        now: base - HOUR,
        preemptibleAfter: base + int(rand, 0, 12 * 60) * MINUTE,
        horizonMs: int(rand, 6, 30) * HOUR,
      };
      const plan = placeOnChannel(input);
      const model = naivePlan(input);
      const context = `seed ${seed}`;
      expect(plan.placements.map((p) => [p.publication_id, p.scheduled_at]), context).toEqual(model.placements);
      expect(plan.bookings.map((b) => [b.publication_id, b.at]).sort(), context).toEqual(model.bookings.map((b) => [b.publication_id, b.at]).sort());
      expect(plan.conflicts.map((c) => [c.publication_id, c.reason, c.resolution]), context).toEqual(model.conflicts);
    }
  });
});

/**
 * The placement rules read as plainly as possible: every search scans minute by
 * minute (all times here are whole minutes), with no index, cache or jump.
 */
function naivePlan(input: ChannelPlanInput) {
  const rules = input.channel.publishing;
  const gap = rules.min_gap_minutes * MINUTE;
  let bookings = input.existing.map((b) => ({ ...b, isNew: false }));
  const placements: [string, number][] = [];
  const conflicts: [string, string, string][] = [];
  const earliestFree = (start: number, limit: number): number | null => {
    for (let t = start; t <= limit; t += MINUTE) if (isFree(rules, bookings, t)) return t;
    return null;
  };
  const requests = [...input.requests].sort((a, b) => a.requested_at - b.requested_at || a.order - b.order);
  for (const request of requests) {
    const start = request.requested_at;
    const limit = request.requested_at + input.horizonMs;
    if (isFree(rules, bookings, start)) {
      bookings.push({ publication_id: request.publication_id, at: start, priority: input.priority, isNew: true });
      placements.push([request.publication_id, start]);
      continue;
    }
    const inGap = gap > 0 ? bookings.filter((b) => Math.abs(b.at - start) < gap) : [];
    const reason = inGap.length > 0 ? 'min_gap' : 'max_per_day';
    if (input.policy === 'reject') {
      conflicts.push([request.publication_id, reason, 'rejected']);
      continue;
    }
    if (input.policy === 'preempt') {
      const movable = (b: (typeof bookings)[number]) => !b.isNew && b.at > input.preemptibleAfter && b.priority < input.priority;
      let victims: typeof bookings | null = inGap.every(movable) ? [...inGap] : null;
      if (victims && rules.max_per_day !== null) {
        const day = localDate(rules.timezone, start);
        const staying = bookings.filter((b) => !inGap.includes(b) && localDate(rules.timezone, b.at) === day);
        const excess = staying.length - rules.max_per_day + 1;
        if (excess > 0) {
          const candidates = staying
            .filter(movable)
            .sort((a, b) => a.priority - b.priority || b.at - a.at || (a.publication_id < b.publication_id ? 1 : -1));
          victims = candidates.length >= excess ? [...victims, ...candidates.slice(0, excess)] : null;
        }
      }
      if (victims) {
        const before = bookings;
        bookings = bookings.filter((b) => !victims.includes(b));
        bookings.push({ publication_id: request.publication_id, at: start, priority: input.priority, isNew: true });
        let failed = false;
        for (const victim of [...victims].sort((a, b) => a.at - b.at || (a.publication_id < b.publication_id ? -1 : 1))) {
          const to = earliestFree(victim.at, victim.at + input.horizonMs);
          if (to === null) {
            failed = true;
            break;
          }
          bookings.push({ ...victim, at: to });
        }
        if (!failed) {
          placements.push([request.publication_id, start]);
          conflicts.push([request.publication_id, reason, 'preempted']);
          continue;
        }
        bookings = before;
      }
    }
    const at = earliestFree(start, limit);
    if (at === null) {
      conflicts.push([request.publication_id, 'no_free_time', 'rejected']);
    } else {
      bookings.push({ publication_id: request.publication_id, at, priority: input.priority, isNew: true });
      placements.push([request.publication_id, at]);
      conflicts.push([request.publication_id, reason, 'shifted']);
    }
  }
  return { placements, conflicts, bookings };
}
