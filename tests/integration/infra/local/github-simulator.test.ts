import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runIdForTrigger, runIdInName } from '#shared/domain/pipeline-run';
import { startGitHubSimulator, type GitHubSimulator, type GitHubSimulatorOptions } from '#infra/local/github-simulator';

const SECRET = 'webhook-secret-for-tests';
const TOKEN = 'ghp_simulatorTestToken';

/** GitHub's own workflow_run payloads (the @octokit/webhooks-examples package). */
const realWorkflowRunExamples = (createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[]).find(
  (e) => e.name === 'workflow_run',
)?.examples;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver that keeps each delivery's raw body, as the orchestrator's route must verify it. */
async function startReceiver(status = 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/orchestration/webhooks/github`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Function: startGitHubSimulator', () => {
  const toClose: { close(): Promise<void> }[] = [];
  const start = async (options: GitHubSimulatorOptions = {}) => {
    const sim = await startGitHubSimulator(options);
    toClose.push(sim);
    return sim;
  };
  const receiver = async (status?: number) => {
    const r = await startReceiver(status);
    toClose.push(r);
    return r;
  };
  afterEach(async () => {
    while (toClose.length > 0) await toClose.pop()?.close();
  });

  /** Plain HTTP, as any client would call GitHub. */
  const call = async (sim: GitHubSimulator, method: string, path: string, body?: unknown, token = TOKEN) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
  };
  const dispatch = (sim: GitHubSimulator, inputs: Record<string, unknown>, extra: Record<string, unknown> = { return_run_details: true }, path = '/repos/acme/chan/actions/workflows/publish.yml/dispatches') =>
    call(sim, 'POST', path, { ref: 'main', inputs, ...extra });

  describe('Workflow dispatch', () => {
    it('answers 200 with the run id and URLs when asked for run details, and names the run after its run-name', async () => {
      // Prepare
      const sim = await start();
      const runId = runIdForTrigger('slot/chan');

      // Act
      const { status, body } = await dispatch(sim, { run_id: runId, video_id: 'v-42', publications: '[]' });

      // Assess
      expect(status).toBe(200);
      expect(body).toEqual({
        workflow_run_id: sim.runs[0]?.id,
        run_url: `${sim.url}/repos/acme/chan/actions/runs/${sim.runs[0]?.id}`,
        html_url: `${sim.url}/acme/chan/actions/runs/${sim.runs[0]?.id}`,
      });
      expect(sim.runs[0]).toMatchObject({ name: 'Publish', display_title: `Publish v-42 [${runId}]`, status: 'queued', event: 'workflow_dispatch', head_branch: 'main' });
      expect(runIdInName(sim.runs[0]?.display_title)).toBe(runId);
    });

    it('answers 204 without run details', async () => {
      // Prepare
      const sim = await start();

      // Act
      const { status, body } = await dispatch(sim, {}, {});

      // Assess
      expect(status).toBe(204);
      expect(body).toBeNull();
      expect(sim.runs).toHaveLength(1);
    });

    it("takes GitHub's limits exactly: 25 inputs and 65,535 characters of inputs, and refuses one more with 422", async () => {
      // Prepare
      const sim = await start();
      const inputsOf = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`in_${String(i).padStart(2, '0')}`, 'x']));
      const sized = (chars: number) => {
        const inputs = { payload: '' };
        inputs.payload = 'y'.repeat(chars - JSON.stringify(inputs).length);
        expect(JSON.stringify(inputs)).toHaveLength(chars);
        return inputs;
      };

      // Act
      const answers = await Promise.all([dispatch(sim, inputsOf(25)), dispatch(sim, inputsOf(26)), dispatch(sim, sized(65_535)), dispatch(sim, sized(65_536))]);

      // Assess
      expect(answers.map((a) => a.status)).toEqual([200, 422, 200, 422]);
      expect(answers[1]?.body?.message).toContain('25');
      expect(answers[3]?.body?.message).toContain('65535');
      expect(sim.runs).toHaveLength(2);
    });

    it('refuses a dispatch without a ref (422)', async () => {
      // Prepare
      const sim = await start();

      // Act
      const { status, body } = await call(sim, 'POST', '/repos/acme/chan/actions/workflows/publish.yml/dispatches', { inputs: {} });

      // Assess
      expect(status).toBe(422);
      expect(body?.message).toContain('"ref"');
    });

    it('in strict mode knows only the configured repositories, workflows, branches and inputs', async () => {
      // Prepare
      const sim = await start({
        strict: true,
        repositories: [{ owner: 'acme', repo: 'chan', workflows: [{ file: 'publish.yml', inputs: ['run_id', 'video_id', 'publications'], requiredInputs: ['run_id'] }] }],
      });

      // Act
      const answers = await Promise.all([
        dispatch(sim, { run_id: 'run_x' }, {}, '/repos/acme/other/actions/workflows/publish.yml/dispatches'),
        dispatch(sim, { run_id: 'run_x' }, {}, '/repos/acme/chan/actions/workflows/other.yml/dispatches'),
        call(sim, 'POST', '/repos/acme/chan/actions/workflows/publish.yml/dispatches', { ref: 'feature', inputs: { run_id: 'run_x' } }),
        dispatch(sim, { run_id: 'run_x', colour: 'red' }, {}),
        dispatch(sim, { video_id: 'v' }, {}),
        dispatch(sim, { run_id: 'run_x' }, {}),
      ]);

      // Assess
      expect(answers.map((a) => a.status)).toEqual([404, 404, 422, 422, 422, 204]);
      expect(answers[2]?.body?.message).toBe('No ref found for: feature');
      expect(answers[3]?.body?.message).toBe('Unexpected inputs provided: ["colour"]');
      expect(answers[4]?.body?.message).toBe("Required input 'run_id' not provided");
    });
  });

  describe('Workflow runs', () => {
    it('lists runs newest first, a page at a time, with the Link header Octokit follows', async () => {
      // Prepare
      const sim = await start();
      for (let i = 0; i < 5; i++) await dispatch(sim, { run_id: runIdForTrigger(`slot-${i}/chan`), video_id: `v${i}` });
      const octokit = new Octokit({ baseUrl: sim.url, auth: TOKEN });

      // Act
      const first = await call(sim, 'GET', '/repos/acme/chan/actions/workflows/publish.yml/runs?per_page=2&event=workflow_dispatch');
      const all = await octokit.paginate('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', { owner: 'acme', repo: 'chan', workflow_id: 'publish.yml', per_page: 2 });

      // Assess
      expect(first.body?.total_count).toBe(5);
      expect(first.body?.workflow_runs.map((r: { display_title: string }) => r.display_title)).toEqual([expect.stringContaining('v4'), expect.stringContaining('v3')]);
      expect(first.headers.get('link')).toMatch(/page=2[^>]*>; rel="next".*page=3[^>]*>; rel="last"/);
      expect(all.map((r) => Number(r.id))).toEqual([...sim.runs].reverse().map((r) => r.id));
      expect(sim.requests.filter((r) => r.path.endsWith('/runs'))).toHaveLength(4);
    });

    it('filters by created (GitHub search syntax), event and status', async () => {
      // Prepare
      const sim = await start();
      await dispatch(sim, { run_id: 'run_first' });
      await dispatch(sim, { run_id: 'run_second' });
      await sim.completeRun(sim.runs[0]?.id ?? 0, 'success');
      const count = async (query: string) => (await call(sim, 'GET', `/repos/acme/chan/actions/workflows/publish.yml/runs?${query}`)).body?.total_count;
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

      // Act
      const counts = [
        await count(`created=${encodeURIComponent(`>=${hourAgo}`)}`),
        await count(`created=${encodeURIComponent(`>=${inAnHour}`)}`),
        await count(`created=${encodeURIComponent(`${hourAgo}..${inAnHour}`)}`),
        await count('event=push'),
        await count('status=completed'),
        await count('status=success'),
        await count('status=queued'),
      ];

      // Assess
      expect(counts).toEqual([2, 0, 2, 0, 1, 1, 1]);
    });

    it('goes queued -> in_progress -> completed on its timers, and signs a workflow_run webhook for each step', async () => {
      // Prepare
      const hooks = await receiver();
      const sim = await start({ webhook: { url: hooks.url, secret: SECRET }, startAfterMs: 50, completeAfterMs: 150, conclusion: 'success' });

      // Act
      const { body } = await dispatch(sim, { run_id: 'run_lifecycle0001', video_id: 'v1' });
      await vi.waitFor(() => expect(sim.run(body?.workflow_run_id)?.status).toBe('completed'), { timeout: 5000, interval: 10 });
      await sim.idle();
      const run = await call(sim, 'GET', `/repos/acme/chan/actions/runs/${body?.workflow_run_id}`);

      // Assess
      expect(run.body).toMatchObject({ id: body?.workflow_run_id, status: 'completed', conclusion: 'success', display_title: 'Publish v1 [run_lifecycle0001]' });
      const payloads = hooks.received.map((r) => JSON.parse(r.body) as { action: string; workflow_run: { status: string; conclusion: string | null } });
      expect(payloads.map((p) => [p.action, p.workflow_run.status, p.workflow_run.conclusion])).toEqual([
        ['requested', 'queued', null],
        ['in_progress', 'in_progress', null],
        ['completed', 'completed', 'success'],
      ]);
      for (const { headers, body: raw } of hooks.received) {
        expect(headers['x-github-event']).toBe('workflow_run');
        expect(headers['x-github-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(headers['content-type']).toBe('application/json');
        expect(await verify(SECRET, raw, String(headers['x-hub-signature-256']))).toBe(true);
        expect(await verify('another-secret', raw, String(headers['x-hub-signature-256']))).toBe(false);
      }
      expect(new Set(hooks.received.map((r) => r.headers['x-github-delivery'])).size).toBe(3);
      expect(sim.deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    });

    it("shapes its webhook payloads like GitHub's own workflow_run examples", async () => {
      // Prepare
      const hooks = await receiver();
      const sim = await start({ webhook: { url: hooks.url, secret: SECRET } });
      const { body } = await dispatch(sim, { run_id: 'run_shape000001', video_id: 'v1' });

      // Act
      await sim.completeRun(body?.workflow_run_id, 'failure');

      // Assess
      const ours = JSON.parse(hooks.received.at(-1)?.body ?? '{}') as Record<string, Record<string, unknown>>;
      const example = realWorkflowRunExamples?.find((e) => e.action === 'requested' && 'display_title' in (e.workflow_run as object)) as Record<string, Record<string, unknown>>;
      expect(example).toBeDefined();
      const topLevel = Object.keys(example).filter((k) => k !== 'organization' && k !== 'installation');
      expect(Object.keys(ours)).toEqual(expect.arrayContaining(topLevel));
      expect(Object.keys(ours.workflow_run ?? {})).toEqual(expect.arrayContaining(Object.keys(example.workflow_run ?? {})));
      expect(Object.keys(ours.workflow ?? {})).toEqual(expect.arrayContaining(Object.keys(example.workflow ?? {})));
      expect(ours.workflow_run).toMatchObject({ id: body?.workflow_run_id, status: 'completed', conclusion: 'failure', event: 'workflow_dispatch', run_number: 1 });
      expect(ours.workflow_run?.display_title).toBe('Publish v1 [run_shape000001]');
    });

    it('stays queued until told when its timers are 0; completeRun passes through in_progress; redeliver resends the same delivery', async () => {
      // Prepare
      const hooks = await receiver();
      const sim = await start({ webhook: { url: hooks.url, secret: SECRET } });
      const { body } = await dispatch(sim, { run_id: 'run_manual000001' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stillQueued = sim.run(body?.workflow_run_id)?.status;

      // Act
      await sim.completeRun(body?.workflow_run_id, 'cancelled');
      await sim.completeRun(body?.workflow_run_id, 'success');
      const last = sim.deliveries.at(-1);
      await sim.redeliver(last?.id ?? '');

      // Assess
      expect(stillQueued).toBe('queued');
      expect(sim.deliveries.map((d) => d.action)).toEqual(['requested', 'in_progress', 'completed']);
      expect(sim.run(body?.workflow_run_id)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
      expect(hooks.received).toHaveLength(4);
      expect(hooks.received[3]?.headers['x-github-delivery']).toBe(last?.id);
      expect(hooks.received[3]?.body).toBe(hooks.received[2]?.body);
    });

    it('records a delivery the receiver could not take, and carries on', async () => {
      // Prepare
      const down = await receiver();
      const url = down.url;
      await toClose.pop()?.close();
      const sim = await start({ webhook: { url, secret: SECRET } });

      // Act
      const { status } = await dispatch(sim, { run_id: 'run_nobodyhome01' });
      await sim.idle();

      // Assess
      expect(status).toBe(200);
      expect(sim.deliveries[0]).toMatchObject({ action: 'requested', status: null, error: expect.any(String) });
    });

    it('answers 404 for a run it does not know', async () => {
      // Prepare
      const sim = await start();

      // Act
      const { status, body } = await call(sim, 'GET', '/repos/acme/chan/actions/runs/12345');

      // Assess
      expect(status).toBe(404);
      expect(body?.message).toBe('Not Found');
    });
  });

  describe('Authentication', () => {
    it('requires a token, and only the configured one when configured', async () => {
      // Prepare
      const open = await start();
      const locked = await start({ token: TOKEN });

      // Act
      const answers = await Promise.all([
        call(open, 'GET', '/repos/acme/chan', undefined, ''),
        call(open, 'GET', '/repos/acme/chan', undefined, 'anything'),
        call(locked, 'GET', '/repos/acme/chan', undefined, 'wrong'),
        call(locked, 'GET', '/repos/acme/chan', undefined, TOKEN),
      ]);

      // Assess
      expect(answers.map((a) => [a.status, a.body?.message ?? null])).toEqual([
        [401, 'Requires authentication'],
        [200, null],
        [401, 'Bad credentials'],
        [200, null],
      ]);
    });
  });

  describe('Misbehaviours', () => {
    it('answers the next matching requests as told, then normally again', async () => {
      // Prepare
      const sim = await start();
      sim.misbehave({ method: 'POST', path: /\/dispatches$/, status: 403, times: 2, headers: { 'retry-after': '7' } });
      sim.misbehave({ path: '/repos/acme/chan/actions/runs', status: 502 });

      // Act
      const dispatches = [await dispatch(sim, {}), await dispatch(sim, {}), await dispatch(sim, {})];
      const reads = [await call(sim, 'GET', '/repos/acme/chan/actions/runs/1'), await call(sim, 'GET', '/repos/acme/chan')];

      // Assess
      expect(dispatches.map((d) => d.status)).toEqual([403, 403, 200]);
      expect(dispatches[0]?.headers.get('retry-after')).toBe('7');
      expect(dispatches[0]?.body?.message).toContain('secondary rate limit');
      expect(reads.map((r) => r.status)).toEqual([502, 200]);
      expect(sim.requests.map((r) => r.status)).toEqual([403, 403, 200, 502, 200]);
    });

    it('tells a primary rate limit from a secondary one, and a permission refusal from both', async () => {
      // Prepare
      const sim = await start();
      sim.misbehave({ path: '/repos', status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1900000000' } });
      sim.misbehave({ path: '/repos', status: 429, headers: { 'retry-after': '1' } });
      sim.misbehave({ path: '/repos', status: 403 });
      sim.misbehave({ path: '/repos', status: 422, body: { message: 'custom' } });

      // Act
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await call(sim, 'GET', '/repos/acme/chan'));

      // Assess
      expect(answers.map((a) => [a.status, a.body?.message])).toEqual([
        [403, 'API rate limit exceeded for user ID 1.'],
        [429, expect.stringContaining('secondary rate limit')],
        [403, 'Resource not accessible by personal access token'],
        [422, 'custom'],
      ]);
      expect(answers[0]?.headers.get('x-ratelimit-remaining')).toBe('0');
    });

    it('delays an answer without changing it', async () => {
      // Prepare
      const sim = await start();
      sim.misbehave({ path: '/repos/acme/chan', delayMs: 200 });
      const started = Date.now();

      // Act
      const { status } = await call(sim, 'GET', '/repos/acme/chan');

      // Assess
      expect(status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it("enforces GitHub's secondary limit on content-creating requests when configured", async () => {
      // Prepare
      const sim = await start({ writesPerMinute: 3 });

      // Act
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await dispatch(sim, {}));
      const read = await call(sim, 'GET', '/repos/acme/chan');

      // Assess
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 403]);
      expect(Number(answers[3]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(read.status).toBe(200);
    });
  });

  describe('Repositories, workflows, contents and the rate limit', () => {
    it('describes a repository and its workflows', async () => {
      // Prepare
      const sim = await start({ repositories: [{ owner: 'acme', repo: 'chan', defaultBranch: 'trunk', workflows: [{ file: 'publish.yml', name: 'Publish video' }] }] });

      // Act
      const repository = await call(sim, 'GET', '/repos/acme/chan');
      const workflows = await call(sim, 'GET', '/repos/acme/chan/actions/workflows');
      const workflow = await call(sim, 'GET', `/repos/acme/chan/actions/workflows/${workflows.body?.workflows[0].id}`);

      // Assess
      expect(repository.body).toMatchObject({ full_name: 'acme/chan', default_branch: 'trunk', archived: false, permissions: { push: true } });
      expect(workflows.body).toMatchObject({ total_count: 1, workflows: [{ name: 'Publish video', path: '.github/workflows/publish.yml', state: 'active' }] });
      expect(workflow.body).toEqual(workflows.body?.workflows[0]);
    });

    it('keeps files with git blob shas, and refuses a write that does not name the current sha', async () => {
      // Prepare
      const sim = await start({ repositories: [{ owner: 'acme', repo: 'chan', files: { 'config/channel.json': 'hello\n' } }] });
      const path = '/repos/acme/chan/contents/config/channel.json';
      const base64 = (s: string) => Buffer.from(s).toString('base64');

      // Act
      const before = await call(sim, 'GET', path);
      const withoutSha = await call(sim, 'PUT', path, { message: 'update', content: base64('{"a":1}\n') });
      const staleSha = await call(sim, 'PUT', path, { message: 'update', content: base64('{"a":1}\n'), sha: 'f'.repeat(40) });
      const updated = await call(sim, 'PUT', path, { message: 'update', content: base64('{"a":1}\n'), sha: before.body?.sha });
      const created = await call(sim, 'PUT', '/repos/acme/chan/contents/new.txt', { message: 'add', content: base64('new') });
      const missing = await call(sim, 'GET', '/repos/acme/chan/contents/absent.txt');

      // Assess
      expect(before.body).toMatchObject({ type: 'file', encoding: 'base64', path: 'config/channel.json', size: 6 });
      expect(before.body?.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a'); // `git hash-object` of "hello\n"
      expect(Buffer.from(before.body?.content, 'base64').toString()).toBe('hello\n');
      expect([withoutSha.status, staleSha.status, updated.status, created.status, missing.status]).toEqual([422, 409, 200, 201, 404]);
      expect(updated.body?.content.sha).toBe(createHash('sha1').update('blob 8\0{"a":1}\n').digest('hex'));
      expect(sim.file('acme', 'chan', 'config/channel.json')).toBe('{"a":1}\n');
      expect(sim.commits.map((c) => [c.path, c.message])).toEqual([
        ['config/channel.json', 'update'],
        ['new.txt', 'add'],
      ]);
    });

    it('counts requests in the x-ratelimit headers and GET /rate_limit', async () => {
      // Prepare
      const sim = await start();

      // Act
      const first = await call(sim, 'GET', '/repos/acme/chan');
      const second = await call(sim, 'GET', '/repos/acme/chan');
      const limits = await call(sim, 'GET', '/rate_limit');

      // Assess
      expect(Number(first.headers.get('x-ratelimit-remaining')) - Number(second.headers.get('x-ratelimit-remaining'))).toBe(1);
      expect(limits.body?.resources.core).toMatchObject({ limit: 5000, used: 2, remaining: 4998, reset: expect.any(Number) });
      expect(limits.body?.rate).toEqual(limits.body?.resources.core);
    });
  });
});

