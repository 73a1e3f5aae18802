import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

type Run = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<Record<string, unknown>>;

/** The optional rule's target: the distribution of POST /distribute-videos, over every active channel, as `auto-distribution`. */
describe('functions/scheduled/auto-distribute-videos (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  let run: Run;
  const scheduler = new RecordingSlotScheduler();

  beforeAll(async () => {
    table = await embeddedTable('auto-distribute');
    api = await bootRoutes(table, { clock: new FixedClock('2026-08-01T06:00:00.000Z'), slotScheduler: scheduler, triggerQueue: new RecordingTriggerQueue() });
    run = ((await import('#functions/scheduled/auto-distribute-videos')) as unknown as { handler: Run }).handler;
    const publishing = { timezone: 'UTC', slots: ['09:00', '15:00'], min_gap_minutes: 60, max_per_day: 2 };
    await api.call('putChannel', { params: { channel_id: 'any' }, body: { name: 'any', publishing } });
    await api.call('putChannel', { params: { channel_id: 'off' }, body: { name: 'off', status: 'inactive', publishing } });
    for (const id of ['v1', 'v2', 'v3']) await api.call('createVideo', { body: { video_id: id, title: id } });
  });
  afterAll(async () => table.close());

  it('does nothing while the orchestration is stopped, and says so', async () => {
    await expect(run({}, lambdaContext('auto-distribute-videos'))).resolves.toEqual({ skipped: 'orchestration_stopped' });
    expect(scheduler.schedules.size).toBe(0);
  });

  it('books available videos on the active channels, logged as the auto-distribution', async () => {
    // Prepare
    expect((await api.call('start')).status).toBe(200);
    // Act
    const report = await run({}, lambdaContext('auto-distribute-videos'));
    // Assess: the active channel's two free slots of the next 24 h; the inactive channel takes nothing.
    expect(report).toMatchObject({ total_distributed: 2, by_filters: 0, by_schedule: 2, skipped: 1, wave_id: expect.stringMatching(/^wave_/) });
    const publications = (await api.call('listPublications', { query: { channel_id: 'off' } })).body.items;
    expect(publications).toEqual([]);
    const entries = (await api.call('listActivity', { query: { type: 'videos.distributed' } })).body.items;
    expect(entries.map((e: { actor: string }) => e.actor)).toEqual(['auto-distribution']);
  });
});
