/**
 * A fake GitHub for people and tests: the REST endpoints the orchestrator
 * uses (workflow dispatch with run details, workflow runs, workflows,
 * repositories, contents, rate limit), runs that go queued -> in_progress ->
 * completed on timers or on request, signed `workflow_run` webhooks sent back,
 * and misbehaviours on request (rate limits, 5xx, 401, ...). Shapes follow
 * GitHub's (the @octokit/openapi-types schemas and the @octokit/webhooks-examples
 * payloads). No dependencies beyond Node, so `npm run github:sim` starts it
 * anywhere. docs/pipelines.md "The GitHub simulator".
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatedWorkflow {
  /** The file name under .github/workflows, as dispatches name it (`publish.yml`). */
  file: string;
  id?: number;
  /** The workflow's `name:` (default "Publish"): GitHub's `name` of each of its runs. */
  name?: string;
  state?: 'active' | 'disabled_manually' | 'disabled_inactivity';
  /** Declared `workflow_dispatch` inputs; when given, any other input is refused (422) as GitHub does. */
  inputs?: string[];
  requiredInputs?: string[];
  /** false: the workflow has no workflow_dispatch trigger (422 on dispatch). */
  dispatchable?: boolean;
  /** The run's display title from its inputs: the workflow's `run-name`. */
  runName?: (inputs: Record<string, unknown>) => string;
}

export interface SimulatedRepository {
  owner: string;
  repo: string;
  defaultBranch?: string;
  /** Other branches a dispatch may name as `ref` (strict mode checks it). */
  branches?: string[];
  private?: boolean;
  archived?: boolean;
  /** Whether the token may push (GitHub's permissions.push). Default true. */
  canPush?: boolean;
  workflows?: SimulatedWorkflow[];
  /** Files on the default branch, path -> UTF-8 text. */
  files?: Record<string, string>;
  /**
   * Every request on this repository answered with this status and GitHub's
   * message for it, until `failRepository` clears it: 500 (GitHub failing),
   * 401 (the token refused), 403 (the token lacks access), 404 (hidden).
   */
  failWith?: number;
}

export interface GitHubSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, only this token is accepted (401 "Bad credentials" otherwise); unset, any token is. */
  token?: string;
  /** Strict: only the configured repositories, workflows and branches exist (404/422 otherwise). Loose (default): any does. */
  strict?: boolean;
  repositories?: SimulatedRepository[];
  /** A run turns in_progress this long after its dispatch; 0 (default): only on startRun or completeRun. */
  startAfterMs?: number;
  /** A run completes this long after its dispatch; 0 (default): only on completeRun. */
  completeAfterMs?: number;
  /** How runs that complete on their own conclude: a conclusion, or one chosen per run. Default success. */
  conclusion?: string | ((run: SimulatedRun) => string);
  /** Where `workflow_run` webhooks go, signed with `secret`. */
  webhook?: { url: string; secret: string };
  /** GitHub's secondary limit on content-creating requests, enforced when set: more in any 60 s are 403 with retry-after. */
  writesPerMinute?: number;
  /** One line per dispatch, run change and webhook delivery (the CLI prints them). */
  log?: (line: string) => void;
}

/** Answer the next `times` matching requests with this instead (or, without `status`, only after `delayMs`). */
export interface MisbehaviourRule {
  method?: string;
  /** A RegExp tested on the path, or a path prefix. */
  path: RegExp | string;
  status?: number;
  /** Default 1. */
  times?: number;
  headers?: Record<string, string>;
  /** Default: GitHub's message for the status (rate-limit messages for 403/429 with rate-limit headers). */
  body?: unknown;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** What the simulator answered. */
  status: number;
  at: string;
}

export interface RecordedDispatch {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  return_run_details: boolean;
  github_run_id: number;
  at: string;
}

export interface SimulatedRun {
  id: number;
  owner: string;
  repo: string;
  workflow_id: number;
  workflow_file: string;
  /** The workflow's name (GitHub's `name` of a run). */
  name: string;
  /** The run-name (GitHub's `display_title`): `Publish <video_id> [<run_id>]`. */
  display_title: string;
  run_number: number;
  event: 'workflow_dispatch';
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  head_branch: string;
  head_sha: string;
  inputs: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  run_started_at: string;
}

export interface WebhookDelivery {
  /** X-GitHub-Delivery. */
  id: string;
  event: 'workflow_run';
  action: 'requested' | 'in_progress' | 'completed';
  github_run_id: number;
  /** The exact body sent, and its X-Hub-Signature-256. */
  body: string;
  signature: string;
  /** The receiver's answer; null when it could not be reached (then `error`). */
  status: number | null;
  error: string | null;
}

