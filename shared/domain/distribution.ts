import type { ChannelFilters } from './channel';
import { placeOnChannel, type Booking, type PlanChannel } from './planner/index';
import type { Video } from './video';

/**
 * Auto-distribution (SPEC "Distribution and configuration", "Details"): which
 * available video goes to which channel. Pure: the service reads the videos,
 * channels and ledgers, this decides, the booking places.
 */

/** Videos one call takes at most (`limit`), and by default. */
export const MAX_DISTRIBUTION_LIMIT = 1_000;
export const DEFAULT_DISTRIBUTION_LIMIT = 50;

/** Why an assignment was made: a channel's filters matched, or a channel without filters had a free slot. */
export type AssignmentReason = 'filters' | 'schedule';

/**
 * Why a video (or one of its channels) got nothing:
 * - no_matching_channel: no channel's filters match it, and no channel without filters takes videos;
 * - already_on_channel: it already has a live publication on every channel it would go to (or on this one);
 * - no_free_slot: the channels it would go to have no free publishing time left (within 24 h for a channel without filters);
 * - publication_limit: the call's publication cap was reached;
 * - in_distribution: another distribution holds it (its claim has not expired).
 */
export type SkipReason = 'no_matching_channel' | 'already_on_channel' | 'no_free_slot' | 'publication_limit' | 'in_distribution';

export interface DistributionChannel {
  channel_id: string;
  priority: number;
  /** null: the channel takes videos by schedule (to fill its free slots), not by filters. */
  filters: ChannelFilters | null;
  /** How many more publications this call may give it (free slots within 24 h, or room left in its ledger). */
  capacity: number;
}

export interface PlannedAssignment {
  video_id: string;
  channel_id: string;
  reason: AssignmentReason;
}

export interface PlannedSkip {
  video_id: string;
  reason: SkipReason;
  /** The channel the skip is about; null when it is about the video as a whole. */
  channel_id: string | null;
}

export interface DistributionInput {
  /** The videos this call holds, in the order they are served (oldest first). */
  videos: readonly Pick<Video, 'video_id' | 'tags' | 'language' | 'category' | 'duration_seconds'>[];
  /** Active channels, any order (they are taken by priority, higher first, then id). */
  channels: readonly DistributionChannel[];
  /** Per video, the channels it already has a live publication on: never given again. */
  alreadyOn: ReadonlyMap<string, ReadonlySet<string>>;
  /** Publications the call may create at most. */
  maxAssignments: number;
}

export interface DistributionPlan {
  assignments: PlannedAssignment[];
  skipped: PlannedSkip[];
}

const normalized = (values: readonly string[]): Set<string> => new Set(values.map((v) => v.trim().toLowerCase()));

/**
 * Whether a video passes a channel's filters. Empty lists and null bounds
 * constrain nothing; tags, languages and categories compare without regard to
 * case. A bound or list that needs a value the video lacks (no language, no
 * duration) does not match.
 */
export function matchesFilters(
  video: Pick<Video, 'tags' | 'language' | 'category' | 'duration_seconds'>,
  filters: ChannelFilters,
): boolean {
  const tags = normalized(video.tags);
  if (filters.tags_any.length > 0 && ![...normalized(filters.tags_any)].some((t) => tags.has(t))) return false;
  if ([...normalized(filters.tags_none)].some((t) => tags.has(t))) return false;
  if (filters.languages.length > 0 && (video.language === null || !normalized(filters.languages).has(video.language.trim().toLowerCase()))) return false;
  if (filters.categories.length > 0 && (video.category === null || !normalized(filters.categories).has(video.category.trim().toLowerCase()))) return false;
  if (filters.min_duration_seconds !== null && (video.duration_seconds === null || video.duration_seconds < filters.min_duration_seconds)) return false;
  if (filters.max_duration_seconds !== null && (video.duration_seconds === null || video.duration_seconds > filters.max_duration_seconds)) return false;
  return true;
}

/**
 * Decides the call's assignments, video by video in the order given:
 * 1. every channel with filters that match it, has room and does not have it
 *    yet takes it (`filters`), higher priority first;
 * 2. a video no filtered channel took goes to one channel without filters
 *    (`schedule`): the one with the most room left, then higher priority,
 *    then id, so the free slots of the next 24 h fill evenly;
 * 3. a video that got nothing is skipped with the reason (and a matching
 *    channel that could not take it, with that channel's reason).
 * No (video, channel) pair is planned twice, no channel over its capacity,
 * and no more than `maxAssignments` in all.
 */
