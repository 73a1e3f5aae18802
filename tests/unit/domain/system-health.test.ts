import { describe, expect, it } from 'vitest';
import {
  deriveSystemHealth,
  QUEUE_NAMES,
  SYSTEM_HEALTH_REASON_CODES,
  TRIGGER_STALE_SECONDS,
  TRIGGER_STALLED_SECONDS,
  type QueueDepthCounts,
  type QueueName,
  type QueueReading,
  type SystemHealthInput,
} from '#shared/domain/system-health';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const EMPTY: QueueDepthCounts = { visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null };

function queues(changes: Partial<Record<QueueName, Partial<QueueDepthCounts> | null>> = {}): QueueReading[] {
  return QUEUE_NAMES.map((name) => {
    const change = changes[name];
    if (change === null) return { name, depth: null, error: 'AccessDenied' };
    return { name, depth: { ...EMPTY, ...change }, error: null };
  });
}

function input(changes: Partial<SystemHealthInput> = {}): SystemHealthInput {
  return { now: NOW, queues: queues(), channels: { active: 10, unhealthy: 0, activeUnhealthy: 0 }, overdueSchedules: 0, ...changes };
}

const codes = (i: SystemHealthInput) => deriveSystemHealth(i).reasons.map((r) => r.code);

describe('Function: deriveSystemHealth', () => {
  it('is ok with no reasons when queues are empty, channels healthy and nothing is overdue', () => {
    expect(deriveSystemHealth(input())).toEqual({ status: 'ok', reasons: [] });
  });

  it('is degraded by any dead-letter queue holding messages, naming each', () => {
    // Act
    const health = deriveSystemHealth(input({ queues: queues({ slot_dead_letter: { visible: 2 }, processing_dead_letter: { in_flight: 1 } }) }));

    // Assess
    expect(health.status).toBe('degraded');
    expect(health.reasons).toHaveLength(1);
    expect(health.reasons[0]?.code).toBe('dead_letters');
    expect(health.reasons[0]?.message).toContain('slot_dead_letter 2');
    expect(health.reasons[0]?.message).toContain('processing_dead_letter 1');
  });

  it('does not count work waiting in the work queues as a problem', () => {
    expect(deriveSystemHealth(input({ queues: queues({ trigger_normal: { visible: 5_000, delayed: 300 }, processing: { visible: 40 } }) })).status).toBe('ok');
  });

  it('is degraded when a queue cannot be read, naming it and the error', () => {
    const health = deriveSystemHealth(input({ queues: queues({ processing: null }) }));
    expect(health).toMatchObject({ status: 'degraded', reasons: [{ code: 'queue_unreadable' }] });
    expect(health.reasons[0]?.message).toContain('processing (AccessDenied)');
  });

  it('grades the oldest trigger: stale past 30 minutes (degraded), stalled past 2 hours (down)', () => {
    expect(codes(input({ queues: queues({ trigger_high: { visible: 1, oldest_age_seconds: TRIGGER_STALE_SECONDS } }) }))).toEqual([]);
    expect(deriveSystemHealth(input({ queues: queues({ trigger_normal: { visible: 1, oldest_age_seconds: TRIGGER_STALE_SECONDS + 1 } }) }))).toMatchObject({
      status: 'degraded',
      reasons: [{ code: 'trigger_backlog_stale' }],
    });
    expect(deriveSystemHealth(input({ queues: queues({ trigger_high: { visible: 1, oldest_age_seconds: TRIGGER_STALLED_SECONDS + 1 } }) }))).toMatchObject({
      status: 'down',
      reasons: [{ code: 'dispatch_stalled' }],
    });
  });

  it('is degraded by some unhealthy channels and down when every active channel is', () => {
    expect(deriveSystemHealth(input({ channels: { active: 10, unhealthy: 3, activeUnhealthy: 2 } }))).toMatchObject({
      status: 'degraded',
      reasons: [{ code: 'channels_unhealthy' }],
    });
    expect(deriveSystemHealth(input({ channels: { active: 4, unhealthy: 5, activeUnhealthy: 4 } }))).toMatchObject({
      status: 'down',
      reasons: [{ code: 'all_channels_unhealthy' }],
    });
    // No active channel: nothing is expected to go out, so not down.
    expect(deriveSystemHealth(input({ channels: { active: 0, unhealthy: 2, activeUnhealthy: 0 } })).status).toBe('degraded');
  });

  it('is degraded by overdue scheduled publications', () => {
    expect(codes(input({ overdueSchedules: 3 }))).toEqual(['schedules_overdue']);
  });

  it('judges the health sweep only when it is wired: stale after two periods, or never run', () => {
    // Not wired (undefined): no judgement.
    expect(codes(input())).toEqual([]);
    expect(codes(input({ healthSweepLastRun: '2026-12-01T11:55:00.000Z' }))).toEqual([]);
    expect(codes(input({ healthSweepLastRun: '2026-12-01T11:49:59.000Z' }))).toEqual(['health_sweep_stale']);
    expect(codes(input({ healthSweepLastRun: '2026-12-01T11:00:00.000Z', healthSweepIntervalSeconds: 3600 }))).toEqual([]);
    expect(codes(input({ healthSweepLastRun: null }))).toEqual(['health_sweep_never_ran']);
  });

  it('lists the reasons that make it down before the ones that make it degraded', () => {
    // Act
    const health = deriveSystemHealth(
      input({
        queues: queues({ trigger_dead_letter: { visible: 1 }, trigger_normal: { visible: 1, oldest_age_seconds: TRIGGER_STALLED_SECONDS + 60 } }),
        overdueSchedules: 1,
      }),
    );

    // Assess
    expect(health.status).toBe('down');
    expect(health.reasons.map((r) => r.code)).toEqual(['dispatch_stalled', 'dead_letters', 'schedules_overdue']);
  });

  it('uses only the codes it exports', () => {
    const everything = deriveSystemHealth(
      input({
        queues: queues({ slot_dead_letter: { visible: 1 }, processing: null, trigger_high: { oldest_age_seconds: TRIGGER_STALE_SECONDS + 1 } }),
        channels: { active: 2, unhealthy: 1, activeUnhealthy: 1 },
        overdueSchedules: 1,
        healthSweepLastRun: '2026-11-30T00:00:00.000Z',
      }),
    );
    for (const reason of everything.reasons) expect(SYSTEM_HEALTH_REASON_CODES).toContain(reason.code);
    expect(everything.reasons).toHaveLength(6);
  });
});