export interface GitHubSimulator {
  url: string;
  readonly requests: RecordedRequest[];
  readonly dispatches: RecordedDispatch[];
  readonly runs: SimulatedRun[];
  readonly deliveries: WebhookDelivery[];
  /** Commits made through PUT contents. */
  readonly commits: { owner: string; repo: string; path: string; message: string; sha: string; branch: string }[];
  misbehave(rule: MisbehaviourRule): void;
  clearMisbehaviours(): void;
  addRepository(repository: SimulatedRepository): void;
  /** From now on every request on owner/repo answers `status` (500, 401, 403, 404...); null: answers normally again. */
  failRepository(owner: string, repo: string, status: number | null): void;
  /** A file's text on a branch (default: the repository's default branch), or null. */
  file(owner: string, repo: string, path: string, branch?: string): string | null;
  run(githubRunId: number): SimulatedRun | undefined;
  /** queued -> in_progress, with its webhook delivered. */
  startRun(githubRunId: number): Promise<void>;
  /** -> completed (through in_progress), with its webhooks delivered. */
  completeRun(githubRunId: number, conclusion?: string): Promise<void>;
  /** Sends a delivery again, same id, same body (GitHub's "Redeliver"). */
  redeliver(deliveryId: string): Promise<WebhookDelivery>;
  /** Resolves once every webhook queued so far is delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const API_VERSION = '2022-11-28';
const RATE_LIMIT = 5000;
const MAX_INPUTS = 25;
const MAX_INPUTS_CHARS = 65_535;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const WEBHOOK_TIMEOUT_MS = 10_000;
const DOCS = 'https://docs.github.com/rest';
const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

const timestamp = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const blobSha = (content: Buffer) => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
const defaultRunName = (inputs: Record<string, unknown>) =>
  typeof inputs.run_id === 'string' ? `Publish ${String(inputs.video_id ?? 'manual')} [${inputs.run_id}]` : 'Publish';

interface RepoState {
  id: number;
  owner: string;
  repo: string;
  defaultBranch: string;
  branches: Set<string>;
  private: boolean;
  archived: boolean;
  canPush: boolean;
  workflows: WorkflowState[];
  /** branch -> path -> content */
  files: Map<string, Map<string, Buffer>>;
  createdAt: string;
}

