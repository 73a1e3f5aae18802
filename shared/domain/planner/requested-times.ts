import type { StaggerBy, Timing } from '#shared/domain/coordination';
import type { PlanChannel } from '#shared/domain/planner/plan-channel';
import { ceilToWholeSecond } from '#shared/domain/planner/whole-seconds';

/** Step 1 input: one coordination or wave, before any channel's bookings are looked at. */
export interface TimingRequest {
  timing: Timing;
  /** scheduled_at, or now when the request gave none (epoch ms). */
  base: number;
  /** Seconds between waves; required for 'staggered' (validated by the caller), ignored otherwise. */
  delaySeconds: number | null;
  /** 'video' (default) or 'channel'; a single video staggers across channels either way. */
  staggerBy: StaggerBy;
  /** In request order. */
  videoIds: string[];
  /** In request order. */
  channels: PlanChannel[];
}

/** When one video was asked to go out on one channel, before conflicts move it. */
export interface RequestedPublication {
  video_id: string;
  channel_id: string;
  /** Epoch ms, whole seconds. */
  requested_at: number;
  /**
   * Stable global index, used to break ties between equal requested times:
   * `channelRank × videoIds.length + videoIndex`, where channelRank is the
   * channel's position in {@link channelsInPriorityOrder}. Within one channel it
   * is the video's request order; across channels, higher-priority channels first.
   */
  order: number;
}

/**
 * The channels ordered by priority (higher first), then by request order: the
 * order a staggered coordination publishes in and the order ties are broken in.
 */
export function channelsInPriorityOrder<C extends Pick<PlanChannel, 'priority'>>(channels: readonly C[]): C[] {
  return channels
    .map((channel, index) => ({ channel, index }))
    .sort((a, b) => b.channel.priority - a.channel.priority || a.index - b.index)
    .map(({ channel }) => channel);
}

/**
 * Step 1: the requested time of every (video, channel) pair, before conflicts.
 *
 * - simultaneous and independent: every pair at `base` (independent placement
 *   then moves each to its channel's next free slot).
 * - staggered by video: video k (request order) on every channel at base + k × delay.
 * - staggered by channel, or any staggered request of exactly one video
 *   (coordinate-publication, SPEC "Coordination"): channel i in priority order
 *   at base + i × delay, for every video.
 *
 * The result lists every pair once, sorted by `order` (channels in priority
 * order, each with its videos in request order).
 * @throws RangeError when a staggered request has no delay (the caller validates that).
 */
export function requestedTimes(request: TimingRequest): RequestedPublication[] {
  const { timing, base, videoIds } = request;
  const channels = channelsInPriorityOrder(request.channels);
  let delayMs = 0;
  if (timing === 'staggered') {
    if (request.delaySeconds === null || !Number.isFinite(request.delaySeconds)) {
      throw new RangeError('a staggered timing needs delaySeconds');
    }
    delayMs = request.delaySeconds * 1000;
  }
  // A single video has no waves of videos to stagger, so it staggers across channels.
  const byChannel = request.staggerBy === 'channel' || videoIds.length === 1;

  const result: RequestedPublication[] = [];
  channels.forEach((channel, channelRank) => {
    videoIds.forEach((videoId, videoIndex) => {
      const step = timing === 'staggered' ? (byChannel ? channelRank : videoIndex) : 0;
      result.push({
        video_id: videoId,
        channel_id: channel.channel_id,
        requested_at: ceilToWholeSecond(base + step * delayMs),
        order: channelRank * videoIds.length + videoIndex,
      });
    });
  });
  return result;
}
