import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoChannelHealthRepository } from '#shared/adapters/dynamodb/channel-health-repository';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoPipelineRunRepository } from '#shared/adapters/dynamodb/pipeline-run-repository';
import { OctokitWorkflows } from '#shared/adapters/github/octokit-workflows';
import { newRun } from '#shared/domain/pipeline-run';
import { GitHubCallError, type GitHubHealthCheck } from '#shared/ports/github';
import type { PipelineRunRepository } from '#shared/ports/pipeline-run-repository';
import { ChannelHealthSweep } from '#shared/services/channel-health-sweep';
import { startGitHubSimulator, type GitHubSimulator, type SimulatedRepository } from '#infra/local/github-simulator';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { channelDefinition } from '#tests/helpers/sample-entities';

/**
 * The health sweep with the real GitHub client against the simulator and the
 * channels, runs and health items on dynalite (issue 10 item 2, and its
 * acceptance: one repository answering 500 and another's token refused are
 * unhealthy with the reason, the rest healthy).
 */
const TOKEN = 'ghp_healthSweepSecretToken0123456';
const repo = (name: string, extra: Partial<SimulatedRepository> = {}): SimulatedRepository => ({ owner: 'acme', repo: name, workflows: [{ file: 'publish.yml' }], ...extra });
const github = (name: string) => ({ owner: 'acme', repo: name, workflow: 'publish.yml', ref: 'main' });

