import type { ActivityEntry } from '#shared/domain/activity';
import type { ChannelStatus } from '#shared/domain/channel';
import { isoOf } from '#shared/domain/publication-group';
import type { GroupKind } from '#shared/domain/publication';
import { dayWindow, STATISTICS_PERIOD_DAYS, withSuccessRate, type OutcomeStatistics } from '#shared/domain/statistics';
import type { SystemStatus as Status } from '#shared/domain/system-state';
import {
  deriveSystemHealth,
  QUEUE_NAMES,
  type QueueDepthCounts,
  type QueueName,
  type QueueReading,
  type SystemHealth,
} from '#shared/domain/system-health';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelHealthRepository } from '#shared/ports/channel-health-repository';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { QueueMonitor } from '#shared/ports/queue-monitor';
import type { StatisticsRepository } from '#shared/ports/statistics-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';

/** schedules.pending looks this far ahead (SPEC "Details": the next 7 days). */
export const SCHEDULE_WINDOW_DAYS = 7;
/** A scheduled publication this far past its time was missed by fire-slot and by the reconciliation (every 5 minutes). */
export const OVERDUE_GRACE_MS = 10 * 60_000;
/** schedules.next: the next ten (issue 10). */
export const NEXT_SCHEDULES = 10;
/** recent_activity: the last 20 entries (issue 10). */
export const RECENT_ACTIVITY = 20;
/** An entry concerning many channels lists this many of them on the dashboard; GET /activity has the rest. */
export const ACTIVITY_CHANNEL_IDS_SHOWN = 10;

export interface DashboardDeps {
  state: SystemStateRepository;
  channels: ChannelRepository;
  health: ChannelHealthRepository;
  publications: PublicationRepository;
  statistics: StatisticsRepository;
  activity: ActivityLog;
  queues: QueueMonitor;
  clock: Clock;
  /**
   * The channel health sweep's last run (null: never): when it finished and
   * the period it runs at, for the system's health (stale after two periods).
   * Left out (a deployment without the sweep), the health makes no judgement
   * of the sweep.
   */
  healthSweepLastRun?: (() => Promise<{ finished_at: string; interval_seconds: number | null } | null>) | undefined;
}

export interface UpcomingPublication {
  publication_id: string;
  channel_id: string;
  video_id: string;
  scheduled_at: string;
  group_id: string;
  group_kind: GroupKind;
  priority: number;
}

export interface DashboardReport {
  system: {
    status: { status: Status; running: boolean; paused: boolean; since: string | null; held_publications: number };
    health: SystemHealth;
    queue: {
      pending: number;
      in_flight: number;
      dead_letter: number;
      queues: Record<QueueName, { depth: QueueDepthCounts | null; error: string | null }>;
    };
  };
  channels: { total: number; active: number; paused: number; inactive: number; error: number };
  statistics: { overall: OutcomeStatistics & { period_days: typeof STATISTICS_PERIOD_DAYS; from: string; to: string } };
  schedules: { pending: number; overdue: number; window_days: typeof SCHEDULE_WINDOW_DAYS; next: UpcomingPublication[] };
  recent_activity: ActivityEntry[];
  generated_at: string;
}

/**
 * GET /dashboard: the whole system at a glance, in reads bounded by the
 * number of channels, never by history.
 * 1. At once: the system state; the held publications (a COUNT); every
 *    channel's id and status (one item a channel); every queue's depth; the
 *    overall 30-day counters (16 shards, at most 30 items each); the
 *    scheduled publications due within 7 days and those overdue (COUNTs over
 *    a key range of the status shards); the next ten; the last 20 entries.
 * 2. The channels' health items (BatchGetItem, one a channel): those
 *    unhealthy are channels.error.
 * 3. The system's health, derived from all that (shared/domain/system-health.ts).
 */
export class Dashboard {
  constructor(private readonly deps: DashboardDeps) {}

