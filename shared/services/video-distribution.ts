import { mapConcurrent } from '#shared/concurrency';
import type { RequestMeta } from '#shared/domain/activity';
import type { Channel } from '#shared/domain/channel';
import { pruneLedger, type ChannelLedger } from '#shared/domain/channel-ledger';
import {
  freeSlotsWithin,
  MAX_SCHEDULE_FILL,
  planDistribution,
  SCHEDULE_WINDOW_MS,
  type AssignmentReason,
  type DistributionChannel,
  type SkipReason,
} from '#shared/domain/distribution';
import { Conflict, NotFound, UnprocessableRequest } from '#shared/domain/errors';
import type { PublicationStatus } from '#shared/domain/publication';
import { isoOf } from '#shared/domain/publication-group';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { LedgerRepository } from '#shared/ports/ledger-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { DistributableVideo, VideoRepository } from '#shared/ports/video-repository';
import { AuditRecorder } from './audit-recorder';
import { earlierAttemptAnswer, type EarlierAttemptAnswer } from './earlier-attempt';
import { MAX_LEDGER_BOOKINGS, MAX_PUBLICATIONS, SEARCH_HORIZON_MS, type GroupBooking } from './group-booking';

/** How long a distribution holds the videos it took: as long as a booking's lease, past any request's time. */
export const DISTRIBUTION_CLAIM_MS = 10 * 60_000;
/** Publications one call creates at most: a wave's own limit. */
export const MAX_DISTRIBUTED_PUBLICATIONS = MAX_PUBLICATIONS;
/** The priority of the publications distribution books: the lowest, the first a preempting coordination may move. */
export const DISTRIBUTION_PRIORITY = 0;
/** Available videos read (claimed by others included) for each one a call may take, before it stops looking. */
const READ_FACTOR = 4;
const PAGE_SIZE = 100;
const CONCURRENCY = 16;
/** A video's publications in these statuses hold it on their channel: it is not given there again. */
const HOLDING: readonly PublicationStatus[] = ['scheduled', 'held', 'dispatching', 'dispatched', 'succeeded'];

export interface VideoDistributionDeps {
  channels: ChannelRepository;
  videos: VideoRepository;
  publications: PublicationRepository;
  ledgers: LedgerRepository;
  state: SystemStateRepository;
  booking: GroupBooking;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
}

export interface DistributeVideosInput {
  dry_run: boolean;
  /** Available videos the call takes at most. */
  limit: number;
  /** Only these channels (all of them must exist); absent, every active channel. */
  channel_ids?: string[] | undefined;
}

export interface DistributionAssignment {
  video_id: string;
  channel_id: string;
  /** null in a dry run: nothing was booked. */
  publication_id: string | null;
  scheduled_at: string;
  reason: AssignmentReason;
}

export interface DistributionSkip {
  video_id: string;
  reason: SkipReason;
  channel_id: string | null;
}

/** POST /distribute-videos's answer (docs/api.md). */
export interface DistributionReport {
  total_distributed: number;
  by_filters: number;
  by_schedule: number;
  dry_run: boolean;
  /** The wave the publications were booked as; null when nothing was booked (or a dry run). */
  wave_id: string | null;
  assignments: DistributionAssignment[];
  skipped: DistributionSkip[];
}

/**
 * POST /distribute-videos and the periodic auto-distribution: available
 * videos to the channels that take them, each a publication booked in the
 * channel's next free slot by the wave booking (GroupBooking), so gaps, daily
 * caps, the ledgers' races and the slots on Scheduler are the booking's.
 *
 * 1. The channels: those named (an unknown one is a 404 before anything is
 *    written, one not active a 422), or every active one. Then the system
 *    state: stopped is a 409.
 * 2. Their ledgers, read once: a channel without filters may take as many
 *    videos as it has free slots in the next 24 h (at most 24); a channel
 *    with filters as many as its ledger has room for.
 * 3. The available videos, oldest first through the status index: each is
 *    claimed by a conditional write (a 10-minute claim; a dry run claims
 *    nothing) until `limit` are held; one another distribution holds is
 *    skipped. Concurrent calls never hold the same video.
 * 4. The channels each video already has a live publication on (its own
 *    index): never given again.
 * 5. The pure plan (planDistribution): filters first, then channels without
 *    filters for what no filter took.
 * 6. One wave of independent timing over exactly those pairs: each placed in
 *    its channel's next free slot (within 24 h for a channel without
 *    filters, 400 days otherwise); a pair a concurrent booking left without
 *    a free slot is skipped, not refused.
 * 7. The claims are lifted (the booked videos are `assigned` now), and the
 *    call is one `videos.distributed` activity entry.
 */
