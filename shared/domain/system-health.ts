/**
 * The health of the whole system as GET /dashboard reports it: derived from
 * what the dashboard reads anyway (queue depths, dead-letter queues, channels
 * in error, overdue schedules, the health sweep's last run). Pure: no I/O,
 * the clock comes in as `now`.
 */

/** Every queue the system has, by the name the dashboard reports it under. */
export const QUEUE_NAMES = [
  'trigger_high',
  'trigger_normal',
  'trigger_dead_letter',
  'processing',
  'processing_dead_letter',
  'slot_dead_letter',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Dead-letter queues hold work that did not happen; the others hold work waiting. */
export const DEAD_LETTER_QUEUES: readonly QueueName[] = ['trigger_dead_letter', 'processing_dead_letter', 'slot_dead_letter'];

export function isDeadLetterQueue(name: QueueName): boolean {
  return DEAD_LETTER_QUEUES.includes(name);
}

/** One queue's depth, as SQS (or the local queue) reports it. */
export interface QueueDepthCounts {
  /** Waiting to be received (SQS ApproximateNumberOfMessages). */
  visible: number;
  /** Received and not yet deleted (ApproximateNumberOfMessagesNotVisible). */
  in_flight: number;
  /** Sent with a delay not yet over (ApproximateNumberOfMessagesDelayed). */
  delayed: number;
  /** Age of the oldest message in seconds, when the source tells it (the local queues do; SQS's GetQueueAttributes does not). */
  oldest_age_seconds: number | null;
}

/** One queue read: its depth, or why it could not be read. */
export interface QueueReading {
  name: QueueName;
  depth: QueueDepthCounts | null;
  /** Set when the depth could not be read (a refused or failed call). */
  error: string | null;
}

export const SYSTEM_HEALTH_STATUSES = ['ok', 'degraded', 'down'] as const;
export type SystemHealthStatus = (typeof SYSTEM_HEALTH_STATUSES)[number];

/**
 * Why the system is not `ok`, one code a cause:
 * - dead_letters: a dead-letter queue holds messages (work that did not happen)
 * - queue_unreadable: a queue's depth could not be read
 * - trigger_backlog_stale: a pipeline trigger has waited longer than TRIGGER_STALE_SECONDS (dispatch is slow or stuck)
 * - dispatch_stalled: a trigger has waited longer than TRIGGER_STALLED_SECONDS (nothing is being dispatched)
 * - channels_unhealthy: some channels' health is unhealthy
 * - all_channels_unhealthy: every active channel is unhealthy
 * - schedules_overdue: scheduled publications are past their time by more than the grace (slots are not firing)
 * - health_sweep_stale: the channel health sweep has not run for two periods
 * - health_sweep_never_ran: the sweep is wired but has no run recorded
 */
export const SYSTEM_HEALTH_REASON_CODES = [
  'dead_letters',
  'queue_unreadable',
  'trigger_backlog_stale',
  'dispatch_stalled',
  'channels_unhealthy',
  'all_channels_unhealthy',
  'schedules_overdue',
  'health_sweep_stale',
  'health_sweep_never_ran',
] as const;
export type SystemHealthReasonCode = (typeof SYSTEM_HEALTH_REASON_CODES)[number];

export interface SystemHealthReason {
  code: SystemHealthReasonCode;
  message: string;
}

export interface SystemHealth {
  status: SystemHealthStatus;
  /** Worst first; empty when ok. */
  reasons: SystemHealthReason[];
}

/** A trigger older than this (the trigger-age alarm's 30 minutes) makes the system degraded. */
export const TRIGGER_STALE_SECONDS = 30 * 60;
/** A trigger older than this means dispatch has stopped: the system is down. */
export const TRIGGER_STALLED_SECONDS = 2 * 60 * 60;
/** The health sweep's period when the caller does not say (issue 10: every 5 minutes by default). */
export const DEFAULT_HEALTH_SWEEP_INTERVAL_SECONDS = 5 * 60;

export interface SystemHealthInput {
  now: Date;
  queues: readonly QueueReading[];
  channels: {
    /** Channels whose registry status is active. */
    active: number;
    /** Channels whose health is unhealthy, of any status (SPEC: channels.error). */
    unhealthy: number;
    /** Active channels whose health is unhealthy. */
    activeUnhealthy: number;
  };
  /** Scheduled publications past their time by more than the grace (fire-slot or the reconciliation should have taken them). */
  overdueSchedules: number;
  /**
   * When the channel health sweep last ran. Undefined: the sweep is not
   * wired into this input (no judgement); null: wired, never ran.
   */
  healthSweepLastRun?: string | null | undefined;
  /** The sweep's period; stale after two. @default DEFAULT_HEALTH_SWEEP_INTERVAL_SECONDS */
  healthSweepIntervalSeconds?: number | undefined;
}

const TRIGGER_QUEUES: readonly QueueName[] = ['trigger_high', 'trigger_normal'];

/**
 * The system's health: `down` when nothing can go out (every active channel
 * unhealthy, or dispatch stalled for TRIGGER_STALLED_SECONDS), `degraded`
 * when work is lost or late (dead letters, stale triggers, overdue slots,
 * unhealthy channels, an unreadable queue, a stale sweep), else `ok`.
 */
export function deriveSystemHealth(input: SystemHealthInput): SystemHealth {
  const down: SystemHealthReason[] = [];
  const degraded: SystemHealthReason[] = [];

  const dead = input.queues.filter((q) => isDeadLetterQueue(q.name) && q.depth && total(q.depth) > 0);
  if (dead.length > 0) {
    const list = dead.map((q) => `${q.name} ${total(q.depth as QueueDepthCounts)}`).join(', ');
    degraded.push({ code: 'dead_letters', message: `dead-letter queues hold messages: ${list}; read them, fix the cause, then redrive or purge` });
  }

  const unreadable = input.queues.filter((q) => q.depth === null);
  if (unreadable.length > 0) {
    degraded.push({
      code: 'queue_unreadable',
      message: `queue depth could not be read: ${unreadable.map((q) => `${q.name} (${q.error ?? 'no answer'})`).join(', ')}`,
    });
  }

  const oldest = Math.max(
    -1,
    ...input.queues.filter((q) => TRIGGER_QUEUES.includes(q.name)).map((q) => q.depth?.oldest_age_seconds ?? -1),
  );
  if (oldest > TRIGGER_STALLED_SECONDS) {
    down.push({ code: 'dispatch_stalled', message: `the oldest pipeline trigger has waited ${minutes(oldest)}: nothing is being dispatched` });
  } else if (oldest > TRIGGER_STALE_SECONDS) {
    degraded.push({ code: 'trigger_backlog_stale', message: `the oldest pipeline trigger has waited ${minutes(oldest)}: dispatch is slow or stuck` });
  }

  const { active, unhealthy, activeUnhealthy } = input.channels;
  if (active > 0 && activeUnhealthy >= active) {
    down.push({ code: 'all_channels_unhealthy', message: `every active channel (${active}) is unhealthy` });
  } else if (unhealthy > 0) {
    degraded.push({ code: 'channels_unhealthy', message: `${unhealthy} channel(s) unhealthy: see GET /monitor-channels` });
  }

  if (input.overdueSchedules > 0) {
    degraded.push({ code: 'schedules_overdue', message: `${input.overdueSchedules} scheduled publication(s) are past their time: slots are not firing` });
  }

  if (input.healthSweepLastRun === null) {
    degraded.push({ code: 'health_sweep_never_ran', message: 'the channel health sweep has no run recorded' });
  } else if (input.healthSweepLastRun !== undefined) {
    const interval = input.healthSweepIntervalSeconds ?? DEFAULT_HEALTH_SWEEP_INTERVAL_SECONDS;
    const age = (input.now.getTime() - Date.parse(input.healthSweepLastRun)) / 1000;
    if (age > 2 * interval) {
      degraded.push({ code: 'health_sweep_stale', message: `the channel health sweep last ran ${minutes(age)} ago (every ${minutes(interval)} expected)` });
    }
  }

  const reasons = [...down, ...degraded];
  return { status: down.length > 0 ? 'down' : degraded.length > 0 ? 'degraded' : 'ok', reasons };
}

/** Every message a queue holds, whatever its state. */
export function total(depth: QueueDepthCounts): number {
  return depth.visible + depth.in_flight + depth.delayed;
}

function minutes(seconds: number): string {
  return `${Math.round(seconds / 60)} min`;
}
