import { describe, expect, it } from 'vitest';
import type { PublishingRules } from '#shared/domain/channel';
import { channelsInPriorityOrder, requestedTimes, type PlanChannel, type TimingRequest } from '#shared/domain/planner/index';

const BASE = Date.parse('2026-05-01T10:00:00Z');
const RULES: PublishingRules = { timezone: 'UTC', slots: [], min_gap_minutes: 0, max_per_day: null };
const channel = (channel_id: string, priority: number): PlanChannel => ({ channel_id, priority, publishing: RULES });

function request(overrides: Partial<TimingRequest>): TimingRequest {
  return {
    timing: 'simultaneous',
    base: BASE,
    delaySeconds: null,
    staggerBy: 'video',
    videoIds: ['v1'],
    channels: [channel('a', 5)],
    ...overrides,
  };
}

/** `channel/video → seconds after BASE`, the shape the rules are stated in. */
function offsets(req: TimingRequest): Record<string, number> {
  return Object.fromEntries(requestedTimes(req).map((r) => [`${r.channel_id}/${r.video_id}`, (r.requested_at - BASE) / 1000]));
}

describe('channelsInPriorityOrder', () => {
  it('orders by priority, higher first, then by request order', () => {
    const ordered = channelsInPriorityOrder([channel('low', 1), channel('hi1', 7), channel('mid', 4), channel('hi2', 7)]);
    expect(ordered.map((c) => c.channel_id)).toEqual(['hi1', 'hi2', 'mid', 'low']);
  });
});

describe('requestedTimes', () => {
  it('simultaneous: every pair at base', () => {
    const result = offsets(request({ videoIds: ['v1', 'v2'], channels: [channel('a', 1), channel('b', 2)] }));
    expect(result).toEqual({ 'a/v1': 0, 'a/v2': 0, 'b/v1': 0, 'b/v2': 0 });
  });

  it('independent: every pair at base (placement finds the slots)', () => {
    const result = offsets(request({ timing: 'independent', videoIds: ['v1', 'v2'], channels: [channel('a', 1), channel('b', 2)] }));
    expect(result).toEqual({ 'a/v1': 0, 'a/v2': 0, 'b/v1': 0, 'b/v2': 0 });
  });

  it('staggered single video: channel i by priority then request order at base + i × delay', () => {
    const result = offsets(
      request({
        timing: 'staggered',
        delaySeconds: 600,
        channels: [channel('a', 1), channel('b', 5), channel('c', 5), channel('d', 0)],
      }),
    );
    expect(result).toEqual({ 'b/v1': 0, 'c/v1': 600, 'a/v1': 1200, 'd/v1': 1800 });
  });

  it('staggered single video: stagger_by video behaves as by channel', () => {
    const channels = [channel('a', 1), channel('b', 5)];
    const byVideo = requestedTimes(request({ timing: 'staggered', delaySeconds: 60, staggerBy: 'video', channels }));
    const byChannel = requestedTimes(request({ timing: 'staggered', delaySeconds: 60, staggerBy: 'channel', channels }));
    expect(byVideo).toEqual(byChannel);
  });

  it('staggered by video: video k on every channel at base + k × delay', () => {
    const result = offsets(
      request({
        timing: 'staggered',
        delaySeconds: 300,
        staggerBy: 'video',
        videoIds: ['v1', 'v2', 'v3'],
        channels: [channel('a', 1), channel('b', 9)],
      }),
    );
    expect(result).toEqual({ 'a/v1': 0, 'b/v1': 0, 'a/v2': 300, 'b/v2': 300, 'a/v3': 600, 'b/v3': 600 });
  });

  it('staggered by channel: channel i in priority order at base + i × delay for every video', () => {
    const result = offsets(
      request({
        timing: 'staggered',
        delaySeconds: 300,
        staggerBy: 'channel',
        videoIds: ['v1', 'v2'],
        channels: [channel('a', 1), channel('b', 9), channel('c', 1)],
      }),
    );
    expect(result).toEqual({ 'b/v1': 0, 'b/v2': 0, 'a/v1': 300, 'a/v2': 300, 'c/v1': 600, 'c/v2': 600 });
  });

  it('numbers order as channel rank × video count + video index and lists pairs in that order', () => {
    const result = requestedTimes(request({ videoIds: ['v1', 'v2', 'v3'], channels: [channel('a', 1), channel('b', 9)] }));
    expect(result.map((r) => [r.channel_id, r.video_id, r.order])).toEqual([
      ['b', 'v1', 0],
      ['b', 'v2', 1],
      ['b', 'v3', 2],
      ['a', 'v1', 3],
      ['a', 'v2', 4],
      ['a', 'v3', 5],
    ]);
  });

  it('rounds a computed time up to the next whole second', () => {
    const [only] = requestedTimes(request({ base: BASE + 1 }));
    expect(only?.requested_at).toBe(BASE + 1000);
    const staggered = requestedTimes(request({ timing: 'staggered', delaySeconds: 0.25, channels: [channel('a', 2), channel('b', 1)] }));
    expect(staggered.map((r) => r.requested_at - BASE)).toEqual([0, 1000]);
  });

  it('ignores delaySeconds unless staggered', () => {
    expect(offsets(request({ delaySeconds: 600, videoIds: ['v1', 'v2'] }))).toEqual({ 'a/v1': 0, 'a/v2': 0 });
  });

  it('refuses a staggered request without a delay (a caller bug, not user input)', () => {
    expect(() => requestedTimes(request({ timing: 'staggered', delaySeconds: null }))).toThrow(RangeError);
  });
});
