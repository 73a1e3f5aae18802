import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OctokitWorkflows, type OctokitWorkflowsOptions } from '#shared/adapters/github/octokit-workflows';
import { runIdForTrigger, runIdInName, runNameMarker } from '#shared/domain/pipeline-run';
import type { WorkflowTarget } from '#shared/ports/github';
import { startGitHubSimulator, type GitHubSimulator } from '#infra/local/github-simulator';
import { githubFailureOf } from '#tests/helpers/expectations';

/**
 * The real Octokit (with its throttling and retry plugins) against the GitHub
 * simulator on 127.0.0.1: nothing of Octokit is mocked.
 */
const TOKEN = 'ghp_simulatedSecretToken0123456789';
const target: WorkflowTarget = { owner: 'acme', repo: 'channel-one', workflow: 'publish.yml', ref: 'main' };
const DISPATCHES = /\/actions\/workflows\/[^/]+\/dispatches$/;

/** The inputs the dispatcher sends for one run. */
const inputsFor = (runId: string, videoId = 'vid-1') => ({
  run_id: runId,
  video_id: videoId,
  publications: JSON.stringify([{ publication_id: `pub-${videoId}`, video_id: videoId }]),
});

describe('Class: OctokitWorkflows', () => {
  let sim: GitHubSimulator;
  const logLines: string[] = [];

  /** A client as the composition root builds one, with the 5xx backoff shortened (the waits for rate limits are real). */
  const client = (overrides: Partial<OctokitWorkflowsOptions> = {}) =>
    new OctokitWorkflows({
      baseUrl: sim.url,
      token: async () => TOKEN,
      log: { debug: (m) => logLines.push(m), warn: (m) => logLines.push(m) },
      serverErrorBaseDelayMs: 10,
      minMillisecondsBetweenWrites: 0,
      ...overrides,
    });
  /** A run started by someone else (plain HTTP: faster than the client's plugins for seeding). */
  const dispatchDirectly = async ({ owner, repo, workflow, ref }: WorkflowTarget, inputs: Record<string, string>) => {
    const response = await fetch(`${sim.url}/repos/${owner}/${repo}/actions/workflows/${workflow}/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref, inputs }),
    });
    expect(response.status).toBe(204);
  };
  const dispatchRequests = () => sim.requests.filter((r) => r.method === 'POST' && DISPATCHES.test(r.path));

  beforeAll(async () => {
    sim = await startGitHubSimulator({ token: TOKEN });
  });
  afterEach(() => {
    sim.clearMisbehaviours();
    sim.requests.length = 0;
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('Method: dispatch', () => {
    it('starts the workflow with the inputs and returns the run id and URL GitHub gave (return_run_details)', async () => {
      // Prepare
      const runId = runIdForTrigger('slot-1/channel-one');

      // Act
      const dispatched = await client().dispatch(target, inputsFor(runId));

      // Assess
      const sent = sim.dispatches.at(-1);
      expect(sent).toMatchObject({ owner: 'acme', repo: 'channel-one', workflow: 'publish.yml', ref: 'main', return_run_details: true, inputs: inputsFor(runId) });
      expect(dispatched).toEqual({ github_run_id: sent?.github_run_id, html_url: `${sim.url}/acme/channel-one/actions/runs/${sent?.github_run_id}` });
      expect(runIdInName(sim.run(dispatched.github_run_id ?? 0)?.display_title)).toBe(runId);
    });

    it('answers without a run id when GitHub answers 204 (no run details)', async () => {
      // Prepare
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 204 });

      // Act
      const dispatched = await client().dispatch(target, inputsFor(runIdForTrigger('slot-204/channel-one')));

      // Assess
      expect(dispatched).toEqual({ github_run_id: null, html_url: null });
    });

    it('waits out a secondary rate limit (403, retry-after: 1) and succeeds on the one retry', async () => {
      // Prepare
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 403, headers: { 'retry-after': '1' } });
      const started = Date.now();

      // Act
      const dispatched = await client().dispatch(target, inputsFor(runIdForTrigger('slot-403/channel-one')));

      // Assess
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(dispatched.github_run_id).toEqual(expect.any(Number));
      expect(dispatchRequests().map((r) => r.status)).toEqual([403, 200]);
    });

    it('waits for the primary limit to reset (403, x-ratelimit-remaining: 0) and succeeds', async () => {
      // Prepare
      const reset = Math.floor(Date.now() / 1000) + 1;
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });

      // Act
      const dispatched = await client().dispatch(target, inputsFor(runIdForTrigger('slot-primary/channel-one')));

      // Assess
      expect(Date.now()).toBeGreaterThanOrEqual(reset * 1000);
      expect(dispatched.github_run_id).toEqual(expect.any(Number));
      expect(dispatchRequests().map((r) => r.status)).toEqual([403, 200]);
    });

    it('waits out a 429 (retry-after: 1) and succeeds', async () => {
      // Prepare
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 429, headers: { 'retry-after': '1' } });
      const started = Date.now();

      // Act
      const dispatched = await client().dispatch(target, inputsFor(runIdForTrigger('slot-429/channel-one')));

      // Assess
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(dispatched.github_run_id).toEqual(expect.any(Number));
      expect(dispatchRequests().map((r) => r.status)).toEqual([429, 200]);
    });

    it('does not sleep through a rate limit longer than it may wait: rate_limited with the wait GitHub asked for', async () => {
      // Prepare
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 403, headers: { 'retry-after': '120' } });
      const started = Date.now();

      // Act
      const error = await githubFailureOf(client({ maxRateLimitWaitSeconds: 30 }).dispatch(target, inputsFor(runIdForTrigger('slot-long/channel-one'))));

      // Assess
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ kind: 'rate_limited', status: 403, retryAfterSeconds: 120 });
      expect(dispatchRequests()).toHaveLength(1);
    });

    it('counts every wait of one call against its limit', async () => {
      // Prepare: two 1-second limits in a row, and 1 second to spend
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 429, headers: { 'retry-after': '1' }, times: 2 });

      // Act
      const error = await githubFailureOf(client({ maxRateLimitWaitSeconds: 1 }).dispatch(target, inputsFor(runIdForTrigger('slot-budget/channel-one'))));

      // Assess
      expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterSeconds: 1 });
      expect(dispatchRequests().map((r) => r.status)).toEqual([429, 429]);
    });

    it('gives the primary limit reset as the wait when it is too far off', async () => {
      // Prepare
      const reset = Math.floor(Date.now() / 1000) + 600;
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });

      // Act
      const error = await githubFailureOf(client().dispatch(target, inputsFor(runIdForTrigger('slot-reset/channel-one'))));

      // Assess
      expect(error.kind).toBe('rate_limited');
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(599);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(602);
    });

    it('does not resend a dispatch that failed with a 502: unavailable, for the dispatcher to look the run up first', async () => {
      // Prepare
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 502 });

      // Act
      const error = await githubFailureOf(client().dispatch(target, inputsFor(runIdForTrigger('slot-502/channel-one'))));

      // Assess
      expect(error).toMatchObject({ kind: 'unavailable', status: 502 });
      expect(dispatchRequests()).toHaveLength(1);
    });

    it('resends a dispatch after a 502 (plugin-retry) when told it may', async () => {
      // Prepare
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 502 });

      // Act
      const dispatched = await client({ resendDispatchAfterServerError: true }).dispatch(target, inputsFor(runIdForTrigger('slot-502-resend/channel-one')));

      // Assess
      expect(dispatched.github_run_id).toEqual(expect.any(Number));
      expect(dispatchRequests().map((r) => r.status)).toEqual([502, 200]);
    });

    it('does not resend a dispatch whose answer timed out, and findRun then finds the run GitHub started', async () => {
      // Prepare: GitHub starts the run, but its answer comes after the attempt's deadline
      sim.misbehave({ method: 'POST', path: DISPATCHES, delayMs: 600 });
      const github = client({ requestTimeoutMs: 200 });
      const runId = runIdForTrigger('slot-timeout/channel-one');
      const since = new Date().toISOString();

      // Act
      const error = await githubFailureOf(github.dispatch(target, inputsFor(runId)));
      await vi.waitFor(() => expect(sim.dispatches.some((d) => d.inputs.run_id === runId)).toBe(true));
      const found = await github.findRun(target, runNameMarker(runId), since);

      // Assess
      expect(error).toMatchObject({ kind: 'unavailable', status: null });
      expect(dispatchRequests()).toHaveLength(1);
      expect(found?.github_run_id).toBe(sim.dispatches.find((d) => d.inputs.run_id === runId)?.github_run_id);
    });

    it('is unavailable when GitHub cannot be reached', async () => {
      // Prepare
      const closed = await startGitHubSimulator();
      const url = closed.url;
      await closed.close();

      // Act
      const error = await githubFailureOf(client({ baseUrl: url, serverErrorRetries: 1 }).dispatch(target, inputsFor(runIdForTrigger('slot-down/channel-one'))));

      // Assess
      expect(error).toMatchObject({ kind: 'unavailable', status: null });
    });

    it.each([
      { status: 401, kind: 'unauthorized' },
      { status: 403, kind: 'unauthorized' },
      { status: 404, kind: 'not_found' },
      { status: 422, kind: 'unprocessable' },
    ] as const)('maps $status to $kind at once, without retrying', async ({ status, kind }) => {
      // Prepare (a 403 without a rate-limit sign is a permission the token lacks)
      sim.misbehave({ method: 'POST', path: DISPATCHES, status });

      // Act
      const error = await githubFailureOf(client().dispatch(target, inputsFor(runIdForTrigger(`slot-${status}/channel-one`))));

      // Assess
      expect(error).toMatchObject({ kind, status, retryAfterSeconds: null });
      expect(error.message).toContain(`${status}`);
      expect(error.message).toContain('acme/channel-one');
      expect(dispatchRequests()).toHaveLength(1);
    });

    it("is unauthorized when GitHub refuses the token itself", async () => {
      // Act
      const error = await githubFailureOf(client({ token: async () => 'ghp_revoked' }).dispatch(target, inputsFor(runIdForTrigger('slot-token/channel-one'))));

      // Assess
      expect(error).toMatchObject({ kind: 'unauthorized', status: 401 });
      expect(error.message).toContain('Bad credentials');
    });

    it('is unprocessable when the inputs exceed what GitHub takes (26 inputs)', async () => {
      // Prepare
      const inputs = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input_${i}`, 'x']));

      // Act
      const error = await githubFailureOf(client().dispatch(target, inputs));

      // Assess
      expect(error).toMatchObject({ kind: 'unprocessable', status: 422 });
      expect(error.message).toContain('25');
    });

    it('never puts the token in an error message or a log line, even when GitHub echoes it', async () => {
      // Prepare
      logLines.length = 0;
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 401, body: { message: `Bad credentials: ${TOKEN}` } });
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 422, body: { message: `Unexpected input, token ${TOKEN}` } });
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 403, headers: { 'retry-after': '600' } });
      sim.misbehave({ method: 'POST', path: DISPATCHES, status: 502 });

      // Act
      const errors = [];
      for (let i = 0; i < 4; i++) errors.push(await githubFailureOf(client().dispatch(target, inputsFor(runIdForTrigger(`slot-leak-${i}/channel-one`)))));

      // Assess
      expect(errors.map((e) => e.kind)).toEqual(['unauthorized', 'unprocessable', 'rate_limited', 'unavailable']);
      for (const error of errors) {
        expect(error.message).not.toContain(TOKEN);
        expect(JSON.stringify(error)).not.toContain(TOKEN);
        expect(String(error.stack)).not.toContain(TOKEN);
      }
      expect(errors[0]?.message).toContain('[REDACTED]');
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('\n')).not.toContain(TOKEN);
    });
  });

  describe('Method: findRun', () => {
    it("finds the run whose name carries the marker, and not another run's", async () => {
      // Prepare
      const github = client();
      const since = new Date().toISOString();
      const mine = runIdForTrigger('slot-find/channel-one');
      const other = runIdForTrigger('slot-find/channel-one', 2);
      await github.dispatch(target, inputsFor(other, 'vid-other'));
      const dispatched = await github.dispatch(target, inputsFor(mine, 'vid-mine'));

      // Act
      const found = await github.findRun(target, runNameMarker(mine), since);
      const absent = await github.findRun(target, runNameMarker(runIdForTrigger('never-dispatched')), since);

      // Assess
      expect(found).toMatchObject({ github_run_id: dispatched.github_run_id, status: 'queued', conclusion: null });
      expect(runIdInName(found?.name)).toBe(mine);
      expect(absent).toBeNull();
      const listed = sim.requests.find((r) => r.path.endsWith('/actions/workflows/publish.yml/runs'));
      expect(listed?.query).toMatchObject({ event: 'workflow_dispatch', per_page: '100' });
      expect(listed?.query.created).toMatch(/^>=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('follows the pages of runs, up to its limit', async () => {
      // Prepare: the sought run is the oldest of 150 on another repository
      const github = client();
      const elsewhere = { ...target, repo: 'channel-many' };
      const since = new Date().toISOString();
      const sought = runIdForTrigger('slot-paged/channel-many');
      await github.dispatch(elsewhere, inputsFor(sought));
      for (let i = 0; i < 149; i++) await dispatchDirectly(elsewhere, inputsFor(runIdForTrigger(`slot-paged-${i}/channel-many`)));

      // Act
      const found = await github.findRun(elsewhere, runNameMarker(sought), since);
      const beyondLimit = await client({ maxRunPages: 1 }).findRun(elsewhere, runNameMarker(sought), since);

      // Assess
      expect(runIdInName(found?.name)).toBe(sought);
      expect(beyondLimit).toBeNull();
    });
  });

  describe('Method: getRun', () => {
    it("follows the run through GitHub's states", async () => {
      // Prepare
      const github = client();
      const { github_run_id } = await github.dispatch(target, inputsFor(runIdForTrigger('slot-get/channel-one')));
      const id = github_run_id ?? 0;

      // Act
      const queued = await github.getRun(target, id);
      await sim.completeRun(id, 'failure');
      const completed = await github.getRun(target, id);

      // Assess
      expect(queued).toMatchObject({ github_run_id: id, status: 'queued', conclusion: null, html_url: `${sim.url}/acme/channel-one/actions/runs/${id}` });
      expect(completed).toMatchObject({ github_run_id: id, status: 'completed', conclusion: 'failure' });
    });

    it('retries a 502 (plugin-retry) and succeeds', async () => {
      // Prepare
      const github = client();
      const { github_run_id } = await github.dispatch(target, inputsFor(runIdForTrigger('slot-get-502/channel-one')));
      sim.misbehave({ method: 'GET', path: /\/actions\/runs\/\d+$/, status: 502 });

      // Act
      const run = await github.getRun(target, github_run_id ?? 0);

      // Assess
      expect(run?.github_run_id).toBe(github_run_id);
      expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([502, 200]);
    });

    it('gives up on 502 after its retries: unavailable', async () => {
      // Prepare
      sim.misbehave({ method: 'GET', path: /\/actions\/runs\/\d+$/, status: 502, times: 10 });

      // Act
      const error = await githubFailureOf(client({ serverErrorRetries: 3 }).getRun(target, 1));

      // Assess
      expect(error).toMatchObject({ kind: 'unavailable', status: 502 });
      expect(sim.requests.filter((r) => r.method === 'GET')).toHaveLength(4);
    });

    it('retries a read that times out', async () => {
      // Prepare
      const github = client({ requestTimeoutMs: 200 });
      const { github_run_id } = await github.dispatch(target, inputsFor(runIdForTrigger('slot-get-slow/channel-one')));
      sim.misbehave({ method: 'GET', path: /\/actions\/runs\/\d+$/, delayMs: 600 });

      // Act
      const run = await github.getRun(target, github_run_id ?? 0);

      // Assess
      expect(run?.github_run_id).toBe(github_run_id);
      expect(sim.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    });

    it('is null for a run GitHub does not know (404)', async () => {
      // Act
      const run = await client().getRun(target, 999);

      // Assess
      expect(run).toBeNull();
    });
  });

  describe('Method: checkRepository and getWorkflow', () => {
    it('describes what exists and is null for what does not', async () => {
      // Prepare
      const strict = await startGitHubSimulator({
        strict: true,
        repositories: [{ owner: 'acme', repo: 'channel-two', defaultBranch: 'trunk', canPush: false, workflows: [{ file: 'publish.yml', name: 'Publish video' }] }],
      });
      const github = client({ baseUrl: strict.url });

      try {
        // Act
        const repository = await github.checkRepository('acme', 'channel-two');
        const missingRepository = await github.checkRepository('acme', 'nope');
        const workflow = await github.getWorkflow({ owner: 'acme', repo: 'channel-two', workflow: 'publish.yml' });
        const missingWorkflow = await github.getWorkflow({ owner: 'acme', repo: 'channel-two', workflow: 'other.yml' });

        // Assess
        expect(repository).toEqual({ full_name: 'acme/channel-two', default_branch: 'trunk', archived: false, can_push: false });
        expect(missingRepository).toBeNull();
        expect(workflow).toMatchObject({ name: 'Publish video', path: '.github/workflows/publish.yml', state: 'active', id: expect.any(Number) });
        expect(missingWorkflow).toBeNull();
      } finally {
        await strict.close();
      }
    });
  });
});
