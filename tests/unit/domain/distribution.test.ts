import { describe, expect, it } from 'vitest';
import type { ChannelFilters } from '#shared/domain/channel';
import { freeSlotsWithin, matchesFilters, planDistribution, SCHEDULE_WINDOW_MS, type DistributionChannel } from '#shared/domain/distribution';

const NO_FILTER: ChannelFilters = { tags_any: [], tags_none: [], languages: [], categories: [], min_duration_seconds: null, max_duration_seconds: null };
const filters = (overrides: Partial<ChannelFilters>): ChannelFilters => ({ ...NO_FILTER, ...overrides });
const video = (video_id: string, overrides: Partial<{ tags: string[]; language: string | null; category: string | null; duration_seconds: number | null }> = {}) => ({
  video_id,
  tags: ['cooking'],
  language: 'fr',
  category: 'food',
  duration_seconds: 300,
  ...overrides,
});
const channel = (channel_id: string, f: ChannelFilters | null, capacity = 100, priority = 5): DistributionChannel => ({ channel_id, priority, filters: f, capacity });

describe('Function: matchesFilters', () => {
  it.each([
    ['empty filters take everything', filters({}), {}, true],
    ['tags_any needs one shared tag, whatever the case', filters({ tags_any: ['Travel', 'COOKING'] }), {}, true],
    ['tags_any without a shared tag refuses', filters({ tags_any: ['travel'] }), {}, false],
    ['tags_none refuses a video carrying one', filters({ tags_none: ['cooking'] }), {}, false],
    ['languages must hold the video language', filters({ languages: ['en'] }), {}, false],
    ['a video without a language fails a language filter', filters({ languages: ['fr'] }), { language: null }, false],
    ['categories must hold the video category', filters({ categories: ['Food'] }), {}, true],
    ['below min_duration_seconds refuses', filters({ min_duration_seconds: 301 }), {}, false],
    ['at the bounds matches', filters({ min_duration_seconds: 300, max_duration_seconds: 300 }), {}, true],
    ['above max_duration_seconds refuses', filters({ max_duration_seconds: 299 }), {}, false],
    ['an unknown duration fails a duration bound', filters({ max_duration_seconds: 600 }), { duration_seconds: null }, false],
  ] as const)('%s', (_what, f, overrides, expected) => {
    expect(matchesFilters(video('v', overrides), f)).toBe(expected);
  });
});

