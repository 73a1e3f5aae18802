import { describe, expect, it } from 'vitest';
import { evaluateHealth, type HealthRun, type RepositoryFinding } from '#shared/domain/channel-health';

const now = new Date('2026-12-02T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const ok: RepositoryFinding = { repository: 'reachable', credentials: 'valid', workflow: 'found', token_missing: false, detail: null };
const checked = (finding: RepositoryFinding | null = ok) => ({ finding, checkedAt: hoursAgo(0.1) });

let n = 0;
const run = (status: HealthRun['status'], hours: number, code?: string): HealthRun => ({
  run_id: `run-${++n}`,
  status,
  at: hoursAgo(hours),
  error: status === 'failed' ? { code: code ?? 'pipeline_failed', message: `ended ${code ?? 'failure'}` } : null,
});

describe('evaluateHealth', () => {
  it('is healthy when the repository checks out and no run in the window failed, with a reason all the same', () => {
    const health = evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 1), run('succeeded', 2)], repository: checked() });
    expect(health).toMatchObject({ status: 'healthy', reason_code: 'ok', repository: 'reachable', credentials: 'valid', workflow: 'found', errors: [] });
    expect(health.reason).toContain('2 runs ended');
  });

  it('is degraded by any failed run of the last 24 hours, and lists it as an error', () => {
    const failed = run('failed', 3);
    const health = evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 1), failed], repository: checked() });
    expect(health).toMatchObject({ status: 'degraded', reason_code: 'recent_failures' });
    expect(health.errors).toEqual([expect.objectContaining({ run_id: failed.run_id, source: 'run', code: 'pipeline_failed' })]);
  });

  it('forgets failures older than 24 hours and beyond the newest 20 runs', () => {
    expect(evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 1), run('failed', 25)], repository: checked() }).status).toBe('healthy');
    const twenty = Array.from({ length: 20 }, (_, i) => run('succeeded', 1 + i * 0.1));
    expect(evaluateHealth({ channelId: 'c', now, runs: [...twenty, run('failed', 5)], repository: checked() }).status).toBe('healthy');
  });

  it('is unhealthy after 3 failures in a row, and only degraded once a success came after them', () => {
    const three = [run('failed', 1), run('failed', 2), run('failed', 3)];
    expect(evaluateHealth({ channelId: 'c', now, runs: three, repository: checked() })).toMatchObject({ status: 'unhealthy', reason_code: 'consecutive_failures' });
    expect(evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 0.5), ...three], repository: checked() }).status).toBe('degraded');
    // Runs still going are no outcome: they neither break nor extend the streak.
    expect(evaluateHealth({ channelId: 'c', now, runs: [run('dispatched', 0.2), ...three], repository: checked() }).status).toBe('unhealthy');
  });

  it('is unhealthy when a dispatch was refused (401/404) since the last success', () => {
    const refused = run('failed', 2, 'github_credentials_invalid');
    const health = evaluateHealth({ channelId: 'c', now, runs: [refused, run('succeeded', 4)], repository: null });
    expect(health).toMatchObject({ status: 'unhealthy', reason_code: 'dispatch_refused' });
    expect(health.errors[0]).toMatchObject({ source: 'dispatch', code: 'github_credentials_invalid' });
    // Fixed since: a later success makes it a past failure.
    expect(evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 1), refused], repository: null }).status).toBe('degraded');
  });

  it.each([
    [{ ...ok, credentials: 'unauthorized' as const, workflow: 'unchecked' as const, detail: 'GitHub answered 401' }, 'github_credentials_refused'],
    [{ ...ok, credentials: 'unauthorized' as const, workflow: 'unchecked' as const, token_missing: true }, 'github_token_missing'],
    [{ ...ok, repository: 'not_found' as const, workflow: 'unchecked' as const }, 'repository_not_found'],
    [{ ...ok, repository: 'unreachable' as const, credentials: 'unchecked' as const, workflow: 'unchecked' as const, detail: '500 Server Error' }, 'repository_unreachable'],
    [{ ...ok, workflow: 'missing' as const }, 'workflow_missing'],
    [{ ...ok, workflow: 'disabled' as const }, 'workflow_disabled'],
  ])('is unhealthy when the check finds %o, whatever the runs say (%s)', (finding, code) => {
    const health = evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 1)], repository: checked(finding) });
    expect(health).toMatchObject({ status: 'unhealthy', reason_code: code });
    expect(health.reason.length).toBeGreaterThan(10);
    expect(health.errors[0]).toMatchObject({ source: 'check', code });
  });

  it('is unknown with nothing to go on: no repository and no run, or a repository never checked and no run', () => {
    expect(evaluateHealth({ channelId: 'c', now, runs: [], repository: null })).toMatchObject({
      status: 'unknown',
      reason_code: 'no_recent_runs',
      repository: 'none',
      credentials: 'none',
      workflow: 'none',
      repository_checked_at: null,
    });
    expect(evaluateHealth({ channelId: 'c', now, runs: [], repository: { finding: null, checkedAt: null } })).toMatchObject({
      status: 'unknown',
      reason_code: 'not_checked_yet',
      repository: 'unchecked',
    });
  });

  it('judges a channel without a repository by its runs alone', () => {
    expect(evaluateHealth({ channelId: 'c', now, runs: [run('succeeded', 1)], repository: null }).status).toBe('healthy');
    expect(evaluateHealth({ channelId: 'c', now, runs: [run('failed', 1, 'processing_failed')], repository: null }).status).toBe('degraded');
  });

  it('keeps at most 5 errors, newest first', () => {
    const runs = [run('succeeded', 0.1), ...Array.from({ length: 8 }, (_, i) => run('failed', 1 + i))];
    const { errors } = evaluateHealth({ channelId: 'c', now, runs, repository: checked() });
    expect(errors).toHaveLength(5);
    expect(errors.map((e) => e.at)).toEqual([...errors.map((e) => e.at)].sort().reverse());
  });
});