describe('Class: ChannelHealthSweep (simulator + dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  let sim: GitHubSimulator;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    sim = await startGitHubSimulator({
      token: TOKEN,
      strict: true,
      repositories: [
        repo('alpha'),
        repo('beta'),
        repo('gamma'),
        repo('broken', { failWith: 500 }),
        repo('refused', { failWith: 401 }),
        repo('no-workflow', { workflows: [] }),
        ...Array.from({ length: 6 }, (_, i) => repo(`paced-${i}`)),
      ],
    });
  });
  afterAll(async () => {
    await sim.close();
    await dynamo.close();
  });

  async function world(options: { githubCallsPerSweep?: number; concurrency?: number; check?: GitHubHealthCheck; runs?: (real: PipelineRunRepository) => PipelineRunRepository } = {}) {
    const table = await dynamo.createTable('health');
    const clock = new FixedClock('2026-12-02T10:00:00.000Z');
    const channels = new DynamoChannelRepository(table);
    const realRuns = new DynamoPipelineRunRepository(table, 30);
    const health = new DynamoChannelHealthRepository(table);
    const client = new OctokitWorkflows({ baseUrl: sim.url, token: async () => TOKEN, serverErrorBaseDelayMs: 5, serverErrorRetries: 1 });
    const failures: string[] = [];
    const sweep = new ChannelHealthSweep({
      channels,
      runs: options.runs?.(realRuns) ?? realRuns,
      health,
      github: options.check ?? client,
      clock,
      githubCallsPerSweep: options.githubCallsPerSweep ?? 100,
      concurrency: options.concurrency,
      onChannelFailure: (channelId) => failures.push(channelId),
    });
    const at = clock.now().toISOString();
    return { channels, runs: realRuns, health, sweep, clock, at, failures };
  }

  it('marks the channel whose repository answers 500 and the one whose token is refused unhealthy with the reason, the rest healthy', async () => {
    // Prepare: three good repositories, two failing ones, one without the workflow, one channel without a repository that ran fine
    const w = await world();
    for (const name of ['alpha', 'beta', 'gamma', 'broken', 'refused', 'no-workflow']) await w.channels.put(name, channelDefinition({ github: github(name) }), w.at);
    await w.channels.put('plain', channelDefinition({ github: null }), w.at);
    const queued = newRun({ run_id: 'run-plain-1', channel: { channel_id: 'plain', github: null }, video_id: null, status: 'queued', priority: 'normal', trigger_id: 'manual/run-plain-1', slot_id: null, publications: [], inputs: {}, at: w.at });
    const done = { ...queued, status: 'succeeded' as const, completed_at: w.at };
    await w.runs.create(done);

    // Act
    const record = await w.sweep.sweep();

    // Assert
    const stored = await w.health.getMany(['alpha', 'beta', 'gamma', 'broken', 'refused', 'no-workflow', 'plain']);
    expect(stored.get('broken')).toMatchObject({ status: 'unhealthy', reason_code: 'repository_unreachable', repository: 'unreachable', checked_at: w.at });
    expect(stored.get('broken')?.reason).toMatch(/500/);
    expect(stored.get('refused')).toMatchObject({ status: 'unhealthy', reason_code: 'github_credentials_refused', credentials: 'unauthorized' });
    expect(stored.get('refused')?.reason).toMatch(/401|Bad credentials/);
    expect(stored.get('refused')?.errors[0]).toMatchObject({ source: 'check', code: 'github_credentials_refused' });
    expect(stored.get('no-workflow')).toMatchObject({ status: 'unhealthy', reason_code: 'workflow_missing', repository: 'reachable', workflow: 'missing' });
    for (const name of ['alpha', 'beta', 'gamma']) {
      expect(stored.get(name)).toMatchObject({ status: 'healthy', repository: 'reachable', credentials: 'valid', workflow: 'found', repository_checked_at: w.at });
    }
    expect(stored.get('plain')).toMatchObject({ status: 'healthy', repository: 'none', credentials: 'none' });
    expect(record).toMatchObject({ checked: 7, github_checked: 6, deferred: 0, failed: 0 });
    expect(await w.health.lastSweep()).toEqual(record);
    // The token never appears in what was stored.
    expect(JSON.stringify([...stored.values()])).not.toContain(TOKEN);
  });

  it('makes no more GitHub calls than its budget; the rest keep their last check and go first next sweep, oldest first', async () => {
    // Prepare: six repositories, four calls a sweep (two checks)
    const w = await world({ githubCallsPerSweep: 4 });
    for (let i = 0; i < 6; i++) await w.channels.put(`paced-${i}`, channelDefinition({ github: github(`paced-${i}`) }), w.at);
    const checkedIn = async () => {
      const before = sim.requests.length;
      const record = await w.sweep.sweep();
      w.clock.advance(60_000);
      return { record, calls: sim.requests.length - before };
    };

    // Act: three sweeps
    const first = await checkedIn();
    const afterFirst = await w.health.getMany(Array.from({ length: 6 }, (_, i) => `paced-${i}`));
    const second = await checkedIn();
    const third = await checkedIn();
    const fourth = await checkedIn();

    // Assert
    for (const sweep of [first, second, third, fourth]) {
      expect(sweep.calls).toBeLessThanOrEqual(4);
      expect(sweep.record).toMatchObject({ checked: 6, github_checked: 2, deferred: 4, github_calls: 4 });
    }
    // Never-checked channels are evaluated (unknown, no run) without a GitHub call; the sweeps take them two at a time.
    expect([...afterFirst.values()].filter((h) => h.repository_checked_at !== null)).toHaveLength(2);
    expect([...afterFirst.values()].filter((h) => h.status === 'unknown' && h.reason_code === 'not_checked_yet')).toHaveLength(4);
    const final = await w.health.getMany(Array.from({ length: 6 }, (_, i) => `paced-${i}`));
    expect([...final.values()].every((h) => h.status === 'healthy')).toBe(true);
    // The fourth sweep took the two checked longest ago: those of the first.
    const firstChecked = [...afterFirst.values()].filter((h) => h.repository_checked_at !== null).map((h) => h.channel_id).sort();
    const checkedByFourth = [...final.values()].filter((h) => h.repository_checked_at === '2026-12-02T10:03:00.000Z').map((h) => h.channel_id).sort();
    expect(checkedByFourth).toEqual(firstChecked);
  });

  it('a channel whose evaluation throws is counted failed and keeps its last health; the sweep goes on with the others', async () => {
    // Prepare: the runs of one channel cannot be read
    const w = await world({
      check: { checkWorkflow: async () => ({ repository: 'reachable', credentials: 'valid', workflow: 'found', token_missing: false, detail: null }) },
      runs: (real) =>
        new Proxy(real, {
          get(target, property, receiver) {
            if (property !== 'list') return Reflect.get(target, property, receiver);
            return async (query: Parameters<PipelineRunRepository['list']>[0]) => {
              if (query.channelId === 'c-2') throw new Error('throttled beyond retries');
              return target.list(query);
            };
          },
        }),
    });
    for (let i = 1; i <= 4; i++) await w.channels.put(`c-${i}`, channelDefinition({ github: github('alpha') }), w.at);

    // Act
    const record = await w.sweep.sweep();

    // Assert
    expect(record).toMatchObject({ checked: 3, failed: 1 });
    expect(w.failures).toEqual(['c-2']);
    const stored = await w.health.getMany(['c-1', 'c-2', 'c-3', 'c-4']);
    expect([...stored.keys()].sort()).toEqual(['c-1', 'c-3', 'c-4']);
    expect(await w.health.lastSweep()).toMatchObject({ failed: 1, checked: 3 });
  });

  it('with no GitHub token configured, a repository is unhealthy for its credentials (github_token_missing), not a crash', async () => {
    // Prepare: the client the composition root builds when no token is set
    const noToken = new OctokitWorkflows({
      baseUrl: sim.url,
      token: async () => {
        throw new GitHubCallError('unauthorized', 'no GitHub token is configured (GITHUB_TOKEN locally, the token secret in AWS)', null);
      },
    });
    const w = await world({ check: noToken });
    await w.channels.put('alpha', channelDefinition({ github: github('alpha') }), w.at);

    // Act
    const record = await w.sweep.sweep();

    // Assert
    expect(record).toMatchObject({ checked: 1, failed: 0 });
    expect((await w.health.getMany(['alpha'])).get('alpha')).toMatchObject({ status: 'unhealthy', credentials: 'unauthorized', reason_code: 'github_token_missing' });
  });

  it('a rate-limited check keeps the last finding and makes no more checks in that sweep', async () => {
    // Prepare
    let calls = 0;
    const w = await world({
      concurrency: 1,
      check: {
        checkWorkflow: async () => {
          calls += 1;
          throw new GitHubCallError('rate_limited', 'GitHub answered 403: API rate limit exceeded', 403, 600);
        },
      },
    });
    for (let i = 1; i <= 3; i++) await w.channels.put(`r-${i}`, channelDefinition({ github: github('alpha') }), w.at);

    // Act
    const record = await w.sweep.sweep();

    // Assert: one channel at a time, so the first refusal stopped the rest
    expect(calls).toBe(1);
    expect(record).toMatchObject({ checked: 3, github_checked: 0, failed: 0 });
    const stored = await w.health.getMany(['r-1', 'r-2', 'r-3']);
    expect([...stored.values()].every((h) => h.repository === 'unchecked')).toBe(true);
  });
});