export class VideoDistribution {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: VideoDistributionDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async distribute(input: DistributeVideosInput, meta: RequestMeta): Promise<{ report: DistributionReport } | { accepted: EarlierAttemptAnswer<'wave'> }> {
    const channels = input.channel_ids ? await this.named(input.channel_ids) : await this.everyActiveChannel();
    const state = await this.deps.state.get();
    if (state.status === 'stopped') {
      throw new Conflict('orchestration_stopped', 'the orchestration is stopped: start it before distributing videos', { status: state.status });
    }
    const now = this.deps.clock.now().getTime();
    const ledgers = await this.deps.ledgers.getMany(channels.map((c) => c.channel_id));
    const takers = channels.map((channel) => takerOf(channel, ledgers.get(channel.channel_id), now));

    const owner = `dist_${this.deps.ids.next()}`;
    const { held, busy } = await this.holdVideos(input, owner, now);
    const release = () => (input.dry_run ? Promise.resolve([]) : mapConcurrent(held, CONCURRENCY, (v) => this.deps.videos.releaseDistributionClaim(v.video_id, owner)));
    try {
      const alreadyOn = await this.channelsHolding(held);
      const plan = planDistribution({ videos: held, channels: takers, alreadyOn, maxAssignments: MAX_DISTRIBUTED_PUBLICATIONS });
      const skipped: DistributionSkip[] = [...busy.map((v) => ({ video_id: v.video_id, reason: 'in_distribution' as const, channel_id: null })), ...plan.skipped];
      if (plan.assignments.length === 0) {
        await release();
        return { report: reportOf(input.dry_run, null, [], skipped) };
      }

      const reasonOf = new Map(plan.assignments.map((a) => [pairKey(a.video_id, a.channel_id), a.reason]));
      const withFilters = new Set(takers.filter((t) => t.filters !== null).map((t) => t.channel_id));
      const pairChannels = [...new Set(plan.assignments.map((a) => a.channel_id))];
      const outcome = await this.deps.booking.book(
        {
          kind: 'wave',
          videoIds: [...new Set(plan.assignments.map((a) => a.video_id))],
          channelIds: pairChannels,
          timing: 'independent',
          staggerBy: 'video',
          priority: DISTRIBUTION_PRIORITY,
          policy: 'shift',
          dryRun: input.dry_run,
          timingFieldPrefix: '',
          pairs: plan.assignments.map((a) => ({ video_id: a.video_id, channel_id: a.channel_id })),
          horizonByChannel: new Map(pairChannels.map((id) => [id, withFilters.has(id) ? SEARCH_HORIZON_MS : SCHEDULE_WINDOW_MS])),
          auditDetails: { source: 'distribution' },
        },
        // The route's Idempotency-Key guards this call (replays); the wave's own key link is for schedule-wave's keys.
        { actor: meta.actor, request_id: meta.request_id, answer_within_ms: meta.answer_within_ms },
      );
      // Still being written when the answer could wait no longer: the claims run out on their own, the wave is followed with GET.
      if ('earlier' in outcome) return { accepted: earlierAttemptAnswer('wave', outcome.earlier) };

      const assignments = outcome.publications.map((p) => ({
        video_id: p.video_id,
        channel_id: p.channel_id,
        publication_id: p.publication_id,
        scheduled_at: p.scheduled_at,
        reason: reasonOf.get(pairKey(p.video_id, p.channel_id)) ?? 'filters',
      }));
      const unplaced = outcome.conflicts
        .filter((c) => c.resolution === 'rejected')
        .map((c) => ({ video_id: c.video_id, reason: 'no_free_slot' as const, channel_id: c.channel_id }));
      const report = reportOf(input.dry_run, outcome.group_id, assignments, [...skipped, ...unplaced]);
      await release();
      if (!input.dry_run && report.total_distributed > 0) await this.record(report, meta);
      return { report };
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
  }

  /** The named channels, in request order, deduplicated: unknown ones are a 404, ones not active a 422. */
  private async named(channelIds: readonly string[]): Promise<Channel[]> {
    const unique = [...new Set(channelIds)];
    const found = await this.deps.channels.getMany(unique);
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) throw new NotFound('channel', missing);
    const inactive = unique.map((id) => found.get(id) as Channel).filter((c) => c.status !== 'active');
    if (inactive.length > 0) {
      throw new UnprocessableRequest('inactive_channels', `channel(s) not active: ${inactive.slice(0, 20).map((c) => `${c.channel_id} (${c.status})`).join(', ')}`, {
        channels: inactive.map((c) => ({ channel_id: c.channel_id, status: c.status })),
        fields: inactive.map((c) => ({ field: `channel_ids.${channelIds.indexOf(c.channel_id)}`, in: 'body', message: `channel is ${c.status}` })),
      });
    }
    return unique.map((id) => found.get(id) as Channel);
  }

