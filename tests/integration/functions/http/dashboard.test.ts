import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import type { ChannelHealth } from '#shared/domain/channel-health';
import type { PipelineRun } from '#shared/domain/pipeline-run';
import type { Publication, PublicationStatus } from '#shared/domain/publication';
import { dashboard as dashboardSchema } from '#shared/schemas/dashboard';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '#tests/helpers/embedded-table';
import { InMemoryQueueMonitor, InMemorySlotScheduler, InMemoryTriggerQueue } from '#tests/helpers/in-memory-ports';
import { meterReads } from '#tests/helpers/read-meter';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import { channelDefinition, publication } from '#tests/helpers/sample-entities';

/**
 * GET /dashboard through the middy stack on dynalite (SPEC "Monitoring" and
 * "Details"): the values for a seeded state, the old guide's keys, reads
 * bounded by channels and never by history, and bad input refused.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let dynamo: EmbeddedDynamo;
let routes: RouteCaller;
const monitor = new InMemoryQueueMonitor();

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => dynamo?.close());

/** A fresh table with the routes pointed at it. */
async function freshTable(): Promise<RouteCaller> {
  const table = await dynamo.createTable('dashboard');
  return bootRoutes(table, { queueMonitor: monitor, triggerQueue: new InMemoryTriggerQueue(), slotScheduler: new InMemorySlotScheduler() });
}

function health(channelId: string, status: ChannelHealth['status']): ChannelHealth {
  const healthy = status === 'healthy';
  return {
    channel_id: channelId,
    status,
    repository: healthy ? 'reachable' : 'unreachable',
    credentials: healthy ? 'valid' : 'unchecked',
    workflow: healthy ? 'found' : 'unchecked',
    reason: healthy ? 'the repository is reachable' : 'repository answered 500',
    reason_code: healthy ? 'ok' : 'repository_unreachable',
    checked_at: iso(Date.now()),
    repository_checked_at: iso(Date.now()),
    errors: [],
  };
}

/** A finished run of one publication, counted in the day counters as RunTracking counts it. */
function finishedRun(runId: string, channelId: string): PipelineRun {
  return { run_id: runId, channel_id: channelId, video_id: null, publications: [] } as unknown as PipelineRun;
}

function finished(count: number, from: number, status: PublicationStatus = 'succeeded'): Publication[] {
  return Array.from({ length: count }, (_, i) =>
    publication({ publication_id: `pub_HISTORY${String(from + i).padStart(19, '0')}`, channel_id: `ch-${i % 20}`, status, scheduled_at: iso(Date.now() - (i + 1) * HOUR) }),
  );
}

