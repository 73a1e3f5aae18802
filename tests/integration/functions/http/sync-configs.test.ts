import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctokitWorkflows } from '#shared/adapters/github/octokit-workflows';
import { CHANNEL_CONFIG_PATH } from '#shared/domain/channel-config-file';
import { routes } from '#shared/routes';
import { startGitHubSimulator, type GitHubSimulator } from '#infra/local/github-simulator';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';
import { snapshotTable, startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { channelBody } from '#tests/helpers/sample-entities';

type Handler = Handlers['start'];

/**
 * POST /sync-configs through the middy stack, against dynalite and the GitHub
 * simulator (SPEC "Distribution and configuration"): the answer's shape, and
 * bad input refused with `{error: {code, message, details}}` and nothing
 * written, in the table or in any repository.
 */
describe('Handler: POST /sync-configs', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let sim: GitHubSimulator;
  let http: Handlers;
  let syncConfigs: Handler;

  const sync = (body: unknown, headers: Record<string, string> = {}) => invoke(syncConfigs, apiEvent(routes.syncConfigs, { body, headers }));
  const puts = () => sim.requests.filter((r) => r.method === 'PUT').length;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    sim = await startGitHubSimulator({ token: 'ghp_handlerToken' });
    const githubContents = new OctokitWorkflows({ baseUrl: sim.url, token: async () => 'ghp_handlerToken', minMillisecondsBetweenWrites: 0 });
    http = await bootHandlers(table, { githubContents });
    syncConfigs = (await import('#functions/http/sync-configs')).handler;
    for (const [id, github] of [
      ['repo-a', { owner: 'acme', repo: 'repo-a', workflow: 'publish.yml' }],
      ['repo-b', { owner: 'acme', repo: 'repo-b', workflow: 'publish.yml', ref: 'release' }],
      ['no-repo', null],
    ] as const) {
      const body = channelBody({ github, config: { channel: id, limits: { daily: 3 } } });
      expect((await invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: id }, body }))).status).toBe(201);
    }
  });
  afterAll(async () => {
    await sim.close();
    await dynamo.close();
  });

  it('answers 200 with counts, skipped, errors and the detail; the old guide reads result["synced"] and result["errors"]', async () => {
    // Act
    const first = await sync({});
    const second = await sync({ channel_ids: ['repo-a', 'repo-b', 'no-repo'] });

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      synced: 2,
      unchanged: 0,
      skipped: [{ channel_id: 'no-repo', reason: 'no_repository' }],
      errors: [],
      channels: [
        { channel_id: 'no-repo', result: 'skipped', commit_sha: null },
        { channel_id: 'repo-a', result: 'synced', commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
        { channel_id: 'repo-b', result: 'synced', commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
      ],
      path: CHANNEL_CONFIG_PATH,
    });
    expect(sim.file('acme', 'repo-b', CHANNEL_CONFIG_PATH, 'release')).toBe('{\n  "channel": "repo-b",\n  "limits": {\n    "daily": 3\n  }\n}\n');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ synced: 0, unchanged: 2, errors: [] });
    const activity = await invoke(http.listActivity, apiEvent(routes.listActivity, { query: { type: 'channel.config_synced' } }));
    expect(activity.body.items).toHaveLength(2);
  });

  const refusals = [
    { what: 'an unknown channel id: 404 naming it', body: { channel_ids: ['repo-a', 'ghost'] }, status: 404, code: 'channel_not_found', details: { channel_ids: ['ghost'] } },
    { what: 'an unknown field: 400', body: { channel_ids: ['repo-a'], force: true }, status: 400, code: 'validation_failed', fields: ['body:force'] },
    { what: 'channel_ids not an array: 400', body: { channel_ids: 'repo-a' }, status: 400, code: 'validation_failed', fields: ['body:channel_ids'] },
    { what: 'an empty channel_ids: 400', body: { channel_ids: [] }, status: 400, code: 'validation_failed', fields: ['body:channel_ids'] },
    { what: 'a malformed channel id: 400', body: { channel_ids: ['not ok'] }, status: 400, code: 'validation_failed', fields: ['body:channel_ids.0'] },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.what}, writing nothing`, async () => {
      // Prepare: a config changed, so an accepted call would commit
      expect((await invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: 'repo-a' }, body: channelBody({ github: { owner: 'acme', repo: 'repo-a', workflow: 'publish.yml' }, config: { changed: refusal.what } }) }))).status).toBe(200);
      const before = await snapshotTable(table);
      const putsBefore = puts();

      // Act
      const answer = await sync(refusal.body, { 'idempotency-key': `sync-bad-${refusal.code}-${refusal.status}-${refusal.what.length}` });

      // Assess
      expect(answer.status).toBe(refusal.status);
      expect(answer.body.error).toEqual({ code: refusal.code, message: expect.any(String), details: expect.any(Object) });
      if (refusal.details) expect(answer.body.error.details).toMatchObject(refusal.details);
      if (refusal.fields) expect(answer.body.error.details.fields.map((f: { in: string; field: string }) => `${f.in}:${f.field}`)).toEqual(refusal.fields);
      expect(puts()).toBe(putsBefore);
      expect(await snapshotTable(table)).toEqual(before);
    });
  }
});
