import { describe, expect, it } from 'vitest';
import type { PublishingRules } from '#shared/domain/channel';
import { ChannelBookings } from '#shared/domain/planner/channel-bookings';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;
const LIMIT = at('2027-01-01T00:00:00Z');

function bookings(overrides: Partial<PublishingRules>): ChannelBookings {
  return new ChannelBookings({ timezone: 'UTC', slots: [], min_gap_minutes: 0, max_per_day: null, ...overrides });
}

describe('ChannelBookings', () => {
  describe('earliestFreeFrom', () => {
    it('finds time freed by a removal inside a span an earlier search proved busy', () => {
      const channel = bookings({ min_gap_minutes: 60 });
      const blocker = channel.add({ publication_id: 'a', at: at('2026-05-01T10:00:00Z'), priority: 1 }, true);
      expect(channel.earliestFreeFrom(at('2026-05-01T09:30:00Z'), LIMIT)).toBe(at('2026-05-01T11:00:00Z'));
      channel.remove(blocker);
      expect(channel.earliestFreeFrom(at('2026-05-01T09:30:00Z'), LIMIT)).toBe(at('2026-05-01T09:30:00Z'));
    });

    it('finds a day freed by a removal from a full day an earlier search skipped', () => {
      const channel = bookings({ max_per_day: 1 });
      const only = channel.add({ publication_id: 'a', at: at('2026-05-01T10:00:00Z'), priority: 1 }, true);
      expect(channel.earliestFreeFrom(at('2026-05-01T08:00:00Z'), LIMIT)).toBe(at('2026-05-02T00:00:00Z'));
      channel.remove(only);
      expect(channel.earliestFreeFrom(at('2026-05-01T08:00:00Z'), LIMIT)).toBe(at('2026-05-01T08:00:00Z'));
    });

    it('still honours what was added after an earlier search', () => {
      const channel = bookings({ min_gap_minutes: 30 });
      channel.add({ publication_id: 'a', at: at('2026-05-01T10:00:00Z'), priority: 1 }, true);
      expect(channel.earliestFreeFrom(at('2026-05-01T10:00:00Z'), LIMIT)).toBe(at('2026-05-01T10:30:00Z'));
      channel.add({ publication_id: 'b', at: at('2026-05-01T10:30:00Z'), priority: 1 }, true);
      expect(channel.earliestFreeFrom(at('2026-05-01T10:00:00Z'), LIMIT)).toBe(at('2026-05-01T11:00:00Z'));
    });

    it('gives null past the limit', () => {
      const channel = bookings({ min_gap_minutes: 30 });
      channel.add({ publication_id: 'a', at: at('2026-05-01T10:00:00Z'), priority: 1 }, true);
      expect(channel.earliestFreeFrom(at('2026-05-01T10:00:00Z'), at('2026-05-01T10:29:59Z'))).toBeNull();
    });
  });

  describe('nextFreeSlot', () => {
    it('finds a slot freed by a removal after an earlier search proved it taken', () => {
      const channel = bookings({ slots: ['09:00', '18:00'], min_gap_minutes: 60 });
      const blocker = channel.add({ publication_id: 'a', at: at('2026-05-01T09:00:00Z'), priority: 1 }, true);
      expect(channel.nextFreeSlot(at('2026-05-01T08:00:00Z'), LIMIT)).toBe(at('2026-05-01T18:00:00Z'));
      channel.remove(blocker);
      expect(channel.nextFreeSlot(at('2026-05-01T08:00:00Z'), LIMIT)).toBe(at('2026-05-01T09:00:00Z'));
    });

    it('jumps over days an earlier search proved full without missing the first free slot after them', () => {
      const channel = bookings({ slots: ['09:00'], max_per_day: 1 });
      for (let day = 1; day <= 5; day++) channel.add({ publication_id: `d${day}`, at: at(`2026-05-0${day}T09:00:00Z`), priority: 1 }, true);
      expect(channel.nextFreeSlot(at('2026-05-01T00:00:00Z'), LIMIT)).toBe(at('2026-05-06T09:00:00Z'));
      channel.add({ publication_id: 'd6', at: at('2026-05-06T09:00:00Z'), priority: 1 }, true);
      expect(channel.nextFreeSlot(at('2026-05-02T00:00:00Z'), LIMIT)).toBe(at('2026-05-07T09:00:00Z'));
    });
  });

  describe('firstObstacle', () => {
    it('names the nearest booking within the gap before a full day', () => {
      const channel = bookings({ min_gap_minutes: 60, max_per_day: 1 });
      channel.add({ publication_id: 'a', at: at('2026-05-01T10:00:00Z'), priority: 1 }, true);
      expect(channel.firstObstacle(at('2026-05-01T10:30:00Z'))).toMatchObject({ reason: 'min_gap', booking: { publication_id: 'a' } });
      expect(channel.firstObstacle(at('2026-05-01T12:00:00Z'))).toMatchObject({ reason: 'max_per_day' });
      expect(channel.firstObstacle(at('2026-05-02T10:30:00Z'))).toBeNull();
      expect(channel.firstObstacle(at('2026-05-01T11:00:00Z') + 59 * MINUTE)).toMatchObject({ reason: 'max_per_day' });
    });
  });
});
