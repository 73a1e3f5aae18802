import { describe, expect, it } from 'vitest';
import type { PublishingRules } from '#shared/domain/channel';
import {
  DEFAULT_HORIZON_MS,
  placeOnChannel,
  type Booking,
  type ChannelPlanInput,
  type ChannelRequest,
} from '#shared/domain/planner/index';

const at = (iso: string): number => Date.parse(iso);
const iso = (instant: number): string => new Date(instant).toISOString().replace('.000Z', 'Z');
const MINUTE = 60_000;
const T = at('2026-05-01T10:00:00Z');

function rules(overrides: Partial<PublishingRules> = {}): PublishingRules {
  return { timezone: 'UTC', slots: [], min_gap_minutes: 0, max_per_day: null, ...overrides };
}

function booking(publication_id: string, when: number | string, priority = 5): Booking {
  return { publication_id, at: typeof when === 'string' ? at(when) : when, priority };
}

function req(publication_id: string, when: number | string, order = 0): ChannelRequest {
  return { publication_id, video_id: `video-${publication_id}`, requested_at: typeof when === 'string' ? at(when) : when, order };
}

type PlanOverrides = Partial<Omit<ChannelPlanInput, 'channel'>> & { publishing?: Partial<PublishingRules> };

/** A plan with quiet defaults: UTC, no gap, no cap, shift, priority 5, nothing about to fire. */
function plan(overrides: PlanOverrides) {
  const { publishing, ...rest } = overrides;
  return placeOnChannel({
    channel: { channel_id: 'ch', priority: 5, publishing: rules(publishing) },
    existing: [],
    requests: [],
    timing: 'simultaneous',
    policy: 'shift',
    priority: 5,
    now: at('2026-01-01T00:00:00Z'),
    preemptibleAfter: at('2026-01-01T00:00:00Z'),
    horizonMs: DEFAULT_HORIZON_MS,
    ...rest,
  });
}

/** `publication_id → ISO time` of the scheduled placements. */
function scheduled(result: ReturnType<typeof plan>): Record<string, string> {
  return Object.fromEntries(result.placements.map((p) => [p.publication_id, iso(p.scheduled_at)]));
}