describe('Handler: GET /dashboard', () => {
  it('answers the seeded state: channels by status and in error, pending within 7 days apart from held and later ones, 30-day statistics', async () => {
    // Prepare
    routes = await freshTable();
    const { root } = routes;
    const now = Date.now();
    const empty = await routes.call('dashboard');
    // Started first: start releases held publications, and the held ones below must stay held.
    expect((await routes.call('start')).status).toBe(200);
    for (const [id, status] of [['a1', 'active'], ['a2', 'active'], ['a3', 'active'], ['p1', 'paused'], ['i1', 'inactive']] as const) {
      await root.channelRepository().put(id, channelDefinition({ status }), iso(now));
    }
    await root.channelHealthRepository().put(health('a1', 'unhealthy'));
    await root.channelHealthRepository().put(health('p1', 'unhealthy'));
    await root.channelHealthRepository().put(health('a2', 'degraded'));
    await root.publicationRepository().putMany([
      publication({ channel_id: 'a1', scheduled_at: iso(now - 30 * 60_000) }), // overdue: pending and overdue
      publication({ channel_id: 'a1', scheduled_at: iso(now + HOUR) }),
      publication({ channel_id: 'a2', scheduled_at: iso(now + 2 * DAY) }),
      publication({ channel_id: 'a3', scheduled_at: iso(now + 7 * DAY - HOUR) }),
      publication({ channel_id: 'a3', scheduled_at: iso(now + 7 * DAY + HOUR) }), // after the window
      publication({ channel_id: 'a3', scheduled_at: iso(now + 30 * DAY) }),
      publication({ channel_id: 'a1', status: 'held', scheduled_at: iso(now - HOUR) }),
      publication({ channel_id: 'a2', status: 'held', scheduled_at: iso(now + HOUR) }),
      ...finished(3, 0),
    ]);
    const effects = new DynamoRunEffects(root.table());
    for (const [i, succeeded] of [true, true, true, false].entries()) {
      await effects.runFinished(finishedRun(`run_${i}`, 'a1'), { succeeded, at: iso(now - i * DAY), publications: 1 });
    }
    // Outside the 30 days: not counted.
    await effects.runFinished(finishedRun('run_old', 'a1'), { succeeded: false, at: iso(now - 40 * DAY), publications: 5 });
    monitor.set('slot_dead_letter', { visible: 2 });

    // Act
    const answer = await routes.call('dashboard');

    // Assess
    expect(empty.status).toBe(200);
    expect(empty.body.statistics.overall).toMatchObject({ total: 0, succeeded: 0, failed: 0, success_rate: null, period_days: 30 });
    expect(empty.body.channels).toEqual({ total: 0, active: 0, paused: 0, inactive: 0, error: 0 });
    expect(answer.status).toBe(200);
    const body = dashboardSchema.parse(answer.body);
    // The old guide's reads, as written.
    expect(answer.body.system.status.running).toBe(true);
    expect(answer.body.channels.active).toBe(3);
    expect(answer.body.statistics.overall.total).toBe(4);
    expect(answer.body.schedules.pending).toBe(4);
    expect(body.system.status).toMatchObject({ status: 'running', running: true, paused: false, held_publications: 2 });
    expect(body.channels).toEqual({ total: 5, active: 3, paused: 1, inactive: 1, error: 2 });
    expect(body.statistics.overall).toMatchObject({ total: 4, succeeded: 3, failed: 1, success_rate: 0.75, period_days: 30 });
    expect(body.schedules).toMatchObject({ pending: 4, overdue: 1, window_days: 7 });
    expect(body.schedules.next.map((p) => p.scheduled_at)).toEqual([...body.schedules.next.map((p) => p.scheduled_at)].sort());
    expect(body.schedules.next).toHaveLength(6);
    expect(body.system.queue.queues.slot_dead_letter.depth?.visible).toBe(2);
    expect(body.system.health.status).toBe('degraded');
    expect(body.system.health.reasons.map((r) => r.code).sort()).toEqual(['channels_unhealthy', 'dead_letters', 'health_sweep_never_ran', 'schedules_overdue']);
    expect(body.recent_activity[0]?.type).toBe('system.started');
    monitor.set('slot_dead_letter', {});
  });

  it("judges the health sweep by its last record and the period it recorded: fresh within two periods, stale after", async () => {
    // Prepare
    routes = await freshTable();
    const sweep = (finishedAgoSeconds: number, interval: number | null) =>
      routes.root.channelHealthRepository().recordSweep({
        started_at: iso(Date.now() - finishedAgoSeconds * 1000 - 1000),
        finished_at: iso(Date.now() - finishedAgoSeconds * 1000),
        checked: 0,
        github_checked: 0,
        deferred: 0,
        failed: 0,
        github_calls: 0,
        interval_seconds: interval,
      });
    const codes = async () => ((await routes.call('dashboard')).body.system.health.reasons as { code: string }[]).map((r) => r.code);

    // Act & Assess
    expect(await codes()).toEqual(['health_sweep_never_ran']);
    await sweep(60, 300);
    expect(await codes()).toEqual([]);
    await sweep(11 * 60, 300);
    expect(await codes()).toEqual(['health_sweep_stale']);
    // A sweep every hour, last run 11 minutes ago: not stale.
    await sweep(11 * 60, 3_600);
    expect(await codes()).toEqual([]);
  });

  it('reads the same items with 50 or 2,000 finished publications, and never scans', async () => {
    // Prepare: 20 channels, a few pending, 50 finished
    routes = await freshTable();
    const { root } = routes;
    const now = Date.now();
    for (let i = 0; i < 20; i++) await root.channelRepository().put(`ch-${i}`, channelDefinition(), iso(now));
    await root.publicationRepository().putMany([publication({ channel_id: 'ch-1', scheduled_at: iso(now + HOUR) }), ...finished(50, 0)]);
    const meter = meterReads(root.dynamoClient());
    expect((await routes.call('dashboard')).status).toBe(200);
    const small = meter.take();

    // Act: the history grows 40 times
    await root.publicationRepository().putMany([...finished(1_950, 50), ...finished(100, 2_000, 'failed'), ...finished(100, 2_100, 'cancelled')]);
    meter.take();
    const answer = await routes.call('dashboard');
    const large = meter.take();

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.channels.total).toBe(20);
    expect(answer.body.schedules.pending).toBe(1);
    expect(large.scans).toBe(0);
    expect(small.scans).toBe(0);
    expect(large.itemsRead).toBe(small.itemsRead);
    expect(large.calls).toEqual(small.calls);
    // Bounded by the channels: their status items, their health items, and a fixed number of others.
    expect(large.itemsRead).toBeLessThanOrEqual(20 * 2 + 50);
  });

  it('refuses an unknown query parameter with 400 naming it', async () => {
    // Act
    const answer = await routes.call('dashboard', { query: { verbose: 'true' } });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details.fields).toEqual([{ field: 'verbose', in: 'query', message: 'unknown field' }]);
  });
});
