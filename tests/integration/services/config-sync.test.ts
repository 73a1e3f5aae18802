import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { OctokitWorkflows } from '#shared/adapters/github/octokit-workflows';
import { CHANNEL_CONFIG_PATH } from '#shared/domain/channel-config-file';
import { NotFound } from '#shared/domain/errors';
import { ConfigSync } from '#shared/services/config-sync';
import { startGitHubSimulator, type GitHubSimulator } from '#infra/local/github-simulator';
import { snapshotTable, startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock, SequentialIds } from '#tests/helpers/in-memory-ports';
import { channelDefinition } from '#tests/helpers/sample-entities';

/**
 * ConfigSync with the real GitHub client against the simulator and the
 * channels and activity log on dynalite (SPEC "Distribution and
 * configuration", issue 10 item 6).
 */
const TOKEN = 'ghp_configSyncSecretToken012345';
const meta = { actor: 'tester', request_id: 'req-sync' };
const repoOf = (repo: string, ref = 'main') => ({ owner: 'acme', repo, workflow: 'publish.yml', ref });
/** The client encodes the file's path as one segment (`.orchestrator%2Fchannel.json`). */
const PUTS = (repo: string) => (r: { method: string; path: string }) => r.method === 'PUT' && r.path.startsWith(`/repos/acme/${repo}/contents/`);

