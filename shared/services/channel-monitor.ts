import { mapConcurrent } from '#shared/concurrency';
import type { ChannelStatus } from '#shared/domain/channel';
import type { ChannelError, ChannelHealth, CredentialsState, HealthReasonCode, HealthStatus, RepositoryState, WorkflowState } from '#shared/domain/channel-health';
import { NotFound } from '#shared/domain/errors';
import { isoOf } from '#shared/domain/publication-group';
import { dayWindow, STATISTICS_PERIOD_DAYS, withSuccessRate, type OutcomeCounts, type OutcomeStatistics } from '#shared/domain/statistics';
import type { ChannelHealthRepository } from '#shared/ports/channel-health-repository';
import type { ChannelRepository, ChannelWithActivity } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { StatisticsRepository } from '#shared/ports/statistics-repository';
import type { ChannelHealthSweep } from './channel-health-sweep';

/** Statistics windows read at once (one Query of at most 30 items each). */
const STATISTICS_CONCURRENCY = 16;

export interface MonitorRequest {
  /** Only this channel (404 when unknown). */
  channel_id?: string | undefined;
  /** Check live (GitHub, runs) rather than answer the last sweep's findings. */
  refresh: boolean;
  /** One page of this many channels (with `cursor`, pages of 100 when absent); neither: every channel. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Channels a page when a cursor comes without a limit. */
const DEFAULT_PAGE = 100;

export interface MonitoredChannel {
  channel_id: string;
  name: string;
  health: {
    status: HealthStatus;
    repository: RepositoryState;
    credentials: CredentialsState;
    workflow: WorkflowState;
    /** When this health was evaluated; null when it never was. */
    checked_at: string | null;
    repository_checked_at: string | null;
    reason: string;
    reason_code: HealthReasonCode;
  };
  status: ChannelStatus;
  errors: ChannelError[];
  statistics: OutcomeStatistics & { period_days: number };
  last_publication_at: string | null;
}

/** GET /monitor-channels's answer. */
export interface MonitorReport {
  channels: MonitoredChannel[];
  /** The next page's cursor; null on the last page and when every channel was asked for. */
  next_cursor: string | null;
  /** For a refresh, when its check began; else when the last sweep finished (null before the first). */
  checked_at: string | null;
}

export interface ChannelMonitorDeps {
  channels: ChannelRepository;
  health: ChannelHealthRepository;
  statistics: StatisticsRepository;
  sweep: ChannelHealthSweep;
  clock: Clock;
}

/**
 * GET /monitor-channels:
 * 1. the channels (every one through the list index, one page of it when
 *    a limit or cursor is given, or the one asked for);
 * 2. their health: the last sweep's items (BatchGetItem), or, with refresh,
 *    evaluated now through the sweep (its GitHub call budget and concurrency);
 * 3. each channel's 30-day statistics from its day counters (one Query each);
 * 4. last_publication_at as runs left it on the channel item.
 * O(channels) items read, no Scan, whatever the history.
 */
export class ChannelMonitor {
  constructor(private readonly deps: ChannelMonitorDeps) {}

  async monitor(request: MonitorRequest): Promise<MonitorReport> {
    const { channels, next_cursor } = await this.channelsOf(request);
    const ids = channels.map((c) => c.channel_id);
    const window = dayWindow(this.deps.clock.now());
    const [healths, statistics, checkedAt] = await Promise.all([
      request.refresh ? this.deps.sweep.evaluate(channels).then((o) => o.healths) : this.deps.health.getMany(ids),
      mapConcurrent(channels, STATISTICS_CONCURRENCY, (c) => this.deps.statistics.channelWindow(c.channel_id, window.from, window.to)),
      request.refresh ? Promise.resolve(isoOf(this.deps.clock.now().getTime())) : this.deps.health.lastSweep().then((s) => s?.finished_at ?? null),
    ]);
    return {
      channels: channels.map((channel, i) => view(channel, healths.get(channel.channel_id) ?? null, statistics[i] as OutcomeCounts)),
      next_cursor,
      checked_at: checkedAt,
    };
  }

  private async channelsOf(request: MonitorRequest): Promise<{ channels: ChannelWithActivity[]; next_cursor: string | null }> {
    const { channel_id: channelId, limit, cursor } = request;
    if (channelId !== undefined) {
      const channel = await this.deps.channels.getWithActivity(channelId);
      if (!channel) throw new NotFound('channel', channelId);
      return { channels: [channel], next_cursor: null };
    }
    if (limit === undefined && cursor === undefined) return { channels: await this.deps.channels.listAll(), next_cursor: null };
    const page = await this.deps.channels.listWithActivity({ limit: limit ?? DEFAULT_PAGE, cursor });
    return { channels: page.items, next_cursor: page.next_cursor };
  }
}

function view(channel: ChannelWithActivity, health: ChannelHealth | null, counts: OutcomeCounts): MonitoredChannel {
  return {
    channel_id: channel.channel_id,
    name: channel.name,
    health: health
      ? {
          status: health.status,
          repository: health.repository,
          credentials: health.credentials,
          workflow: health.workflow,
          checked_at: health.checked_at,
          repository_checked_at: health.repository_checked_at ?? null,
          reason: health.reason,
          reason_code: health.reason_code,
        }
      : {
          status: 'unknown',
          repository: channel.github ? 'unchecked' : 'none',
          credentials: channel.github ? 'unchecked' : 'none',
          workflow: channel.github ? 'unchecked' : 'none',
          checked_at: null,
          repository_checked_at: null,
          reason: 'not evaluated yet: the health sweep has not reached this channel (GET with refresh=true checks it now)',
          reason_code: 'not_checked_yet',
        },
    status: channel.status,
    errors: health?.errors ?? [],
    statistics: { ...withSuccessRate(counts), period_days: STATISTICS_PERIOD_DAYS },
    last_publication_at: channel.last_publication_at,
  };
}