describe('placeOnChannel', () => {
  describe('min_gap', () => {
    it('allows a publication exactly min_gap after another', () => {
      const result = plan({ publishing: { min_gap_minutes: 60 }, existing: [booking('x', T)], requests: [req('p', T + 60 * MINUTE)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
      expect(result.conflicts).toEqual([]);
    });

    it('treats one second less than min_gap as a conflict and shifts to the end of the gap', () => {
      const result = plan({ publishing: { min_gap_minutes: 60 }, existing: [booking('x', T)], requests: [req('p', T + 60 * MINUTE - 1000)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
      expect(result.conflicts).toEqual([
        {
          publication_id: 'p',
          video_id: 'video-p',
          requested_at: T + 60 * MINUTE - 1000,
          reason: 'min_gap',
          conflicting_publication_id: 'x',
          resolution: 'shifted',
        },
      ]);
      expect(result.rejected).toBe(false);
    });

    it('conflicts on a booking shortly after the requested time too, and only moves forward', () => {
      const result = plan({ publishing: { min_gap_minutes: 60 }, existing: [booking('x', T)], requests: [req('p', T - 30 * MINUTE)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
      expect(result.conflicts[0]?.conflicting_publication_id).toBe('x');
    });

    it('allows the same instant when min_gap is 0', () => {
      const result = plan({ existing: [booking('x', T)], requests: [req('p', T)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T10:00:00Z' });
      expect(result.conflicts).toEqual([]);
    });

    it('hops along a chain of bookings to the first free instant and records one conflict', () => {
      const existing = [booking('x1', T), booking('x2', T + 60 * MINUTE), booking('x3', T + 120 * MINUTE)];
      const result = plan({ publishing: { min_gap_minutes: 60 }, existing, requests: [req('p', T)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T13:00:00Z' });
      expect(result.conflicts).toHaveLength(1);
      expect(result.conflicts[0]?.conflicting_publication_id).toBe('x1');
    });

    it('takes a hole between bookings when it is wide enough', () => {
      const existing = [booking('x1', T), booking('x2', T + 180 * MINUTE)];
      const result = plan({ publishing: { min_gap_minutes: 60 }, existing, requests: [req('p', T + 30 * MINUTE)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
    });

    it('names the nearest booking as the conflicting one', () => {
      const existing = [booking('far', T - 50 * MINUTE), booking('near', T + 10 * MINUTE)];
      const result = plan({ publishing: { min_gap_minutes: 60 }, existing, requests: [req('p', T)] });
      expect(result.conflicts[0]?.conflicting_publication_id).toBe('near');
    });
  });

  describe('max_per_day in the channel local day', () => {
    it('Asia/Tokyo: a booking after local midnight is on the next day although UTC is still on the same date', () => {
      const existing = [booking('a', '2026-01-15T14:00:00Z'), booking('b', '2026-01-15T14:30:00Z')]; // 23:00 and 23:30 JST, Jan 15
      const result = plan({
        publishing: { timezone: 'Asia/Tokyo', max_per_day: 2 },
        existing,
        requests: [req('free', '2026-01-15T15:30:00Z'), req('full', '2026-01-15T14:50:00Z')],
      });
      // 00:30 JST on Jan 16 is a fresh day; 23:50 JST on Jan 15 is the third of a 2-a-day channel.
      expect(scheduled(result)).toEqual({ full: '2026-01-15T15:00:00Z', free: '2026-01-15T15:30:00Z' });
      expect(result.conflicts).toEqual([
        expect.objectContaining({ publication_id: 'full', reason: 'max_per_day', conflicting_publication_id: null, resolution: 'shifted' }),
      ]);
    });

    it('America/Los_Angeles: bookings on different UTC dates share one local day', () => {
      const result = plan({
        publishing: { timezone: 'America/Los_Angeles', max_per_day: 1 },
        existing: [booking('late', '2026-01-16T07:30:00Z')], // Jan 15, 23:30 PST
        requests: [req('p', '2026-01-15T20:00:00Z')], // Jan 15, 12:00 PST
      });
      expect(scheduled(result)).toEqual({ p: '2026-01-16T08:00:00Z' }); // Jan 16, 00:00 PST
      expect(result.conflicts[0]?.reason).toBe('max_per_day');
    });

    it('shifts across midnight into the next local day when the cap is full', () => {
      const result = plan({
        publishing: { max_per_day: 2 },
        existing: [booking('a', '2026-05-01T10:00:00Z'), booking('b', '2026-05-01T20:00:00Z')],
        requests: [req('p', '2026-05-01T23:00:00Z')],
      });
      expect(scheduled(result)).toEqual({ p: '2026-05-02T00:00:00Z' });
    });

    it('keeps shifting past the gap of a booking just after the next midnight', () => {
      const result = plan({
        publishing: { max_per_day: 2, min_gap_minutes: 30 },
        existing: [booking('a', '2026-05-01T10:00:00Z'), booking('b', '2026-05-01T20:00:00Z'), booking('c', '2026-05-02T00:10:00Z')],
        requests: [req('p', '2026-05-01T23:00:00Z')],
      });
      expect(scheduled(result)).toEqual({ p: '2026-05-02T00:40:00Z' });
    });

    it('skips several full days in a row', () => {
      const result = plan({
        publishing: { max_per_day: 1 },
        existing: [booking('a', '2026-05-01T09:00:00Z'), booking('b', '2026-05-02T09:00:00Z'), booking('c', '2026-05-03T09:00:00Z')],
        requests: [req('p', '2026-05-01T12:00:00Z')],
      });
      expect(scheduled(result)).toEqual({ p: '2026-05-04T00:00:00Z' });
    });

    it('counts the call’s own placements against the cap', () => {
      const result = plan({ publishing: { max_per_day: 2 }, requests: [req('p1', T, 0), req('p2', T, 1), req('p3', T, 2)] });
      expect(scheduled(result)).toEqual({ p1: '2026-05-01T10:00:00Z', p2: '2026-05-01T10:00:00Z', p3: '2026-05-02T00:00:00Z' });
    });
  });

  describe('daylight saving time', () => {
    it('Europe/Paris 2026-03-29 (23 h): a full day ends at the next local midnight, 22:00Z', () => {
      const result = plan({
        publishing: { timezone: 'Europe/Paris', max_per_day: 2 },
        existing: [booking('first', '2026-03-28T23:00:00Z'), booking('last', '2026-03-29T21:59:59Z')], // 00:00 CET .. 23:59:59 CEST
        requests: [req('p', '2026-03-29T10:00:00Z')],
      });
      expect(scheduled(result)).toEqual({ p: '2026-03-29T22:00:00Z' });
    });

    it('Europe/Paris 2026-10-25 (25 h): both passes of 02:30 count on one day, which ends at 23:00Z', () => {
      const result = plan({
        publishing: { timezone: 'Europe/Paris', max_per_day: 2 },
        existing: [booking('first-pass', '2026-10-25T00:30:00Z'), booking('last', '2026-10-25T22:59:59Z')], // 02:30 CEST, 23:59:59 CET
        requests: [req('second-pass', '2026-10-25T01:30:00Z')], // 02:30 CET
      });
      expect(scheduled(result)).toEqual({ 'second-pass': '2026-10-25T23:00:00Z' });
    });

    it('America/New_York 2026-03-08 (23 h): the next local day starts at 04:00Z', () => {
      const result = plan({
        publishing: { timezone: 'America/New_York', max_per_day: 1 },
        existing: [booking('midnight', '2026-03-08T05:00:00Z')],
        requests: [req('p', '2026-03-08T12:00:00Z')],
      });
      expect(scheduled(result)).toEqual({ p: '2026-03-09T04:00:00Z' });
    });

    it('America/New_York 2026-11-01 (25 h): 01:30 EDT and 01:30 EST are the same local day, the next starts at 05:00Z', () => {
      const result = plan({
        publishing: { timezone: 'America/New_York', max_per_day: 2 },
        existing: [booking('midnight', '2026-11-01T04:00:00Z'), booking('edt', '2026-11-01T05:30:00Z')],
        requests: [req('est', '2026-11-01T06:30:00Z')],
      });
      expect(scheduled(result)).toEqual({ est: '2026-11-02T05:00:00Z' });
    });

    it('a booking in the last hour of a 25-hour day does not count on the next day', () => {
      const result = plan({
        publishing: { timezone: 'Europe/Paris', max_per_day: 1 },
        existing: [booking('late', '2026-10-25T22:30:00Z')], // 23:30 CET, Oct 25
        requests: [req('p', '2026-10-25T23:00:00Z')], // 00:00 CET, Oct 26
      });
      expect(scheduled(result)).toEqual({ p: '2026-10-25T23:00:00Z' });
      expect(result.conflicts).toEqual([]);
    });
  });

  describe("timing 'independent'", () => {
    it('Europe/Paris 2026-03-29: slot 02:30 does not exist and fires at 03:30 CEST', () => {
      const result = plan({
        timing: 'independent',
        publishing: { timezone: 'Europe/Paris', slots: ['02:30', '09:00'] },
        requests: [req('p', '2026-03-29T00:00:00Z')],
      });
      expect(scheduled(result)).toEqual({ p: '2026-03-29T01:30:00Z' });
    });

    it('Europe/Paris 2026-03-29: slots are taken in instant order (03:00 before the shifted 02:30)', () => {
      const result = plan({
        timing: 'independent',
        publishing: { timezone: 'Europe/Paris', slots: ['02:30', '03:00'], min_gap_minutes: 1 },
        requests: [req('p1', '2026-03-29T00:00:00Z', 0), req('p2', '2026-03-29T00:00:00Z', 1)],
      });
      expect(scheduled(result)).toEqual({ p1: '2026-03-29T01:00:00Z', p2: '2026-03-29T01:30:00Z' });
    });

    it('Europe/Paris 2026-10-25: a repeated slot fires at its first occurrence only', () => {
      const first = plan({
        timing: 'independent',
        publishing: { timezone: 'Europe/Paris', slots: ['02:30'] },
        requests: [req('p', '2026-10-25T00:00:00Z')],
      });
      expect(scheduled(first)).toEqual({ p: '2026-10-25T00:30:00Z' });
      // After the first 02:30 (CEST) has passed, the second one (CET) is not a slot: the next is tomorrow's.
      const after = plan({
        timing: 'independent',
        publishing: { timezone: 'Europe/Paris', slots: ['02:30'] },
        requests: [req('p', '2026-10-25T00:45:00Z')],
      });
      expect(scheduled(after)).toEqual({ p: '2026-10-26T01:30:00Z' });
    });

    it('America/New_York 2026-03-08 and 2026-11-01: slots in the gap and the repeated hour', () => {
      const spring = plan({
        timing: 'independent',
        publishing: { timezone: 'America/New_York', slots: ['02:30'] },
        requests: [req('p', '2026-03-08T00:00:00Z')],
      });
      expect(scheduled(spring)).toEqual({ p: '2026-03-08T07:30:00Z' });
      const fall = plan({
        timing: 'independent',
        publishing: { timezone: 'America/New_York', slots: ['01:30'] },
        requests: [req('p', '2026-11-01T00:00:00Z')],
      });
      expect(scheduled(fall)).toEqual({ p: '2026-11-01T05:30:00Z' });
    });

    it('America/New_York 2026-11-01: a full 25-hour day sends the slot search to the next day', () => {
      const result = plan({
        timing: 'independent',
        publishing: { timezone: 'America/New_York', slots: ['01:30', '23:30'], max_per_day: 1 },
        existing: [booking('x', '2026-11-02T04:30:00Z')], // 23:30 EST, Nov 1
        requests: [req('p', '2026-11-01T04:00:00Z')], // 00:00 EDT, Nov 1
      });
      expect(scheduled(result)).toEqual({ p: '2026-11-02T06:30:00Z' }); // 01:30 EST, Nov 2
    });

    it('picks each channel’s next slot in its own zone', () => {
      const request = [req('p', '2026-01-15T12:00:00Z')];
      const tokyo = plan({ timing: 'independent', publishing: { timezone: 'Asia/Tokyo', slots: ['09:00'] }, requests: request });
      const losAngeles = plan({ timing: 'independent', publishing: { timezone: 'America/Los_Angeles', slots: ['09:00'] }, requests: request });
      expect(scheduled(tokyo)).toEqual({ p: '2026-01-16T00:00:00Z' }); // 21:00 JST now: tomorrow 09:00 JST
      expect(scheduled(losAngeles)).toEqual({ p: '2026-01-15T17:00:00Z' }); // 04:00 PST now: today 09:00 PST
    });

    it('skips booked and too-close slots and full days, recording no conflict', () => {
      const result = plan({
        timing: 'independent',
        publishing: { slots: ['09:00', '09:30', '18:00'], min_gap_minutes: 60, max_per_day: 2 },
        existing: [booking('x', '2026-05-01T09:00:00Z')],
        requests: [req('p1', '2026-05-01T08:00:00Z', 0), req('p2', '2026-05-01T08:00:00Z', 1), req('p3', '2026-05-01T08:00:00Z', 2)],
      });
      // 09:30 is within 60 min of 09:00; 18:00 fills the day; p3 goes to tomorrow's first slot.
      expect(scheduled(result)).toEqual({ p1: '2026-05-01T18:00:00Z', p2: '2026-05-02T09:00:00Z', p3: '2026-05-02T18:00:00Z' });
      expect(result.conflicts).toEqual([]);
    });

    it('gives each publication its own slot even with no gap and no cap (a booked slot is taken)', () => {
      const result = plan({
        timing: 'independent',
        publishing: { slots: ['09:00'] },
        existing: [booking('x', '2026-05-01T09:00:00Z')],
        requests: [req('p1', '2026-05-01T08:00:00Z', 0), req('p2', '2026-05-01T08:00:00Z', 1)],
      });
      expect(scheduled(result)).toEqual({ p1: '2026-05-02T09:00:00Z', p2: '2026-05-03T09:00:00Z' });
    });

    it('accepts a slot exactly at the requested time and skips earlier ones', () => {
      const exact = plan({ timing: 'independent', publishing: { slots: ['08:00', '12:00'] }, requests: [req('p', '2026-05-01T12:00:00Z')] });
      expect(scheduled(exact)).toEqual({ p: '2026-05-01T12:00:00Z' });
    });

    it('without slots takes the earliest free instant, with no conflict', () => {
      const result = plan({ timing: 'independent', publishing: { min_gap_minutes: 60 }, existing: [booking('x', T)], requests: [req('p', T)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
      expect(result.conflicts).toEqual([]);
    });

    it('ignores the policy: reject and preempt place on free slots too', () => {
      for (const policy of ['reject', 'preempt'] as const) {
        const result = plan({
          timing: 'independent',
          policy,
          priority: 9,
          publishing: { slots: ['09:00', '10:00'], min_gap_minutes: 30 },
          existing: [booking('x', '2026-05-01T09:00:00Z', 0)],
          requests: [req('p', '2026-05-01T08:00:00Z')],
        });
        expect(scheduled(result)).toEqual({ p: '2026-05-01T10:00:00Z' });
        expect(result).toMatchObject({ conflicts: [], moves: [], rejected: false });
      }
    });

    it('reports no_free_time when no slot is free before the horizon', () => {
      const result = plan({
        timing: 'independent',
        publishing: { slots: ['09:00'] },
        horizonMs: 60 * MINUTE,
        requests: [req('p', '2026-05-01T10:00:00Z')],
      });
      expect(result.placements).toEqual([]);
      expect(result.conflicts).toEqual([
        expect.objectContaining({ publication_id: 'p', reason: 'no_free_time', conflicting_publication_id: null, resolution: 'rejected' }),
      ]);
      expect(result.rejected).toBe(true);
    });
  });

  describe("policy 'reject'", () => {
    it('lists every conflict, including among the call’s own publications, and books nothing for them', () => {
      const result = plan({
        policy: 'reject',
        publishing: { min_gap_minutes: 60 },
        existing: [booking('x', T)],
        requests: [req('p1', T, 0), req('p2', T + 120 * MINUTE, 1), req('p3', T + 130 * MINUTE, 2)],
      });
      expect(scheduled(result)).toEqual({ p2: '2026-05-01T12:00:00Z' });
      expect(result.conflicts.map((c) => [c.publication_id, c.reason, c.conflicting_publication_id, c.resolution])).toEqual([
        ['p1', 'min_gap', 'x', 'rejected'],
        ['p3', 'min_gap', 'p2', 'rejected'],
      ]);
      expect(result.bookings.map((b) => b.publication_id)).toEqual(['x', 'p2']);
      expect(result.rejected).toBe(true);
    });

    it('rejects on a full local day', () => {
      const result = plan({ policy: 'reject', publishing: { max_per_day: 1 }, existing: [booking('x', T)], requests: [req('p', T + 300 * MINUTE)] });
      expect(result.conflicts).toEqual([
        expect.objectContaining({ reason: 'max_per_day', conflicting_publication_id: null, resolution: 'rejected' }),
      ]);
      expect(result.placements).toEqual([]);
    });

    it('is not rejected when nothing conflicts', () => {
      const result = plan({
        policy: 'reject',
        publishing: { min_gap_minutes: 60 },
        existing: [booking('x', T)],
        requests: [req('p', T + 60 * MINUTE)],
      });
      expect(result.rejected).toBe(false);
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
    });
  });

  describe("policy 'preempt'", () => {
    it('takes the requested time and moves a lower-priority booking by the shift rule', () => {
      const result = plan({
        policy: 'preempt',
        priority: 5,
        publishing: { min_gap_minutes: 60 },
        existing: [booking('low', T, 2)],
        requests: [req('p', T)],
      });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T10:00:00Z' });
      expect(result.moves).toEqual([{ publication_id: 'low', from: T, to: T + 60 * MINUTE }]);
      expect(result.conflicts).toEqual([expect.objectContaining({ reason: 'min_gap', conflicting_publication_id: 'low', resolution: 'preempted' })]);
      expect(result.bookings).toEqual([booking('p', T, 5), booking('low', T + 60 * MINUTE, 2)]);
      expect(result.rejected).toBe(false);
    });

    it('does not move a booking of equal priority: the new one shifts', () => {
      const result = plan({
        policy: 'preempt',
        priority: 5,
        publishing: { min_gap_minutes: 60 },
        existing: [booking('same', T, 5)],
        requests: [req('p', T)],
      });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
      expect(result.moves).toEqual([]);
      expect(result.conflicts[0]?.resolution).toBe('shifted');
    });

    it('shifts instead when any one of several obstacles outranks the request', () => {
      const existing = [booking('low', T - 30 * MINUTE, 1), booking('high', T + 30 * MINUTE, 9)];
      const result = plan({ policy: 'preempt', priority: 5, publishing: { min_gap_minutes: 60 }, existing, requests: [req('p', T)] });
      expect(result.moves).toEqual([]);
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:30:00Z' });
    });

    it('never moves a booking at or before preemptibleAfter', () => {
      const input = {
        policy: 'preempt' as const,
        priority: 9,
        publishing: { min_gap_minutes: 60 },
        existing: [booking('soon', T, 0)],
        requests: [req('p', T)],
      };
      const firing = plan({ ...input, preemptibleAfter: T });
      expect(firing.moves).toEqual([]);
      expect(scheduled(firing)).toEqual({ p: '2026-05-01T11:00:00Z' });
      const movable = plan({ ...input, preemptibleAfter: T - 1000 });
      expect(movable.moves).toEqual([{ publication_id: 'soon', from: T, to: T + 60 * MINUTE }]);
    });

    it('moves every displaced booking somewhere conflict-free, the new one included', () => {
      const existing = [booking('low1', T, 1), booking('low2', T + 60 * MINUTE, 1), booking('keep', T + 240 * MINUTE, 9)];
      const result = plan({ policy: 'preempt', priority: 5, publishing: { min_gap_minutes: 60 }, existing, requests: [req('p', T + 30 * MINUTE)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T10:30:00Z' });
      expect(result.moves).toEqual([
        { publication_id: 'low1', from: T, to: T + 90 * MINUTE },
        { publication_id: 'low2', from: T + 60 * MINUTE, to: T + 150 * MINUTE },
      ]);
      const times = result.bookings.map((b) => b.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(60 * MINUTE);
    });

    it('on a full day displaces the lowest-priority, latest movable booking', () => {
      const existing = [booking('a', '2026-05-01T08:00:00Z', 3), booking('b', '2026-05-01T10:00:00Z', 1), booking('c', '2026-05-01T14:00:00Z', 1)];
      const result = plan({ policy: 'preempt', priority: 5, publishing: { max_per_day: 3 }, existing, requests: [req('p', '2026-05-01T12:00:00Z')] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T12:00:00Z' });
      expect(result.moves).toEqual([{ publication_id: 'c', from: at('2026-05-01T14:00:00Z'), to: at('2026-05-02T00:00:00Z') }]);
      expect(result.conflicts).toEqual([
        expect.objectContaining({ reason: 'max_per_day', conflicting_publication_id: null, resolution: 'preempted' }),
      ]);
    });

    it('on a full day with no lower-priority booking shifts the new one to the next day', () => {
      const existing = [booking('a', '2026-05-01T08:00:00Z', 5), booking('b', '2026-05-01T10:00:00Z', 7)];
      const result = plan({ policy: 'preempt', priority: 5, publishing: { max_per_day: 2 }, existing, requests: [req('p', '2026-05-01T12:00:00Z')] });
      expect(result.moves).toEqual([]);
      expect(scheduled(result)).toEqual({ p: '2026-05-02T00:00:00Z' });
    });

    it('never moves the call’s own new bookings (they share its priority)', () => {
      const result = plan({ policy: 'preempt', priority: 9, publishing: { min_gap_minutes: 60 }, requests: [req('p1', T, 0), req('p2', T, 1)] });
      expect(scheduled(result)).toEqual({ p1: '2026-05-01T10:00:00Z', p2: '2026-05-01T11:00:00Z' });
      expect(result.moves).toEqual([]);
      expect(result.conflicts).toEqual([expect.objectContaining({ publication_id: 'p2', conflicting_publication_id: 'p1', resolution: 'shifted' })]);
    });

    it('reports one move per booking even when two requests displace it in turn', () => {
      const result = plan({
        policy: 'preempt',
        priority: 5,
        publishing: { min_gap_minutes: 60 },
        existing: [booking('low', T, 1)],
        requests: [req('p1', T, 0), req('p2', T + 60 * MINUTE, 1)],
      });
      expect(scheduled(result)).toEqual({ p1: '2026-05-01T10:00:00Z', p2: '2026-05-01T11:00:00Z' });
      expect(result.moves).toEqual([{ publication_id: 'low', from: T, to: T + 120 * MINUTE }]);
    });

    it('leaves everything in place and shifts when a displaced booking would find no time before the horizon', () => {
      const result = plan({
        policy: 'preempt',
        priority: 5,
        horizonMs: 30 * MINUTE,
        publishing: { min_gap_minutes: 60 },
        existing: [booking('low', T, 1)],
        requests: [req('p', T)],
      });
      expect(result.moves).toEqual([]);
      expect(result.bookings).toEqual([booking('low', T, 1)]);
      expect(result.conflicts).toEqual([expect.objectContaining({ reason: 'no_free_time', resolution: 'rejected' })]);
      expect(result.rejected).toBe(true);
    });
  });

  describe('horizon', () => {
    it('reports no_free_time, places nothing and rejects when shift finds nothing free in time', () => {
      const existing = [booking('x1', T), booking('x2', T + 60 * MINUTE), booking('x3', T + 120 * MINUTE), booking('x4', T + 180 * MINUTE)];
      const result = plan({ publishing: { min_gap_minutes: 60 }, horizonMs: 120 * MINUTE, existing, requests: [req('p', T)] });
      expect(result.placements).toEqual([]);
      expect(result.conflicts).toEqual([
        expect.objectContaining({ publication_id: 'p', reason: 'no_free_time', conflicting_publication_id: null, resolution: 'rejected' }),
      ]);
      expect(result.rejected).toBe(true);
      expect(result.bookings).toHaveLength(4);
    });

    it('accepts a free instant exactly at the horizon', () => {
      const result = plan({ publishing: { min_gap_minutes: 60 }, horizonMs: 60 * MINUTE, existing: [booking('x', T)], requests: [req('p', T)] });
      expect(scheduled(result)).toEqual({ p: '2026-05-01T11:00:00Z' });
    });
  });

  describe('ordering and instants', () => {
    it('places requests by (requested_at, order), whatever order they come in', () => {
      const result = plan({ publishing: { min_gap_minutes: 60 }, requests: [req('second', T, 1), req('later', T + MINUTE, 0), req('first', T, 0)] });
      expect(scheduled(result)).toEqual({ first: '2026-05-01T10:00:00Z', second: '2026-05-01T11:00:00Z', later: '2026-05-01T12:00:00Z' });
      expect(result.placements.map((p) => p.publication_id)).toEqual(['first', 'second', 'later']);
    });

    it('rounds a requested time up to the next whole second', () => {
      const result = plan({ requests: [req('p', T + 1)] });
      expect(result.placements[0]?.scheduled_at).toBe(T + 1000);
      expect(result.placements[0]?.requested_at).toBe(T + 1);
    });

    it('never plans before now: a requested time in the past starts at now', () => {
      const result = plan({ now: T + 500, requests: [req('p', T - 60 * MINUTE)] });
      expect(result.placements[0]?.scheduled_at).toBe(T + 1000);
      expect(result.conflicts).toEqual([]);
    });

    it('returns the full booking set sorted by time: existing, moved and new', () => {
      const result = plan({
        policy: 'preempt',
        publishing: { min_gap_minutes: 10 },
        existing: [booking('late', T + 120 * MINUTE, 5), booking('low', T, 1)],
        requests: [req('p', T)],
      });
      expect(result.bookings.map((b) => [b.publication_id, iso(b.at)])).toEqual([
        ['p', '2026-05-01T10:00:00Z'],
        ['low', '2026-05-01T10:10:00Z'],
        ['late', '2026-05-01T12:00:00Z'],
      ]);
    });

    it('gives the same plan for the same input and leaves the input untouched', () => {
      const input = {
        publishing: { min_gap_minutes: 30, max_per_day: 3, timezone: 'Europe/Paris' },
        policy: 'preempt' as const,
        existing: [booking('b', T, 1), booking('a', T, 1), booking('c', T + 20 * MINUTE, 7)],
        requests: [req('p2', T, 1), req('p1', T, 0), req('p3', T + 5 * MINUTE, 2)],
      };
      const snapshot = structuredClone(input);
      expect(plan(input)).toEqual(plan(structuredClone(input)));
      expect(input).toEqual(snapshot);
    });
  });
});