  async report(): Promise<DashboardReport> {
    const now = this.deps.clock.now();
    const nowMs = now.getTime();
    const window = dayWindow(now);
    const [state, held, statuses, queues, overall, pending, overdue, next, activity, sweepLastRun] = await Promise.all([
      this.deps.state.get(),
      this.deps.publications.countByStatus('held'),
      this.deps.channels.listStatuses(),
      this.deps.queues.depths(),
      this.deps.statistics.overallWindow(window.from, window.to),
      this.deps.publications.countByStatus('scheduled', { before: isoOf(nowMs + SCHEDULE_WINDOW_DAYS * 86_400_000) }),
      this.deps.publications.countByStatus('scheduled', { before: isoOf(nowMs - OVERDUE_GRACE_MS) }),
      this.deps.publications.list({ status: 'scheduled', limit: NEXT_SCHEDULES }),
      this.deps.activity.list({ limit: RECENT_ACTIVITY }),
      this.deps.healthSweepLastRun?.(),
    ]);

    const health = await this.deps.health.getMany(statuses.map((c) => c.channel_id));
    const unhealthy = statuses.filter((c) => health.get(c.channel_id)?.status === 'unhealthy');
    const byStatus = (status: ChannelStatus) => statuses.filter((c) => c.status === status).length;
    const channels = { total: statuses.length, active: byStatus('active'), paused: byStatus('paused'), inactive: byStatus('inactive'), error: unhealthy.length };

    const systemHealth = deriveSystemHealth({
      now,
      queues,
      channels: { active: channels.active, unhealthy: unhealthy.length, activeUnhealthy: unhealthy.filter((c) => c.status === 'active').length },
      overdueSchedules: overdue,
      healthSweepLastRun: this.deps.healthSweepLastRun ? (sweepLastRun?.finished_at ?? null) : undefined,
      healthSweepIntervalSeconds: sweepLastRun?.interval_seconds ?? undefined,
    });

    return {
      system: {
        status: { status: state.status, running: state.status === 'running', paused: state.status === 'paused', since: state.since, held_publications: held },
        health: systemHealth,
        queue: queueSummary(queues),
      },
      channels,
      statistics: { overall: { ...withSuccessRate(overall), period_days: STATISTICS_PERIOD_DAYS, from: window.from, to: window.to } },
      schedules: {
        pending,
        overdue,
        window_days: SCHEDULE_WINDOW_DAYS,
        next: next.items.map((p) => ({
          publication_id: p.publication_id,
          channel_id: p.channel_id,
          video_id: p.video_id,
          scheduled_at: p.scheduled_at,
          group_id: p.group_id,
          group_kind: p.group_kind,
          priority: p.priority,
        })),
      },
      recent_activity: activity.items.map((entry) => ({ ...entry, channel_ids: entry.channel_ids.slice(0, ACTIVITY_CHANNEL_IDS_SHOWN) })),
      generated_at: isoOf(nowMs),
    };
  }
}

/**
 * The trigger queues as GET /status counts them (pending: visible and
 * delayed; in flight; the trigger dead-letter queue), and every queue by name.
 */
function queueSummary(readings: readonly QueueReading[]): DashboardReport['system']['queue'] {
  const byName = new Map(readings.map((r) => [r.name, r]));
  const depth = (name: QueueName) => byName.get(name)?.depth;
  const triggers = [depth('trigger_high'), depth('trigger_normal')];
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, { depth: byName.get(name)?.depth ?? null, error: byName.get(name)?.error ?? (byName.has(name) ? null : 'not read') }]),
  ) as DashboardReport['system']['queue']['queues'];
  const deadLetter = depth('trigger_dead_letter');
  return {
    pending: triggers.reduce((n, d) => n + (d ? d.visible + d.delayed : 0), 0),
    in_flight: triggers.reduce((n, d) => n + (d?.in_flight ?? 0), 0),
    dead_letter: deadLetter?.visible ?? 0,
    queues,
  };
}
