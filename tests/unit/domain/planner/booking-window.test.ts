import { describe, expect, it } from 'vitest';
import { UnprocessableRequest } from '#shared/domain/errors';
import {
  baseTimeOf,
  checkRequestedTimes,
  DEFAULT_HORIZON_MS,
  LAST_NAMEABLE_INSTANT,
  latestRequestableTime,
  MAX_AHEAD_MS,
  placeOnChannel,
  requestedTimes,
  type Booking,
  type BookingWindow,
} from '#shared/domain/planner/index';
import { fireAtOfSlotId, isoOf, slotIdOf } from '#shared/domain/publication-group';

const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = Date.parse('2026-06-01T10:00:00.250Z');
const WINDOW: BookingWindow = { now: NOW, searchHorizonMs: DEFAULT_HORIZON_MS, fieldPrefix: '' };
/** A clock in the year 9998, where the year-9999 bound is tighter than 366 days. */
const LATE_NOW = Date.parse('9998-01-01T00:00:00Z');
const SLOT_ID = /^wave_X-\d{8}T\d{6}Z$/;

/** The error `run` throws, which must be an UnprocessableRequest. */
function refusal(run: () => unknown): UnprocessableRequest {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnprocessableRequest);
  return error as UnprocessableRequest;
}

describe('Function: baseTimeOf', () => {
  it('is now, rounded up to the whole second, without a scheduled_at or within 60 s in the past', () => {
    expect(baseTimeOf(undefined, WINDOW)).toBe(Date.parse('2026-06-01T10:00:01Z'));
    expect(baseTimeOf('2026-06-01T09:59:30Z', WINDOW)).toBe(Date.parse('2026-06-01T10:00:01Z'));
  });

  it('refuses a scheduled_at more than 60 s in the past with 422 scheduled_at_in_past naming the field', () => {
    const error = refusal(() => baseTimeOf('2026-06-01T09:58:00Z', { ...WINDOW, fieldPrefix: 'wave_config.' }));
    expect(error.code).toBe('scheduled_at_in_past');
    expect(error.details).toMatchObject({ fields: [{ field: 'wave_config.scheduled_at', in: 'body' }] });
  });

  it('takes a scheduled_at exactly 366 days ahead', () => {
    // Prepare
    const limit = isoOf(NOW + MAX_AHEAD_MS);

    // Act
    const base = baseTimeOf(limit, WINDOW);

    // Assess
    expect(isoOf(base)).toBe('2027-06-02T10:00:01.000Z');
  });

  for (const [what, scheduledAt] of [
    ['a second past 366 days ahead', '2027-06-02T10:00:02Z'],
    ['the last second of the year 9999', '9999-12-31T23:59:59Z'],
  ] as const) {
    it(`refuses ${what} with 422 scheduled_at_too_far naming the field and the limit`, () => {
      // Act
      const error = refusal(() => baseTimeOf(scheduledAt, { ...WINDOW, fieldPrefix: 'wave_config.' }));

      // Assess
      expect(error.code).toBe('scheduled_at_too_far');
      expect(error.message).toContain('366 days');
      expect(error.details).toEqual({
        fields: [{ field: 'wave_config.scheduled_at', in: 'body', message: 'must be at most 366 days ahead' }],
        limit_days: 366,
        latest: '2027-06-02T10:00:01.000Z',
        now: '2026-06-01T10:00:00.250Z',
      });
    });
  }
});

describe('Function: checkRequestedTimes', () => {
  const staggered = (videos: number, delaySeconds: number, base: number) =>
    requestedTimes({
      timing: 'staggered',
      base,
      delaySeconds,
      staggerBy: 'video',
      videoIds: Array.from({ length: videos }, (_, i) => `v${i}`),
      channels: [{ channel_id: 'c', priority: 5, publishing: { timezone: 'UTC', slots: [], min_gap_minutes: 0, max_per_day: null } }],
    });

  it('takes a staggered plan whose last publication is asked for 366 days ahead', () => {
    // Prepare: 367 videos a day apart from now: the last one at exactly now + 366 days
    const base = baseTimeOf(undefined, WINDOW);
    const requested = staggered(367, 86_400, base);

    // Act, Assess
    expect(() => checkRequestedTimes(requested, base, WINDOW)).not.toThrow();
  });

  it('refuses a staggered plan whose last publication would be asked for past 366 days, naming delay_seconds', () => {
    // Prepare: the base is fine, the 368th video a day later is not
    const base = baseTimeOf(undefined, WINDOW);
    const requested = staggered(368, 86_400, base);

    // Act
    const error = refusal(() => checkRequestedTimes(requested, base, { ...WINDOW, fieldPrefix: 'wave_config.' }));

    // Assess
    expect(error.code).toBe('scheduled_at_too_far');
    expect(error.details).toMatchObject({
      fields: [{ field: 'wave_config.delay_seconds', in: 'body' }],
      limit_days: 366,
      latest: '2027-06-02T10:00:01.000Z',
      last_requested_at: '2027-06-03T10:00:01.000Z',
    });
  });

  it('with a clock in the year 9998, refuses even "now" when its shift window would run into the year 10000', () => {
    // Prepare
    const window = { ...WINDOW, now: Date.parse('9999-06-01T00:00:00Z') };
    const base = baseTimeOf(undefined, window);

    // Act
    const error = refusal(() => checkRequestedTimes([{ requested_at: base }], base, window));

    // Assess
    expect(error.code).toBe('scheduled_at_too_far');
    expect(error.message).toContain('year 10000');
    expect(error.details).toMatchObject({ fields: [{ field: 'scheduled_at', in: 'body' }] });
  });
});

