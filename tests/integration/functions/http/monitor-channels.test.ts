import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoChannelHealthRepository } from '#shared/adapters/dynamodb/channel-health-repository';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { OctokitWorkflows } from '#shared/adapters/github/octokit-workflows';
import { mapConcurrent } from '#shared/concurrency';
import { evaluateHealth } from '#shared/domain/channel-health';
import { routes } from '#shared/routes';
import { startGitHubSimulator, type GitHubSimulator } from '#infra/local/github-simulator';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';
import { snapshotTable, startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { channelBody, channelDefinition } from '#tests/helpers/sample-entities';

type Handler = Handlers['start'];

/**
 * GET /monitor-channels through the middy stack, against dynalite and the
 * GitHub simulator (SPEC "Monitoring"; issue 10 item 3): the answer from the
 * last sweep, a live refresh, the filters, bad input refused with
 * `{error: {code, message, details}}`, and, at 1,000 channels, O(channels)
 * items read and no Scan.
 */
describe('Handler: GET /monitor-channels', () => {
  const TOKEN = 'ghp_monitorHandlerToken0123';
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let sim: GitHubSimulator;
  let http: Handlers;
  let monitor: Handler;
  let root: typeof import('#shared/composition-root');

  const get = (query: Record<string, string> = {}) => invoke(monitor, apiEvent(routes.monitorChannels, { query }));

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    sim = await startGitHubSimulator({
      token: TOKEN,
      strict: true,
      repositories: [
        { owner: 'acme', repo: 'good', workflows: [{ file: 'publish.yml' }] },
        { owner: 'acme', repo: 'broken', workflows: [{ file: 'publish.yml' }], failWith: 500 },
      ],
    });
    const githubHealthCheck = new OctokitWorkflows({ baseUrl: sim.url, token: async () => TOKEN, serverErrorBaseDelayMs: 5, serverErrorRetries: 1 });
    http = await bootHandlers(table, { githubHealthCheck });
    root = await import('#shared/composition-root');
    monitor = (await import('#functions/http/monitor-channels')).handler;
    for (const [id, repo] of [['mon-good', 'good'], ['mon-broken', 'broken'], ['mon-plain', null]] as const) {
      const github = repo ? { owner: 'acme', repo, workflow: 'publish.yml' } : null;
      expect((await invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: id }, body: channelBody({ name: `Channel ${id}`, github }) }))).status).toBe(201);
    }
  });
  afterAll(async () => {
    await sim.close();
    await dynamo.close();
  });

  it('answers every channel, unknown before any sweep, then as the last sweep found it; the old guide reads name, health, status and statistics', async () => {
    // Act: before the first sweep, the sweep, after it
    const before = await get();
    const record = await root.channelHealthSweep().sweep();
    const after = await get();

    // Assess
    expect(before.status).toBe(200);
    expect(before.body.checked_at).toBeNull();
    expect(before.body.channels.map((c: { health: { status: string } }) => c.health.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(after.status).toBe(200);
    expect(after.body.checked_at).toBe(record.finished_at);
    const [broken, good, plain] = after.body.channels;
    expect(good).toEqual({
      channel_id: 'mon-good',
      name: 'Channel mon-good',
      health: {
        status: 'healthy',
        repository: 'reachable',
        credentials: 'valid',
        workflow: 'found',
        checked_at: expect.any(String),
        repository_checked_at: expect.any(String),
        reason: expect.any(String),
        reason_code: 'ok',
      },
      status: 'active',
      errors: [],
      statistics: { total: 0, succeeded: 0, failed: 0, success_rate: null, period_days: 30 },
      last_publication_at: null,
    });
    expect(broken).toMatchObject({ channel_id: 'mon-broken', health: { status: 'unhealthy', repository: 'unreachable', reason_code: 'repository_unreachable' } });
    expect(broken.errors[0]).toMatchObject({ source: 'check', code: 'repository_unreachable' });
    expect(plain).toMatchObject({ channel_id: 'mon-plain', health: { status: 'unknown', repository: 'none', credentials: 'none' } });
  });

  it('refresh=true checks the chosen channel on GitHub now, and stores what it found', async () => {
    // Prepare: the repository recovered since the sweep
    sim.failRepository('acme', 'broken', null);
    const requestsBefore = sim.requests.length;

    // Act
    const live = await get({ channel_id: 'mon-broken', refresh: 'true' });
    const stored = await get({ channel_id: 'mon-broken' });

    // Assess
    expect(live.status).toBe(200);
    expect(live.body.channels).toHaveLength(1);
    expect(live.body.channels[0].health).toMatchObject({ status: 'healthy', repository: 'reachable' });
    expect(sim.requests.slice(requestsBefore).map((r) => r.path)).toEqual(['/repos/acme/broken', '/repos/acme/broken/actions/workflows/publish.yml']);
    expect(stored.body.channels[0].health).toEqual(live.body.channels[0].health);
  });

  it('pages with limit and cursor, in id order, the pages together the whole list; without them every channel in one answer', async () => {
    // Act
    const whole = await get();
    const first = await get({ limit: '2' });
    const second = await get({ limit: '2', cursor: first.body.next_cursor });

    // Assess
    const ids = (answer: { body: { channels: { channel_id: string }[] } }) => answer.body.channels.map((c) => c.channel_id);
    expect(whole.body.next_cursor).toBeNull();
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual(['mon-broken', 'mon-good']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect(ids(second)).toEqual(['mon-plain']);
    expect(second.body.next_cursor).toBeNull();
    expect([...second.body.channels, ...first.body.channels].sort((a: { channel_id: string }, b: { channel_id: string }) => a.channel_id.localeCompare(b.channel_id))).toEqual(whole.body.channels);
  });

  it("refuses GET /channels's cursor: a cursor is bound to its list", async () => {
    // Prepare
    const channelsPage = await invoke(http.listChannels, apiEvent(routes.listChannels, { query: { limit: '1' } }));
    expect(channelsPage.body.next_cursor).toEqual(expect.any(String));

    // Act
    const answer = await get({ cursor: channelsPage.body.next_cursor });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_cursor', details: { fields: [{ in: 'query', field: 'cursor' }] } });
  });

  const refusals: { what: string; query: Record<string, string>; status: number; code: string; details?: Record<string, unknown>; fields?: string[] }[] = [
    { what: 'an unknown channel: 404 naming it', query: { channel_id: 'ghost' }, status: 404, code: 'channel_not_found', details: { channel_id: 'ghost' } },
    { what: 'an unknown query parameter: 400 naming it', query: { status: 'active' }, status: 400, code: 'validation_failed', fields: ['query:status'] },
    { what: 'a malformed channel id: 400', query: { channel_id: 'not ok' }, status: 400, code: 'validation_failed', fields: ['query:channel_id'] },
    { what: 'refresh that is not true or false: 400', query: { refresh: 'yes' }, status: 400, code: 'validation_failed', fields: ['query:refresh'] },
    { what: 'a limit of 0: 400 naming it', query: { limit: '0' }, status: 400, code: 'validation_failed', fields: ['query:limit'] },
    { what: 'a limit over 100: 400 naming it', query: { limit: '101' }, status: 400, code: 'validation_failed', fields: ['query:limit'] },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.what}, writing nothing and calling GitHub for nothing`, async () => {
      // Prepare
      const before = await snapshotTable(table);
      const requestsBefore = sim.requests.length;

      // Act
      const answer = await get({ ...refusal.query, ...(refusal.status === 404 ? { refresh: 'true' } : {}) });

      // Assess
      expect(answer.status).toBe(refusal.status);
      expect(answer.body.error).toEqual({ code: refusal.code, message: expect.any(String), details: expect.any(Object) });
      if (refusal.details) expect(answer.body.error.details).toMatchObject(refusal.details);
      if (refusal.fields) expect(answer.body.error.details.fields.map((f: { in: string; field: string }) => `${f.in}:${f.field}`)).toEqual(refusal.fields);
      expect(sim.requests.length).toBe(requestsBefore);
      expect(await snapshotTable(table)).toEqual(before);
    });
  }

  it("deleting a channel removes its health item with it", async () => {
    // Prepare: a channel with a stored health
    expect((await invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: 'mon-gone' }, body: channelBody({ github: null }) }))).status).toBe(201);
    expect((await get({ channel_id: 'mon-gone', refresh: 'true' })).status).toBe(200);
    const health = new DynamoChannelHealthRepository(table);
    expect([...(await health.getMany(['mon-gone'])).keys()]).toEqual(['mon-gone']);

    // Act
    const deleted = await invoke(http.deleteChannel, apiEvent(routes.deleteChannel, { params: { channel_id: 'mon-gone' } }));

    // Assess
    expect(deleted.status).toBe(200);
    expect((await health.getMany(['mon-gone'])).size).toBe(0);
  });

  it('at 1,000 channels reads O(channels) items (the list, the health items, the day counters) and scans nothing', async () => {
    // Prepare: a table of its own with 1,000 channels (half with a repository), each with a health item
    const big = await dynamo.createTable('monitor-scale');
    const channels = new DynamoChannelRepository(big);
    const health = new DynamoChannelHealthRepository(big);
    const ids = Array.from({ length: 1000 }, (_, i) => `scale-${String(i).padStart(4, '0')}`);
    const now = new Date();
    await mapConcurrent(ids, 16, async (id, i) => {
      const github = i % 2 === 0 ? { owner: 'acme', repo: id, workflow: 'publish.yml', ref: 'main' } : null;
      await channels.put(id, channelDefinition({ name: id, github }), now.toISOString());
      await health.put(evaluateHealth({ channelId: id, now, runs: [], repository: github ? { finding: null, checkedAt: null } : null }));
    });
    const { useLocalTable } = await import('#shared/config');
    useLocalTable(big.tableName, big.endpoint);
    root.resetComposition();
    root.overrideAdapters({ githubHealthCheck: { checkWorkflow: async () => Promise.reject(new Error('no GitHub call expected')) } });
    const reads = { calls: new Map<string, number>(), items: 0 };
    root.dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const output = result.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
        reads.calls.set(context.commandName ?? '?', (reads.calls.get(context.commandName ?? '?') ?? 0) + 1);
        reads.items += (output.Items?.length ?? 0) + (output.Item ? 1 : 0) + Object.values(output.Responses ?? {}).reduce((n, items) => n + items.length, 0);
        return result;
      },
      { step: 'initialize', name: 'countReads' },
    );

    // Act
    const startedAt = Date.now();
    const answer = await get();
    const elapsedMs = Date.now() - startedAt;

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.channels).toHaveLength(1000);
    expect(reads.calls.has('ScanCommand')).toBe(false);
    // The list (1,000) and the health items (1,000); the day counters are empty here, one Query a channel all the same.
    expect(reads.items).toBeGreaterThanOrEqual(2 * 1000); // the meter sees the reads: not vacuous
    expect(reads.items).toBeLessThanOrEqual(2 * 1000 + 1);
    expect(reads.calls.get('QueryCommand') ?? 0).toBeLessThanOrEqual(1000 + Math.ceil(1000 / 100) + 5);
    expect(reads.calls.get('BatchGetItemCommand') ?? 0).toBeLessThanOrEqual(Math.ceil(1000 / 100) * 2);
    expect(elapsedMs).toBeLessThan(15_000);
  }, 60_000);
});