  private async everyActiveChannel(): Promise<Channel[]> {
    const all: Channel[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.channels.list({ limit: PAGE_SIZE, cursor, status: 'active' });
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  /**
   * Step 3: up to `limit` available videos, oldest first, each claimed (a
   * dry run only looks); those another distribution holds are `busy`. Reads
   * at most READ_FACTOR x limit videos, so a call behind many concurrent
   * ones stops looking instead of walking the whole catalogue.
   */
  private async holdVideos(input: DistributeVideosInput, owner: string, now: number): Promise<{ held: DistributableVideo[]; busy: DistributableVideo[] }> {
    const held: DistributableVideo[] = [];
    const busy: DistributableVideo[] = [];
    const claim = { owner, until: isoOf(now + DISTRIBUTION_CLAIM_MS), now: isoOf(now) };
    let read = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.videos.listAvailable(PAGE_SIZE, cursor);
      cursor = page.next_cursor ?? undefined;
      read += page.items.length;
      const free: DistributableVideo[] = [];
      for (const video of page.items) (video.claimed_until !== null && Date.parse(video.claimed_until) > now ? busy : free).push(video);
      // A claim lost to a concurrent call moves on to the page's next video, until `limit` are held.
      let next = 0;
      while (next < free.length && held.length < input.limit) {
        const wanted = free.slice(next, next + input.limit - held.length);
        next += wanted.length;
        if (input.dry_run) {
          held.push(...wanted);
          continue;
        }
        const won = await mapConcurrent(wanted, CONCURRENCY, (video) => this.deps.videos.claimForDistribution(video.video_id, claim));
        wanted.forEach((video, i) => (won[i] ? held : busy).push(video));
      }
    } while (cursor && held.length < input.limit && read < input.limit * READ_FACTOR);
    return { held, busy };
  }

  /** Step 4: per video, the channels its live publications are on (through its own index, every page). */
  private async channelsHolding(videos: readonly DistributableVideo[]): Promise<Map<string, Set<string>>> {
    const found = await mapConcurrent(videos, CONCURRENCY, async (video) => {
      const channels = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await this.deps.publications.list({ videoId: video.video_id, limit: 100, cursor });
        for (const p of page.items) if (HOLDING.includes(p.status)) channels.add(p.channel_id);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return [video.video_id, channels] as const;
    });
    return new Map(found.filter(([, channels]) => channels.size > 0));
  }

  private async record(report: DistributionReport, meta: RequestMeta): Promise<void> {
    const videos = new Set(report.assignments.map((a) => a.video_id));
    await this.audit.record(meta, {
      type: 'videos.distributed',
      target: { type: 'wave', id: report.wave_id ?? 'none' },
      channelIds: [...new Set(report.assignments.map((a) => a.channel_id))],
      details: {
        total_distributed: report.total_distributed,
        by_filters: report.by_filters,
        by_schedule: report.by_schedule,
        videos: videos.size,
        skipped: report.skipped.length,
      },
    });
  }
}

/** Step 2: what a channel may take in this call. A channel being deleted (its ledger closed) takes nothing. */
function takerOf(channel: Channel, ledger: ChannelLedger | undefined, now: number): DistributionChannel {
  const bookings = pruneLedger(ledger?.bookings ?? [], now);
  const closed = Boolean(ledger?.closed_at);
  const capacity = closed
    ? 0
    : channel.filters === null
      ? freeSlotsWithin(
          { channel_id: channel.channel_id, priority: channel.priority, publishing: channel.publishing },
          bookings.map((b) => ({ publication_id: b.publication_id, at: b.at, priority: b.priority })),
          now,
          SCHEDULE_WINDOW_MS,
          MAX_SCHEDULE_FILL,
        )
      : Math.max(0, MAX_LEDGER_BOOKINGS - bookings.length);
  return { channel_id: channel.channel_id, priority: channel.priority, filters: channel.filters, capacity };
}

function reportOf(dryRun: boolean, waveId: string | null, assignments: DistributionAssignment[], skipped: DistributionSkip[]): DistributionReport {
  const byFilters = assignments.filter((a) => a.reason === 'filters').length;
  return {
    total_distributed: assignments.length,
    by_filters: byFilters,
    by_schedule: assignments.length - byFilters,
    dry_run: dryRun,
    wave_id: dryRun ? null : waveId,
    assignments,
    skipped,
  };
}

const pairKey = (videoId: string, channelId: string) => `${videoId}\u0000${channelId}`;