describe('Function: latestRequestableTime', () => {
  it('is 366 days ahead (whole second) with any real clock', () => {
    expect(isoOf(latestRequestableTime(WINDOW))).toBe('2027-06-02T10:00:01.000Z');
  });

  it('leaves the search horizon and preempt reach before the end of the year 9999 when that is earlier', () => {
    expect(latestRequestableTime({ now: LATE_NOW, searchHorizonMs: DEFAULT_HORIZON_MS })).toBe(LAST_NAMEABLE_INSTANT - DEFAULT_HORIZON_MS - 2 * DAY);
  });
});

describe('The bound on booked times', () => {
  // Every day of the search horizon is taken by a booking that cannot move, a gap of a day apart.
  const GAP = 1440;
  const publishing = { timezone: 'UTC', slots: [], min_gap_minutes: GAP, max_per_day: null };
  const walls = (from: number, count: number): Booking[] =>
    Array.from({ length: count }, (_, k) => ({ publication_id: `wall-${String(k).padStart(3, '0')}`, at: from + k * GAP * MINUTE, priority: 9 }));

  it('a publication asked for at the latest time and shifted as far as the planner searches keeps a four-digit year and a valid slot id', () => {
    // Prepare
    const latest = latestRequestableTime({ now: LATE_NOW, searchHorizonMs: DEFAULT_HORIZON_MS });

    // Act
    const plan = placeOnChannel({
      channel: { channel_id: 'c', priority: 5, publishing },
      existing: walls(latest, 400),
      requests: [{ publication_id: 'new', video_id: 'v', requested_at: latest, order: 0 }],
      timing: 'simultaneous',
      policy: 'shift',
      priority: 5,
      now: LATE_NOW,
      preemptibleAfter: LATE_NOW + 2 * MINUTE,
      horizonMs: DEFAULT_HORIZON_MS,
    });

    // Assess: shifted the whole horizon, and still nameable
    const at = plan.placements[0]?.scheduled_at as number;
    expect(at).toBe(latest + DEFAULT_HORIZON_MS);
    expect(at).toBeLessThanOrEqual(LAST_NAMEABLE_INSTANT);
    const slotId = slotIdOf('wave_X', isoOf(at));
    expect(slotId).toMatch(SLOT_ID);
    expect(fireAtOfSlotId(slotId)).toBe(isoOf(at));
  });

  it('a booking preempted from within a gap of the latest time, moved as far as the planner searches, keeps a valid slot id', () => {
    // Prepare: the displaced booking sits a minute short of a day after the new one, the walls a day apart after it
    const latest = latestRequestableTime({ now: LATE_NOW, searchHorizonMs: DEFAULT_HORIZON_MS });
    const displacedAt = latest + (GAP - 1) * MINUTE;

    // Act
    const plan = placeOnChannel({
      channel: { channel_id: 'c', priority: 5, publishing },
      existing: [{ publication_id: 'low', at: displacedAt, priority: 1 }, ...walls(displacedAt + GAP * MINUTE, 399)],
      requests: [{ publication_id: 'new', video_id: 'v', requested_at: latest, order: 0 }],
      timing: 'simultaneous',
      policy: 'preempt',
      priority: 9,
      now: LATE_NOW,
      preemptibleAfter: LATE_NOW + 2 * MINUTE,
      horizonMs: DEFAULT_HORIZON_MS,
    });

    // Assess: the new one took its time, the displaced one went past the last wall
    expect(plan.placements.map((p) => p.scheduled_at)).toEqual([latest]);
    const to = plan.moves[0]?.to as number;
    expect(plan.moves).toEqual([{ publication_id: 'low', from: displacedAt, to: displacedAt + DEFAULT_HORIZON_MS }]);
    expect(to).toBeLessThanOrEqual(LAST_NAMEABLE_INSTANT);
    expect(slotIdOf('wave_X', isoOf(to))).toMatch(SLOT_ID);
  });
});
