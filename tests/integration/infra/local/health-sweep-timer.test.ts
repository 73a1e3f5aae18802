import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSettings } from '#shared/config';
import type { LocalOrchestrator } from '#infra/local/local-orchestrator';

/**
 * `npm start` runs the health sweep on a timer, as the EventBridge rule does
 * in AWS (HEALTH_SWEEP_INTERVAL_SECONDS): here every second, so its record
 * appears in the table within a few.
 */
describe('Local server: the health sweep timer', () => {
  let server: LocalOrchestrator;
  beforeAll(async () => {
    const { startLocalOrchestrator } = await import('#infra/local/local-orchestrator');
    server = await startLocalOrchestrator(localSettings({ PORT: '0', HEALTH_SWEEP_INTERVAL_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '3600' }));
  });
  afterAll(async () => server?.stop());

  it('sweeps every HEALTH_SWEEP_INTERVAL_SECONDS and records each sweep (JOB#health-sweep, LAST_RUN)', async () => {
    // Prepare: a channel to sweep
    const put = await fetch(`${server.url}/channels/timer-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Timer 1', publishing: { timezone: 'UTC', slots: [] } }),
    });
    expect(put.status).toBe(201);
    const { channelHealthRepository } = await import('#shared/composition-root');

    // Act: wait for a sweep that saw the channel
    let record = await channelHealthRepository().lastSweep();
    for (let i = 0; i < 40 && !(record && record.checked >= 1); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      record = await channelHealthRepository().lastSweep();
    }

    // Assess
    expect(record).toMatchObject({ checked: 1, failed: 0, interval_seconds: 1 });
    const answer = await fetch(`${server.url}/monitor-channels`);
    const body = (await answer.json()) as { channels: { channel_id: string; health: { status: string } }[]; checked_at: string };
    expect(body.channels).toEqual([expect.objectContaining({ channel_id: 'timer-1', health: expect.objectContaining({ status: 'unknown', reason_code: 'no_recent_runs' }) })]);
    expect(body.checked_at).toEqual(expect.any(String));
    // The dashboard judges the sweep by the record and its period: running every second, it is not stale.
    const dashboard = (await (await fetch(`${server.url}/dashboard`)).json()) as { system: { health: { reasons: { code: string }[] } } };
    expect(dashboard.system.health.reasons.map((r) => r.code)).not.toContain('health_sweep_never_ran');
    expect(dashboard.system.health.reasons.map((r) => r.code)).not.toContain('health_sweep_stale');
  });
});