describe('Function: planDistribution', () => {
  it('gives a video to every matching filtered channel, and what no filter took to a channel without filters', () => {
    // Prepare
    const channels = [channel('fr', filters({ languages: ['fr'] })), channel('food', filters({ categories: ['food'] })), channel('en', filters({ languages: ['en'] })), channel('any', null, 3)];
    // Act
    const plan = planDistribution({ videos: [video('v1'), video('v2', { language: 'de', category: 'news' })], channels, alreadyOn: new Map(), maxAssignments: 100 });
    // Assess
    expect(plan.assignments).toEqual([
      { video_id: 'v1', channel_id: 'food', reason: 'filters' },
      { video_id: 'v1', channel_id: 'fr', reason: 'filters' },
      { video_id: 'v2', channel_id: 'any', reason: 'schedule' },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it('never gives a video to a channel it is already on, nor twice to one channel', () => {
    const plan = planDistribution({
      videos: [video('v1'), video('v1b')],
      channels: [channel('fr', filters({ languages: ['fr'] })), channel('any', null)],
      alreadyOn: new Map([['v1', new Set(['fr', 'any'])]]),
      maxAssignments: 100,
    });
    expect(plan.assignments).toEqual([{ video_id: 'v1b', channel_id: 'fr', reason: 'filters' }]);
    expect(plan.skipped).toEqual([
      { video_id: 'v1', reason: 'already_on_channel', channel_id: 'fr' },
      { video_id: 'v1', reason: 'already_on_channel', channel_id: null },
    ]);
    const pairs = plan.assignments.map((a) => `${a.video_id}/${a.channel_id}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('fills channels without filters evenly up to their free slots, then skips with no_free_slot', () => {
    const plan = planDistribution({
      videos: ['a', 'b', 'c', 'd', 'e'].map((id) => video(id)),
      channels: [channel('s1', null, 2), channel('s2', null, 2)],
      alreadyOn: new Map(),
      maxAssignments: 100,
    });
    expect(plan.assignments.map((a) => `${a.video_id}>${a.channel_id}`)).toEqual(['a>s1', 'b>s2', 'c>s1', 'd>s2']);
    expect(plan.assignments.every((a) => a.reason === 'schedule')).toBe(true);
    expect(plan.skipped).toEqual([{ video_id: 'e', reason: 'no_free_slot', channel_id: null }]);
  });

  it('keeps a filtered channel within its capacity, and the call within maxAssignments', () => {
    const full = planDistribution({ videos: [video('a'), video('b')], channels: [channel('fr', filters({}), 1)], alreadyOn: new Map(), maxAssignments: 100 });
    expect(full.assignments).toHaveLength(1);
    expect(full.skipped).toEqual([
      { video_id: 'b', reason: 'no_free_slot', channel_id: 'fr' },
      { video_id: 'b', reason: 'no_free_slot', channel_id: null },
    ]);
    const capped = planDistribution({ videos: [video('a'), video('b')], channels: [channel('x', filters({})), channel('y', filters({}))], alreadyOn: new Map(), maxAssignments: 3 });
    expect(capped.assignments).toHaveLength(3);
    expect(capped.skipped).toEqual([]);
    const none = planDistribution({ videos: [video('a'), video('b')], channels: [channel('x', filters({}))], alreadyOn: new Map(), maxAssignments: 1 });
    expect(none.skipped).toEqual([{ video_id: 'b', reason: 'publication_limit', channel_id: null }]);
  });

  it('says no_matching_channel when no filter matches and no channel takes videos by schedule', () => {
    const plan = planDistribution({ videos: [video('a')], channels: [channel('en', filters({ languages: ['en'] }))], alreadyOn: new Map(), maxAssignments: 10 });
    expect(plan).toEqual({ assignments: [], skipped: [{ video_id: 'a', reason: 'no_matching_channel', channel_id: null }] });
  });

  it('serves higher-priority filtered channels first', () => {
    const plan = planDistribution({
      videos: [video('a')],
      channels: [channel('low', filters({}), 10, 1), channel('high', filters({}), 10, 9)],
      alreadyOn: new Map(),
      maxAssignments: 1,
    });
    expect(plan.assignments).toEqual([{ video_id: 'a', channel_id: 'high', reason: 'filters' }]);
  });
});

describe('Function: freeSlotsWithin', () => {
  const NOW = Date.parse('2026-06-01T06:00:00Z');
  const paris = { timezone: 'UTC', slots: ['09:00', '12:00', '18:00'], min_gap_minutes: 60, max_per_day: 2 };

  it('counts the slots of the next 24 h that keep the daily cap: two today, none left tomorrow morning before 06:00', () => {
    expect(freeSlotsWithin({ channel_id: 'c', priority: 5, publishing: paris }, [], NOW, SCHEDULE_WINDOW_MS, 24)).toBe(2);
  });

  it('leaves out slots a booking already holds, or that its gap covers', () => {
    const booked = [{ publication_id: 'p1', at: Date.parse('2026-06-01T09:30:00Z'), priority: 5 }];
    // 09:00 is within the 60-minute gap of 09:30; 12:00 is free; the cap (2) then holds 18:00 back.
    expect(freeSlotsWithin({ channel_id: 'c', priority: 5, publishing: paris }, booked, NOW, SCHEDULE_WINDOW_MS, 24)).toBe(1);
  });

  it('never counts more than asked', () => {
    const everyHour = { timezone: 'UTC', slots: Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:30`), min_gap_minutes: 0, max_per_day: null };
    expect(freeSlotsWithin({ channel_id: 'c', priority: 5, publishing: everyHour }, [], NOW, SCHEDULE_WINDOW_MS, 5)).toBe(5);
  });
});