describe('Class: ConfigSync (simulator + dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  let sim: GitHubSimulator;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    sim = await startGitHubSimulator({
      token: TOKEN,
      repositories: [
        { owner: 'acme', repo: 'alpha' },
        { owner: 'acme', repo: 'beta', branches: ['config'] },
        { owner: 'acme', repo: 'broken' },
        { owner: 'acme', repo: 'refused' },
      ],
    });
  });
  afterAll(async () => {
    await sim.close();
    await dynamo.close();
  });
  beforeEach(() => sim.clearMisbehaviours());

  async function world() {
    const table: EmbeddedTable = await dynamo.createTable('sync');
    const clock = new FixedClock('2026-12-01T10:00:00.000Z');
    const channels = new DynamoChannelRepository(table);
    const activity = new DynamoActivityLog(table, clock, 30);
    const github = new OctokitWorkflows({ baseUrl: sim.url, token: async () => TOKEN, serverErrorBaseDelayMs: 5, serverErrorRetries: 1, minMillisecondsBetweenWrites: 0 });
    const service = new ConfigSync({ channels, github, activity, clock, ids: new SequentialIds('ACT') });
    const at = clock.now().toISOString();
    return { table, channels, activity, service, at };
  }

  it('commits each changed config once (synced); a second run with nothing changed commits nothing (unchanged)', async () => {
    // Prepare: keys in two orders, a branch of its own, a channel without a repository
    const { channels, activity, service, at } = await world();
    await channels.put('alpha', channelDefinition({ github: repoOf('alpha'), config: { b: 1, a: { y: [2, 1], x: null } } }), at);
    await channels.put('beta', channelDefinition({ github: repoOf('beta', 'config'), config: { theme: 'light' } }), at);
    await channels.put('loner', channelDefinition({ github: null }), at);
    const commitsBefore = sim.commits.length;

    // Act
    const first = await service.sync({}, meta);
    const putsAfterFirst = sim.requests.filter((r) => r.method === 'PUT').length;
    const second = await service.sync({}, meta);

    // Assess
    expect(first).toMatchObject({ synced: 2, unchanged: 0, skipped: [{ channel_id: 'loner', reason: 'no_repository' }], errors: [] });
    expect(first.channels.map((c) => [c.channel_id, c.result])).toEqual([['alpha', 'synced'], ['beta', 'synced'], ['loner', 'skipped']]);
    expect(sim.file('acme', 'alpha', CHANNEL_CONFIG_PATH, 'main')).toBe('{\n  "a": {\n    "x": null,\n    "y": [\n      2,\n      1\n    ]\n  },\n  "b": 1\n}\n');
    expect(sim.file('acme', 'beta', CHANNEL_CONFIG_PATH, 'config')).toBe('{\n  "theme": "light"\n}\n');
    expect(sim.commits.slice(commitsBefore).map((c) => [c.repo, c.branch, c.message])).toEqual(
      expect.arrayContaining([['alpha', 'main', 'orchestrator: sync channel config'], ['beta', 'config', 'orchestrator: sync channel config']]),
    );
    expect(second).toMatchObject({ synced: 0, unchanged: 2, errors: [] });
    expect(sim.requests.filter((r) => r.method === 'PUT')).toHaveLength(putsAfterFirst);
    expect(sim.commits).toHaveLength(commitsBefore + 2);
    const entries = (await activity.list({ limit: 10, type: 'channel.config_synced' })).items;
    expect(entries).toHaveLength(2);
    const alphaCommit = first.channels.find((c) => c.channel_id === 'alpha')?.commit_sha;
    expect(entries.find((e) => e.target.id === 'alpha')).toMatchObject({
      target: { type: 'channel', id: 'alpha' },
      channel_ids: ['alpha'],
      details: { path: CHANNEL_CONFIG_PATH, commit_sha: alphaCommit },
      request_id: 'req-sync',
    });
  });

  it('replaces a file whose config changed, naming its sha', async () => {
    const { channels, service, at } = await world();
    await channels.put('alpha', channelDefinition({ github: repoOf('alpha'), config: { version: 1 } }), at);
    await service.sync({ channel_ids: ['alpha'] }, meta);
    await channels.put('alpha', channelDefinition({ github: repoOf('alpha'), config: { version: 2 } }), at);

    const report = await service.sync({ channel_ids: ['alpha'] }, meta);

    expect(report).toMatchObject({ synced: 1, unchanged: 0, errors: [] });
    expect(sim.file('acme', 'alpha', CHANNEL_CONFIG_PATH, 'main')).toBe('{\n  "version": 2\n}\n');
    expect(sim.requests.filter(PUTS('alpha')).at(-1)?.body).toMatchObject({ sha: expect.stringMatching(/^[0-9a-f]{40}$/), branch: 'main' });
  });

  it("a repository answering 500 and a refused token end in errors, with no token in them, while the others sync", async () => {
    // Prepare
    const { channels, service, at } = await world();
    for (const id of ['alpha', 'broken', 'refused']) await channels.put(id, channelDefinition({ github: repoOf(id), config: { id, at: 'sweep' } }), at);
    await channels.put('loner', channelDefinition({ github: null }), at);
    sim.misbehave({ path: '/repos/acme/broken/', status: 500, times: 20 });
    sim.misbehave({ path: '/repos/acme/refused/', status: 401, times: 20 });

    // Act
    const report = await service.sync({}, meta);

    // Assess
    expect(report.synced).toBe(1);
    expect(report.skipped).toEqual([{ channel_id: 'loner', reason: 'no_repository' }]);
    expect(report.errors.map((e) => e.channel_id)).toEqual(['broken', 'refused']);
    expect(report.errors[0]?.error).toMatch(/acme\/broken: GitHub did not answer \(unavailable 500\)/);
    expect(report.errors[1]?.error).toMatch(/acme\/refused: the token may not write to the repository \(unauthorized 401\)/);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
    expect(sim.file('acme', 'alpha', CHANNEL_CONFIG_PATH, 'main')).toContain('"sweep"');
  });

  it('a sha conflict (409) is that channel\'s error', async () => {
    const { channels, service, at } = await world();
    await channels.put('alpha', channelDefinition({ github: repoOf('alpha'), config: { conflict: true } }), at);
    sim.misbehave({ method: 'PUT', path: '/repos/acme/alpha/contents/', status: 409 });

    const report = await service.sync({ channel_ids: ['alpha'] }, meta);

    expect(report).toMatchObject({ synced: 0, errors: [{ channel_id: 'alpha', error: expect.stringMatching(/changed while it was being written.*409/) }] });
  });

  it('unknown channel ids: 404 naming every one of them, nothing written', async () => {
    const { channels, service, table, at } = await world();
    await channels.put('alpha', channelDefinition({ github: repoOf('alpha'), config: { unknown: 'ids' } }), at);
    const before = await snapshotTable(table);
    const putsBefore = sim.requests.filter((r) => r.method === 'PUT').length;

    const error = await service.sync({ channel_ids: ['alpha', 'ghost-1', 'ghost-2'] }, meta).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFound);
    expect(error).toMatchObject({ code: 'channel_not_found', details: { channel_ids: ['ghost-1', 'ghost-2'] } });
    expect(sim.requests.filter((r) => r.method === 'PUT')).toHaveLength(putsBefore);
    expect(await snapshotTable(table)).toEqual(before);
  });

  it('every channel, over several pages of the registry', async () => {
    const { channels, service, at } = await world();
    for (let i = 0; i < 230; i += 1) await channels.put(`c-${String(i).padStart(3, '0')}`, channelDefinition({ github: null }), at);

    const report = await service.sync({}, meta);

    expect(report.skipped).toHaveLength(230);
    expect(report.channels.at(-1)?.channel_id).toBe('c-229');
  });
});