export function planDistribution(input: DistributionInput): DistributionPlan {
  const room = new Map(input.channels.map((c) => [c.channel_id, Math.max(0, c.capacity)]));
  const byPriority = [...input.channels].sort((a, b) => b.priority - a.priority || compareIds(a.channel_id, b.channel_id));
  const filtered = byPriority.filter((c): c is DistributionChannel & { filters: ChannelFilters } => c.filters !== null);
  const bySchedule = byPriority.filter((c) => c.filters === null);
  const assignments: PlannedAssignment[] = [];
  const skipped: PlannedSkip[] = [];

  for (const video of input.videos) {
    const already = input.alreadyOn.get(video.video_id) ?? new Set<string>();
    const matching = filtered.filter((c) => matchesFilters(video, c.filters));
    let given = 0;
    let limited = false;
    const channelSkips: PlannedSkip[] = [];
    for (const channel of matching) {
      if (already.has(channel.channel_id)) {
        channelSkips.push({ video_id: video.video_id, reason: 'already_on_channel', channel_id: channel.channel_id });
      } else if ((room.get(channel.channel_id) ?? 0) <= 0) {
        channelSkips.push({ video_id: video.video_id, reason: 'no_free_slot', channel_id: channel.channel_id });
      } else if (assignments.length >= input.maxAssignments) {
        limited = true;
      } else {
        assignments.push({ video_id: video.video_id, channel_id: channel.channel_id, reason: 'filters' });
        room.set(channel.channel_id, (room.get(channel.channel_id) ?? 0) - 1);
        given += 1;
      }
    }
    if (given === 0) {
      const open = bySchedule
        .filter((c) => !already.has(c.channel_id) && (room.get(c.channel_id) ?? 0) > 0)
        .sort((a, b) => (room.get(b.channel_id) ?? 0) - (room.get(a.channel_id) ?? 0));
      const target = open[0];
      if (target && assignments.length < input.maxAssignments) {
        assignments.push({ video_id: video.video_id, channel_id: target.channel_id, reason: 'schedule' });
        room.set(target.channel_id, (room.get(target.channel_id) ?? 0) - 1);
        given += 1;
      } else if (target) {
        limited = true;
      }
    }
    // The matching channels that could not take it, and, if it went nowhere, the video itself.
    skipped.push(...channelSkips);
    if (given > 0) continue;
    skipped.push({ video_id: video.video_id, reason: videoSkipReason(limited, matching.length, channelSkips, bySchedule, already), channel_id: null });
  }
  return { assignments, skipped };
}

/** The one reason a video got nothing anywhere. */
function videoSkipReason(
  limited: boolean,
  matched: number,
  channelSkips: readonly PlannedSkip[],
  bySchedule: readonly DistributionChannel[],
  already: ReadonlySet<string>,
): SkipReason {
  if (limited) return 'publication_limit';
  if (matched === 0 && bySchedule.length === 0) return 'no_matching_channel';
  const everywhere = [...channelSkips.map((s) => s.reason), ...bySchedule.map((c) => (already.has(c.channel_id) ? 'already_on_channel' : 'no_free_slot'))];
  return everywhere.length > 0 && everywhere.every((r) => r === 'already_on_channel') ? 'already_on_channel' : 'no_free_slot';
}

/** Code-unit order: the same on every machine. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How far ahead a channel without filters is filled: its free slots of the next day. */
export const SCHEDULE_WINDOW_MS = 24 * 60 * 60_000;
/** Videos a channel without filters takes in one call at most (one an hour of the window). */
export const MAX_SCHEDULE_FILL = 24;

/**
 * How many publications the channel could still take within `windowMs` of
 * `now` (at most `max`): its publishing slots (or, without slots, free
 * instants) that keep its gap and daily cap against the bookings it has,
 * found by the planner's own independent placement.
 */
export function freeSlotsWithin(channel: PlanChannel, existing: readonly Booking[], now: number, windowMs: number, max: number): number {
  const requests = Array.from({ length: max }, (_, i) => ({ publication_id: `probe-${String(i).padStart(4, '0')}`, video_id: 'probe', requested_at: now, order: i }));
  const plan = placeOnChannel({
    channel,
    existing: [...existing],
    requests,
    timing: 'independent',
    policy: 'shift',
    priority: 0,
    now,
    preemptibleAfter: now,
    horizonMs: windowMs,
  });
  return plan.placements.length;
}