interface WorkflowState extends Required<Omit<SimulatedWorkflow, 'inputs' | 'requiredInputs'>> {
  inputs: string[] | null;
  requiredInputs: string[];
  runCount: number;
  createdAt: string;
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

const fail = (status: number, message: string, headers?: Record<string, string>) =>
  new HttpAnswer(status, { message, documentation_url: DOCS, status: String(status) }, headers);

/** Starts the simulator on 127.0.0.1 (by default) and resolves once it listens. */
export async function startGitHubSimulator(options: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
  const log = options.log ?? (() => {});
  const strict = options.strict ?? false;
  const repos = new Map<string, RepoState>();
  const runs: SimulatedRun[] = [];
  const runsById = new Map<number, SimulatedRun>();
  const requests: RecordedRequest[] = [];
  const dispatches: RecordedDispatch[] = [];
  const deliveries: WebhookDelivery[] = [];
  const commits: GitHubSimulator['commits'] = [];
  const misbehaviours: (MisbehaviourRule & { left: number })[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const writeTimes: number[] = [];
  let outbox: Promise<void> = Promise.resolve();
  let nextRepoId = 700_000_001;
  let nextWorkflowId = 80_000_001;
  // Above 2^31, as GitHub's run ids are: callers must not keep them in 32-bit integers.
  let nextRunId = 20_000_000_001;
  let rateWindow = { start: Date.now(), used: 0 };
  let baseUrl = '';
  /** owner/repo -> the status every request on it answers (SimulatedRepository.failWith, failRepository). */
  const failingRepos = new Map<string, number>();

  const key = (owner: string, repo: string) => `${owner.toLowerCase()}/${repo.toLowerCase()}`;

  function addRepository(r: SimulatedRepository): RepoState {
    const state: RepoState = {
      id: nextRepoId++,
      owner: r.owner,
      repo: r.repo,
      defaultBranch: r.defaultBranch ?? 'main',
      branches: new Set([r.defaultBranch ?? 'main', ...(r.branches ?? [])]),
      private: r.private ?? true,
      archived: r.archived ?? false,
      canPush: r.canPush ?? true,
      workflows: [],
      files: new Map(),
      createdAt: timestamp(),
    };
    for (const w of r.workflows ?? []) addWorkflow(state, w);
    if (r.failWith !== undefined) failingRepos.set(key(r.owner, r.repo), r.failWith);
    const files = new Map<string, Buffer>();
    for (const [path, text] of Object.entries(r.files ?? {})) files.set(path, Buffer.from(text, 'utf8'));
    state.files.set(state.defaultBranch, files);
    repos.set(key(r.owner, r.repo), state);
    return state;
  }

  function addWorkflow(repo: RepoState, w: SimulatedWorkflow): WorkflowState {
    const workflow: WorkflowState = {
      file: w.file,
      id: w.id ?? nextWorkflowId++,
      name: w.name ?? 'Publish',
      state: w.state ?? 'active',
      inputs: w.inputs ?? null,
      requiredInputs: w.requiredInputs ?? [],
      dispatchable: w.dispatchable ?? true,
      runName: w.runName ?? defaultRunName,
      runCount: 0,
      createdAt: timestamp(),
    };
    repo.workflows.push(workflow);
    return workflow;
  }

  for (const r of options.repositories ?? []) addRepository(r);

  /** The repository, created on first mention unless strict. */
  function repository(owner: string, repo: string): RepoState {
    const found = repos.get(key(owner, repo));
    if (found) return found;
    if (strict) throw fail(404, 'Not Found');
    return addRepository({ owner, repo });
  }

  function workflowOf(repo: RepoState, idOrFile: string): WorkflowState {
    const found = repo.workflows.find((w) => String(w.id) === idOrFile || w.file === idOrFile);
    if (found) return found;
    if (strict || /^\d+$/.test(idOrFile)) throw fail(404, 'Not Found');
    return addWorkflow(repo, { file: idOrFile });
  }

  // ---- shapes, as GitHub answers them ----

  const user = { login: 'octo-sim', id: 1, node_id: 'MDQ6VXNlcjE=', type: 'User', site_admin: false };
  const userShape = () => ({
    ...user,
    avatar_url: `${baseUrl}/avatars/octo-sim`,
    gravatar_id: '',
    url: `${baseUrl}/users/octo-sim`,
    html_url: `${baseUrl}/octo-sim`,
  });

  function repositoryShape(r: RepoState, withPermissions = false) {
    const api = `${baseUrl}/repos/${r.owner}/${r.repo}`;
    return {
      id: r.id,
      node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
      name: r.repo,
      full_name: `${r.owner}/${r.repo}`,
      private: r.private,
      owner: { login: r.owner, id: r.id + 1, node_id: Buffer.from(`04:User${r.id + 1}`).toString('base64'), type: 'Organization', site_admin: false, url: `${baseUrl}/users/${r.owner}`, html_url: `${baseUrl}/${r.owner}` },
      html_url: `${baseUrl}/${r.owner}/${r.repo}`,
      description: null,
      fork: false,
      url: api,
      contents_url: `${api}/contents/{+path}`,
      hooks_url: `${api}/hooks`,
      created_at: r.createdAt,
      updated_at: r.createdAt,
      pushed_at: r.createdAt,
      default_branch: r.defaultBranch,
      archived: r.archived,
      disabled: false,
      visibility: r.private ? 'private' : 'public',
      ...(withPermissions ? { permissions: { admin: false, maintain: false, push: r.canPush, triage: true, pull: true } } : {}),
    };
  }

  function workflowShape(r: RepoState, w: WorkflowState) {
    return {
      id: w.id,
      node_id: Buffer.from(`W_${w.id}`).toString('base64'),
      name: w.name,
      path: `.github/workflows/${w.file}`,
      state: w.state,
      created_at: w.createdAt,
      updated_at: w.createdAt,
      url: `${baseUrl}/repos/${r.owner}/${r.repo}/actions/workflows/${w.id}`,
      html_url: `${baseUrl}/${r.owner}/${r.repo}/blob/${r.defaultBranch}/.github/workflows/${w.file}`,
      badge_url: `${baseUrl}/${r.owner}/${r.repo}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  function runShape(run: SimulatedRun) {
    const r = repository(run.owner, run.repo);
    const api = `${baseUrl}/repos/${run.owner}/${run.repo}/actions/runs/${run.id}`;
    return {
      id: run.id,
      name: run.name,
      node_id: Buffer.from(`WFR_${run.id}`).toString('base64'),
      head_branch: run.head_branch,
      head_sha: run.head_sha,
      path: `.github/workflows/${run.workflow_file}`,
      display_title: run.display_title,
      run_number: run.run_number,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflow_id,
      check_suite_id: run.id + 1,
      check_suite_node_id: Buffer.from(`CS_${run.id + 1}`).toString('base64'),
      url: api,
      html_url: `${baseUrl}/${run.owner}/${run.repo}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: run.created_at,
      updated_at: run.updated_at,
      actor: userShape(),
      triggering_actor: userShape(),
      run_attempt: 1,
      referenced_workflows: [],
      run_started_at: run.run_started_at,
      jobs_url: `${api}/jobs`,
      logs_url: `${api}/logs`,
      check_suite_url: `${baseUrl}/repos/${run.owner}/${run.repo}/check-suites/${run.id + 1}`,
      artifacts_url: `${api}/artifacts`,
      cancel_url: `${api}/cancel`,
      rerun_url: `${api}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${baseUrl}/repos/${run.owner}/${run.repo}/actions/workflows/${run.workflow_id}`,
      head_commit: {
        id: run.head_sha,
        tree_id: createHash('sha1').update(`tree${run.head_sha}`).digest('hex'),
        message: 'Simulated commit',
        timestamp: run.created_at,
        author: { name: 'Octo Sim', email: 'octo-sim@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
      repository: repositoryShape(r),
      head_repository: repositoryShape(r),
    };
  }

  function contentShape(r: RepoState, path: string, branch: string, content: Buffer) {
    const api = `${baseUrl}/repos/${r.owner}/${r.repo}/contents/${path}?ref=${branch}`;
    const sha = blobSha(content);
    return {
      type: 'file',
      encoding: 'base64',
      size: content.length,
      name: path.split('/').pop() ?? path,
      path,
      // GitHub wraps the base64 at 60 characters.
      content: (content.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
      sha,
      url: api,
      git_url: `${baseUrl}/repos/${r.owner}/${r.repo}/git/blobs/${sha}`,
      html_url: `${baseUrl}/${r.owner}/${r.repo}/blob/${branch}/${path}`,
      download_url: `${baseUrl}/raw/${r.owner}/${r.repo}/${branch}/${path}`,
      _links: { self: api, git: `${baseUrl}/repos/${r.owner}/${r.repo}/git/blobs/${sha}`, html: `${baseUrl}/${r.owner}/${r.repo}/blob/${branch}/${path}` },
    };
  }

  // ---- run lifecycle and webhooks ----

  function schedule(ms: number, action: () => void) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  }

  function concludeOf(run: SimulatedRun): string {
    return typeof options.conclusion === 'function' ? options.conclusion(run) : (options.conclusion ?? 'success');
  }

  function setStatus(run: SimulatedRun, status: 'in_progress' | 'completed', conclusion: string | null = null): boolean {
    if (run.status === 'completed' || run.status === status) return false;
    if (status === 'completed' && run.status === 'queued') setStatus(run, 'in_progress');
    run.status = status;
    run.conclusion = status === 'completed' ? conclusion : null;
    run.updated_at = timestamp();
    if (status === 'in_progress') run.run_started_at = run.updated_at;
    log(`run ${run.id} ${run.owner}/${run.repo} "${run.display_title}": ${status}${conclusion ? ` (${conclusion})` : ''}`);
    enqueueWebhook(run, status);
    return true;
  }

  function enqueueWebhook(run: SimulatedRun, action: WebhookDelivery['action']) {
    const webhook = options.webhook;
    if (!webhook) return;
    const r = repository(run.owner, run.repo);
    const workflow = r.workflows.find((w) => w.id === run.workflow_id);
    // Serialized when queued, so the payload shows the run as it was at this step.
    const body = JSON.stringify({
      action,
      workflow_run: runShape(run),
      workflow: workflow ? workflowShape(r, workflow) : null,
      repository: repositoryShape(r),
      sender: userShape(),
    });
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      event: 'workflow_run',
      action,
      github_run_id: run.id,
      body,
      signature: `sha256=${createHmac('sha256', webhook.secret).update(body).digest('hex')}`,
      status: null,
      error: null,
    };
    deliveries.push(delivery);
    outbox = outbox.then(() => deliver(delivery));
  }

  async function deliver(delivery: WebhookDelivery): Promise<void> {
    const webhook = options.webhook;
    if (!webhook) return;
    const run = runsById.get(delivery.github_run_id);
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/simulator',
          'x-github-event': delivery.event,
          'x-github-delivery': delivery.id,
          'x-github-hook-id': '1',
          'x-github-hook-installation-target-type': 'repository',
          'x-github-hook-installation-target-id': String(run ? repository(run.owner, run.repo).id : 0),
          'x-hub-signature': `sha1=${createHmac('sha1', webhook.secret).update(delivery.body).digest('hex')}`,
          'x-hub-signature-256': delivery.signature,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      delivery.status = response.status;
      delivery.error = null;
      log(`webhook workflow_run.${delivery.action} for run ${delivery.github_run_id} -> ${response.status}`);
    } catch (error) {
      delivery.status = null;
      delivery.error = (error as Error).message;
      log(`webhook workflow_run.${delivery.action} for run ${delivery.github_run_id} failed: ${delivery.error}`);
    }
  }

  // ---- endpoints ----

  function dispatch(owner: string, repo: string, workflowId: string, body: unknown): HttpAnswer {
    const r = repository(owner, repo);
    const w = workflowOf(r, workflowId);
    const request = (body ?? {}) as { ref?: unknown; inputs?: unknown; return_run_details?: unknown };
    if (typeof request.ref !== 'string' || request.ref === '') return fail(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    const ref = request.ref.replace(/^refs\/heads\//, '');
    if (strict && !r.branches.has(ref)) return fail(422, `No ref found for: ${request.ref}`);
    if (!w.dispatchable) return fail(422, "Workflow does not have 'workflow_dispatch' trigger");
    if (w.state !== 'active') return fail(422, 'Cannot trigger a \'workflow_dispatch\' on a disabled workflow');
    if (request.inputs !== undefined && (typeof request.inputs !== 'object' || request.inputs === null || Array.isArray(request.inputs))) {
      return fail(422, 'Invalid request.\n\nFor \'properties/inputs\', is not an object.');
    }
    const inputs = (request.inputs ?? {}) as Record<string, unknown>;
    const names = Object.keys(inputs);
    if (names.length > MAX_INPUTS) return fail(422, `you may only define up to ${MAX_INPUTS} \`inputs\` for a \`workflow_dispatch\` event`);
    if (JSON.stringify(inputs).length > MAX_INPUTS_CHARS) return fail(422, `inputs are too large: the payload for inputs may be at most ${MAX_INPUTS_CHARS} characters`);
    if (w.inputs) {
      const unexpected = names.filter((n) => !w.inputs?.includes(n));
      if (unexpected.length > 0) return fail(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
    }
    const missing = w.requiredInputs.find((n) => !names.includes(n));
    if (missing) return fail(422, `Required input '${missing}' not provided`);

    const now = timestamp();
    const run: SimulatedRun = {
      id: nextRunId++,
      owner: r.owner,
      repo: r.repo,
      workflow_id: w.id,
      workflow_file: w.file,
      name: w.name,
      display_title: w.runName(inputs),
      run_number: ++w.runCount,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      head_branch: ref,
      head_sha: createHash('sha1').update(`${r.owner}/${r.repo}@${ref}`).digest('hex'),
      inputs,
      created_at: now,
      updated_at: now,
      run_started_at: now,
    };
    runs.push(run);
    runsById.set(run.id, run);
    const returnDetails = request.return_run_details === true;
    dispatches.push({ owner: r.owner, repo: r.repo, workflow: workflowId, ref: request.ref, inputs, return_run_details: returnDetails, github_run_id: run.id, at: now });
    log(`dispatch ${r.owner}/${r.repo} ${w.file}@${ref}: run ${run.id} "${run.display_title}"`);
    enqueueWebhook(run, 'requested');
    if ((options.startAfterMs ?? 0) > 0) schedule(options.startAfterMs ?? 0, () => setStatus(run, 'in_progress'));
    if ((options.completeAfterMs ?? 0) > 0) schedule(options.completeAfterMs ?? 0, () => setStatus(run, 'completed', concludeOf(run)));
    if (!returnDetails) return new HttpAnswer(204, undefined);
    return new HttpAnswer(200, {
      workflow_run_id: run.id,
      run_url: `${baseUrl}/repos/${r.owner}/${r.repo}/actions/runs/${run.id}`,
      html_url: `${baseUrl}/${r.owner}/${r.repo}/actions/runs/${run.id}`,
    });
  }

  function listRuns(req: IncomingMessage, pathname: string, query: URLSearchParams, r: RepoState, w: WorkflowState | null): HttpAnswer {
    let list = runs.filter((run) => key(run.owner, run.repo) === key(r.owner, r.repo) && (!w || run.workflow_id === w.id));
    const event = query.get('event');
    if (event) list = list.filter((run) => run.event === event);
    const status = query.get('status');
    if (status) list = list.filter((run) => run.status === status || run.conclusion === status);
    const branch = query.get('branch');
    if (branch) list = list.filter((run) => run.head_branch === branch);
    const created = query.get('created');
    if (created) {
      const matches = createdFilter(created);
      if (!matches) return fail(422, `Invalid created filter: ${created}`);
      list = list.filter((run) => matches(run.created_at));
    }
    list.sort((a, b) => b.id - a.id);
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(list.length / perPage));
    const headers: Record<string, string> = {};
    const link = linkHeader(req, pathname, query, page, pages);
    if (link) headers.link = link;
    return new HttpAnswer(200, { total_count: list.length, workflow_runs: list.slice((page - 1) * perPage, page * perPage).map(runShape) }, headers);
  }

  function getContents(r: RepoState, path: string, query: URLSearchParams): HttpAnswer {
    const branch = (query.get('ref') ?? r.defaultBranch).replace(/^refs\/heads\//, '');
    const content = r.files.get(branch)?.get(path);
    if (!content) return fail(404, 'Not Found');
    return new HttpAnswer(200, contentShape(r, path, branch, content));
  }

  function putContents(r: RepoState, path: string, body: unknown): HttpAnswer {
    const request = (body ?? {}) as { message?: unknown; content?: unknown; sha?: unknown; branch?: unknown };
    if (typeof request.message !== 'string') return fail(422, 'Invalid request.\n\n"message" wasn\'t supplied.');
    if (typeof request.content !== 'string') return fail(422, 'Invalid request.\n\n"content" wasn\'t supplied.');
    const branch = typeof request.branch === 'string' ? request.branch : r.defaultBranch;
    if (!r.branches.has(branch)) {
      if (strict) return fail(404, `Branch ${branch} not found`);
      r.branches.add(branch);
    }
    const files = r.files.get(branch) ?? new Map<string, Buffer>();
    r.files.set(branch, files);
    const existing = files.get(path);
    if (existing && request.sha === undefined) return fail(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    if (existing && request.sha !== blobSha(existing)) return fail(409, `${path} does not match ${String(request.sha)}`);
    if (!existing && request.sha !== undefined) return fail(409, `${path} does not match ${String(request.sha)}`);
    if (!r.canPush) return fail(403, 'Resource not accessible by personal access token');
    const content = Buffer.from(request.content, 'base64');
    files.set(path, content);
    const commitSha = createHash('sha1').update(`${r.owner}/${r.repo}/${path}/${Date.now()}/${commits.length}`).digest('hex');
    commits.push({ owner: r.owner, repo: r.repo, path, message: request.message, sha: commitSha, branch });
    log(`commit ${r.owner}/${r.repo}@${branch} ${path}: ${request.message}`);
    const at = timestamp();
    return new HttpAnswer(existing ? 200 : 201, {
      content: contentShape(r, path, branch, content),
      commit: {
        sha: commitSha,
        node_id: Buffer.from(`C_${commitSha}`).toString('base64'),
        url: `${baseUrl}/repos/${r.owner}/${r.repo}/git/commits/${commitSha}`,
        html_url: `${baseUrl}/${r.owner}/${r.repo}/commit/${commitSha}`,
        author: { name: 'Octo Sim', email: 'octo-sim@example.com', date: at },
        committer: { name: 'Octo Sim', email: 'octo-sim@example.com', date: at },
        message: request.message,
        tree: { sha: createHash('sha1').update(`tree${commitSha}`).digest('hex'), url: `${baseUrl}/repos/${r.owner}/${r.repo}/git/trees` },
        parents: [],
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
    });
  }

  function rateLimitShape() {
    const reset = Math.floor((rateWindow.start + 3_600_000) / 1000);
    const core = { limit: RATE_LIMIT, used: rateWindow.used, remaining: Math.max(0, RATE_LIMIT - rateWindow.used), reset };
    const other = (limit: number) => ({ limit, used: 0, remaining: limit, reset });
    return { resources: { core, search: other(30), graphql: other(5000), integration_manifest: other(5000), code_search: other(10) }, rate: core };
  }

  function route(req: IncomingMessage, method: string, pathname: string, query: URLSearchParams, body: unknown): HttpAnswer {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && pathname === '/rate_limit') return new HttpAnswer(200, rateLimitShape());
    if (parts[0] !== 'repos' || parts.length < 3) return fail(404, 'Not Found');
    const [, owner = '', repo = '', section, ...rest] = parts;
    const failing = failingRepos.get(key(owner, repo));
    if (failing !== undefined) return misbehaviourAnswer({ path: pathname, status: failing });
    const r = repository(owner, repo);
    if (section === undefined) {
      if (method === 'GET') return new HttpAnswer(200, repositoryShape(r, true));
      return fail(404, 'Not Found');
    }
    if (section === 'contents' && rest.length > 0) {
      const path = rest.join('/');
      if (method === 'GET') return getContents(r, path, query);
      if (method === 'PUT') return putContents(r, path, body);
      return fail(404, 'Not Found');
    }
    if (section !== 'actions') return fail(404, 'Not Found');
    const [kind, id, sub] = rest;
    if (kind === 'workflows' && id === undefined && method === 'GET') {
      return new HttpAnswer(200, { total_count: r.workflows.length, workflows: r.workflows.map((w) => workflowShape(r, w)) });
    }
    if (kind === 'workflows' && id !== undefined) {
      if (sub === undefined && method === 'GET') return new HttpAnswer(200, workflowShape(r, workflowOf(r, id)));
      if (sub === 'dispatches' && method === 'POST') return dispatch(owner, repo, id, body);
      if (sub === 'runs' && method === 'GET') return listRuns(req, pathname, query, r, workflowOf(r, id));
    }
    if (kind === 'runs' && id === undefined && method === 'GET') return listRuns(req, pathname, query, r, null);
    if (kind === 'runs' && id !== undefined && sub === undefined && method === 'GET') {
      const run = runsById.get(Number(id));
      if (!run || key(run.owner, run.repo) !== key(r.owner, r.repo)) return fail(404, 'Not Found');
      return new HttpAnswer(200, runShape(run));
    }
    return fail(404, 'Not Found');
  }

  /** A run's page for people following html_url from the orchestrator's answers. */
  function runPage(pathname: string): HttpAnswer | null {
    const match = /^\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(pathname);
    const run = match ? runsById.get(Number(match[3])) : undefined;
    if (!run) return null;
    const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const html = `<!doctype html><title>${escape(run.display_title)}</title><h1>${escape(run.display_title)}</h1><p>${escape(`${run.owner}/${run.repo}`)} run ${run.id}: ${run.status}${run.conclusion ? ` (${escape(run.conclusion)})` : ''}</p><pre>${escape(JSON.stringify(run.inputs, null, 2))}</pre>`;
    return new HttpAnswer(200, html, { 'content-type': 'text/html; charset=utf-8' });
  }

  function authFailure(req: IncomingMessage): HttpAnswer | null {
    const header = req.headers.authorization ?? '';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    if (!match) return fail(401, 'Requires authentication');
    if (options.token !== undefined && match[1] !== options.token) return fail(401, 'Bad credentials');
    return null;
  }

  /** GitHub's secondary limit on content-creating requests, when configured. */
  function writeLimitFailure(method: string): HttpAnswer | null {
    if (options.writesPerMinute === undefined || method === 'GET' || method === 'HEAD') return null;
    const now = Date.now();
    while (writeTimes.length > 0 && (writeTimes[0] ?? 0) <= now - 60_000) writeTimes.shift();
    if (writeTimes.length >= options.writesPerMinute) {
      const retryAfter = Math.max(1, Math.ceil(((writeTimes[0] ?? now) + 60_000 - now) / 1000));
      return fail(403, SECONDARY_LIMIT_MESSAGE, { 'retry-after': String(retryAfter) });
    }
    writeTimes.push(now);
    return null;
  }

  function takeMisbehaviour(method: string, pathname: string) {
    const index = misbehaviours.findIndex(
      (m) => (!m.method || m.method.toUpperCase() === method) && (typeof m.path === 'string' ? pathname.startsWith(m.path) : m.path.test(pathname)),
    );
    if (index < 0) return null;
    const rule = misbehaviours[index];
    if (!rule) return null;
    rule.left -= 1;
    if (rule.left <= 0) misbehaviours.splice(index, 1);
    return rule;
  }

  function misbehaviourAnswer(rule: MisbehaviourRule & { status: number }): HttpAnswer {
    const headers = rule.headers ?? {};
    if (rule.body !== undefined) return new HttpAnswer(rule.status, rule.body, headers);
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const message = (() => {
      if (rule.status === 403 && h['x-ratelimit-remaining'] === '0' && h['retry-after'] === undefined) return 'API rate limit exceeded for user ID 1.';
      if (rule.status === 429 || (rule.status === 403 && (h['retry-after'] !== undefined || h['x-ratelimit-remaining'] === '0'))) return SECONDARY_LIMIT_MESSAGE;
      return (
        {
          400: 'Problems parsing JSON',
          401: 'Bad credentials',
          403: 'Resource not accessible by personal access token',
          404: 'Not Found',
          409: 'Conflict',
          422: 'Validation Failed',
          500: 'Server Error',
          502: 'Server Error',
          503: 'Service Unavailable',
          504: 'We couldn\'t respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.',
        } as Record<number, string>
      )[rule.status] ?? `Simulated ${rule.status}`;
    })();
    return fail(rule.status, message, headers);
  }

  function send(req: IncomingMessage, res: ServerResponse, answer: HttpAnswer) {
    if (new URL(req.url ?? '/', 'http://sim').pathname !== '/rate_limit') rollRateWindow();
    const headers: Record<string, string> = {
      'x-github-api-version-selected': API_VERSION,
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - rateWindow.used)),
      'x-ratelimit-reset': String(Math.floor((rateWindow.start + 3_600_000) / 1000)),
      'x-ratelimit-used': String(rateWindow.used),
      'x-ratelimit-resource': 'core',
      ...(answer.status === 204 ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k.toLowerCase(), v])),
    };
    res.writeHead(answer.status, headers);
    if (answer.status === 204 || answer.body === undefined) res.end();
    else res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }

  function rollRateWindow() {
    if (Date.now() >= rateWindow.start + 3_600_000) rateWindow = { start: Date.now(), used: 0 };
    rateWindow.used += 1;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: undefined, status: 0, at: timestamp() };
    requests.push(record);
    const answer = await (async (): Promise<HttpAnswer> => {
      const raw = await readBody(req);
      if (raw === null) return fail(413, 'Payload too large');
      if (raw.length > 0) {
        try {
          record.body = JSON.parse(raw.toString('utf8'));
        } catch {
          return fail(400, 'Problems parsing JSON');
        }
      }
      const rule = takeMisbehaviour(method, url.pathname);
      if (rule?.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
      if (rule?.status !== undefined) return misbehaviourAnswer(rule as MisbehaviourRule & { status: number });
      if (method === 'GET') {
        const page = runPage(url.pathname);
        if (page) return page;
      }
      const unauthorized = authFailure(req);
      if (unauthorized) return unauthorized;
      const limited = writeLimitFailure(method);
      if (limited) return limited;
      try {
        return route(req, method, url.pathname, url.searchParams, record.body);
      } catch (error) {
        if (error instanceof HttpAnswer) return error;
        log(`simulator error on ${method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
        return fail(500, 'Server Error');
      }
    })();
    record.status = answer.status;
    send(req, res, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`simulator error: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  const runOrThrow = (id: number) => {
    const run = runsById.get(id);
    if (!run) throw new Error(`no simulated run ${id}`);
    return run;
  };

  return {
    url: baseUrl,
    requests,
    dispatches,
    runs,
    deliveries,
    commits,
    misbehave(rule) {
      misbehaviours.push({ ...rule, left: rule.times ?? 1 });
    },
    clearMisbehaviours() {
      misbehaviours.length = 0;
    },
    addRepository(repository) {
      addRepository(repository);
    },
    failRepository(owner, repo, status) {
      if (status === null) failingRepos.delete(key(owner, repo));
      else failingRepos.set(key(owner, repo), status);
    },
    file(owner, repo, path, branch) {
      const r = repos.get(key(owner, repo));
      const content = r?.files.get(branch ?? r.defaultBranch)?.get(path);
      return content ? content.toString('utf8') : null;
    },
    run: (id) => runsById.get(id),
    async startRun(id) {
      setStatus(runOrThrow(id), 'in_progress');
      await outbox;
    },
    async completeRun(id, conclusion) {
      const run = runOrThrow(id);
      setStatus(run, 'completed', conclusion ?? concludeOf(run));
      await outbox;
    },
    async redeliver(id) {
      const delivery = deliveries.find((d) => d.id === id);
      if (!delivery) throw new Error(`no delivery ${id}`);
      outbox = outbox.then(() => deliver(delivery));
      await outbox;
      return delivery;
    },
    idle: () => outbox,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await outbox;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** GitHub's `created` search syntax: `>=T`, `>T`, `<=T`, `<T`, `A..B`, or a date (that whole day). */
function createdFilter(filter: string): ((createdAt: string) => boolean) | null {
  const at = (s: string) => Date.parse(s);
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  if (range) {
    const [from, to] = [at(range[1] ?? ''), at(range[2] ?? '')];
    if (Number.isNaN(from) || Number.isNaN(to)) return null;
    return (c) => at(c) >= from && at(c) <= to;
  }
  const compare = /^(>=|<=|>|<)(.+)$/.exec(filter);
  if (compare) {
    const bound = at(compare[2] ?? '');
    if (Number.isNaN(bound)) return null;
    const op = compare[1];
    return (c) => (op === '>=' ? at(c) >= bound : op === '>' ? at(c) > bound : op === '<=' ? at(c) <= bound : at(c) < bound);
  }
  if (Number.isNaN(at(filter))) return null;
  return (c) => c.startsWith(filter);
}

function linkHeader(req: IncomingMessage, pathname: string, query: URLSearchParams, page: number, pages: number): string | null {
  if (pages <= 1) return null;
  const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
  const to = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    return `<${origin}${pathname}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${to(page - 1)}; rel="prev"`);
  if (page < pages) links.push(`${to(page + 1)}; rel="next"`);
  if (page < pages) links.push(`${to(pages)}; rel="last"`);
  if (page > 1) links.push(`${to(1)}; rel="first"`);
  return links.join(', ');
}

/** The body, or null when it exceeds what the simulator takes. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
