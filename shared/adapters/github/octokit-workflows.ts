import { createCallbackAuth } from '@octokit/auth-callback';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import type { RepositoryFinding } from '#shared/domain/channel-health';
import {
  GitHubCallError,
  type DispatchedWorkflowRun,
  type GitHubHealthCheck,
  type GitHubContents,
  type GitHubWorkflows,
  type RepositoryBranch,
  type RepositoryFile,
  type WorkflowRunState,
  type WorkflowTarget,
} from '#shared/ports/github';

/** Where the client's few lines go: rate-limit waits (warn), each request's outcome (debug). */
export interface GitHubClientLog {
  debug(message: string): void;
  warn(message: string): void;
}

export interface OctokitWorkflowsOptions {
  /** GITHUB_API_URL: https://api.github.com, a GitHub Enterprise `/api/v3` URL, or the simulator. */
  baseUrl?: string;
  /** The token, asked for on every request (Secrets Manager caches it in AWS), so a rotated token is picked up. */
  token: () => Promise<string>;
  log?: GitHubClientLog;
  /**
   * The longest a call may spend waiting for rate limits, in seconds, all its
   * waits together. A longer wait is not slept through: the call fails
   * `rate_limited` with the wait GitHub asked for, and the caller puts its
   * work back on the queue with that delay. Default 30.
   */
  maxRateLimitWaitSeconds?: number;
  /** Rate-limited retries of one call, within that wait. Default 2. */
  maxRateLimitRetries?: number;
  /** Retries of a 5xx or network failure (plugin-retry, waiting base x 1, 4, 9...). Default 3. */
  serverErrorRetries?: number;
  /**
   * Whether a dispatch that failed with a 5xx, a timeout or a network error
   * is sent again within the call. Default false: GitHub may have started
   * the run before failing to answer, and a blind resend would start a
   * second one. The dispatcher instead fails the call `unavailable` and,
   * on the message's next delivery, looks the run up (findRun) before
   * sending anything again. Rate-limit refusals are always waited out and
   * resent: GitHub started nothing.
   */
  resendDispatchAfterServerError?: boolean;
  /** plugin-retry's base wait. Default 1000 ms. */
  serverErrorBaseDelayMs?: number;
  /**
   * GitHub asks integrations to send content-creating requests one at a
   * time, a second apart. Default 1000 ms; 0 lets the simulator measure the
   * dispatcher rather than this courtesy.
   */
  minMillisecondsBetweenWrites?: number;
  /** One attempt's limit; a timed-out attempt counts as a network failure and is retried. Default 10 s. */
  requestTimeoutMs?: number;
  /** Pages of 100 runs findRun reads at most. Default 3. */
  maxRunPages?: number;
}

/** What the health sweep learns about a channel's repository. */
export interface RepositoryCheck {
  full_name: string;
  default_branch: string;
  archived: boolean;
  /** Whether the token may push (write contents, dispatch), when GitHub says. */
  can_push: boolean | null;
}

/** A workflow as GitHub describes it (config sync, health sweep). */
export interface WorkflowInfo {
  id: number;
  name: string;
  path: string;
  /** active, disabled_manually, disabled_inactivity, disabled_fork, deleted */
  state: string;
}

/** A run is looked up from a little before the caller's bound: clocks differ, and the marker is unique anyway. */
const CLOCK_SKEW_SECONDS = 60;
/** GitHub's advice when a secondary limit names no wait: at least a minute. */
const FALLBACK_RATE_LIMIT_SECONDS = 60;

const GitHubClient = Octokit.plugin(throttling, retry);
type GitHubClient = InstanceType<typeof GitHubClient>;

/** The subset of @octokit/request-error's RequestError this module reads. */
interface HttpFailure {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/**
 * GitHubWorkflows on @octokit/rest. Rate limits are the throttling plugin's
 * (it reads retry-after and x-ratelimit-reset; this class only decides
 * whether the wait fits the call), 5xx and network failures the retry
 * plugin's, except a dispatch's (see `resendDispatchAfterServerError`). 401,
 * 403 that is not a rate limit, 404 and 422 are answers, never retried.
 * Whatever still fails becomes a GitHubCallError whose kind says what the
 * caller should do (docs/pipelines.md "The GitHub client").
 */
export class OctokitWorkflows implements GitHubWorkflows, GitHubContents, GitHubHealthCheck {
  private readonly octokit: GitHubClient;
  private readonly maxRunPages: number;
  private readonly dispatchRetries: number;
  /** Seconds each call has waited for rate limits so far; keyed by the request options, which every retry of a call shares. */
  private readonly rateLimitWaits = new WeakMap<object, number>();
  /** The tokens handed out, to scrub from messages should GitHub ever echo one. */
  private readonly tokensSeen = new Set<string>();

  constructor(options: OctokitWorkflowsOptions) {
    const log = options.log ?? { debug: () => {}, warn: () => {} };
    const maxWait = options.maxRateLimitWaitSeconds ?? 30;
    const maxRetries = options.maxRateLimitRetries ?? 2;
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxRunPages = options.maxRunPages ?? 3;
    this.dispatchRetries = options.resendDispatchAfterServerError ? (options.serverErrorRetries ?? 3) : 0;

    const onLimit = (which: string) => (retryAfter: number, request: object, _octokit: unknown, retryCount: number): boolean => {
      const waited = this.rateLimitWaits.get(request) ?? 0;
      const retrying = retryCount < maxRetries && waited + retryAfter <= maxWait;
      const { method, url, owner, repo } = request as { method?: string; url?: string; owner?: string; repo?: string };
      const where = owner && repo ? ` (${owner}/${repo})` : '';
      log.warn(`GitHub ${which} on ${method} ${url}${where}: ${retrying ? `retrying in ${retryAfter} s` : `not waiting ${retryAfter} s, the caller retries later`}`);
      if (retrying) this.rateLimitWaits.set(request, waited + retryAfter);
      return retrying;
    };

    this.octokit = new GitHubClient({
      baseUrl: options.baseUrl ?? 'https://api.github.com',
      userAgent: 'channel-orchestrator',
      authStrategy: createCallbackAuth,
      auth: {
        callback: async () => {
          const token = await options.token();
          this.tokensSeen.add(token);
          return token;
        },
      },
      request: {
        // One attempt's deadline; the fetch error it causes is a network failure to plugin-retry.
        fetch: (url: string | URL, init: RequestInit = {}) =>
          fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs) }),
      },
      // request-log's debug line carries whole request options: dropped. Its info and error lines are one per attempt.
      log: { debug: () => {}, info: (m: string) => log.debug(m), warn: (m: string) => log.warn(m), error: (m: string) => log.debug(m) },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        fallbackSecondaryRateRetryAfter: FALLBACK_RATE_LIMIT_SECONDS,
        // This client's own writes queue: one at a time, paced (the plugin's default is a process-wide 1 s).
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.minMillisecondsBetweenWrites ?? 1000 }),
      },
      retry: {
        retries: options.serverErrorRetries ?? 3,
        retryAfterBaseValue: options.serverErrorBaseDelayMs ?? 1000,
        // 403 and 429 are the throttling plugin's alone, so a rate limit is never retried twice over.
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      },
    });
  }

  async dispatch(target: WorkflowTarget, inputs: Record<string, string>): Promise<DispatchedWorkflowRun> {
    const { owner, repo, workflow, ref } = target;
    return this.call(`POST /repos/${owner}/${repo}/actions/workflows/${workflow}/dispatches`, async () => {
      const response = await this.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner,
        repo,
        workflow_id: workflow,
        ref,
        inputs,
        return_run_details: true,
        request: { retries: this.dispatchRetries },
      });
      // 204: a GitHub that does not return run details (an older GitHub Enterprise Server); findRun finds the run by its name.
      if (response.status !== 200 || !response.data) return { github_run_id: null, html_url: null };
      return { github_run_id: Number(response.data.workflow_run_id), html_url: response.data.html_url ?? null };
    });
  }

  async findRun(target: WorkflowTarget, nameMarker: string, createdAfter: string): Promise<WorkflowRunState | null> {
    const { owner, repo, workflow } = target;
    const from = new Date(Date.parse(createdAfter) - CLOCK_SKEW_SECONDS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return this.call(`GET /repos/${owner}/${repo}/actions/workflows/${workflow}/runs`, async () => {
      const pages = this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
        owner,
        repo,
        workflow_id: workflow,
        event: 'workflow_dispatch',
        created: `>=${from}`,
        per_page: 100,
      });
      let read = 0;
      for await (const page of pages) {
        const run = page.data.find((r) => runName(r).includes(nameMarker));
        if (run) return toRunState(run);
        if (++read >= this.maxRunPages) break;
      }
      return null;
    });
  }

  async getRun(target: Pick<WorkflowTarget, 'owner' | 'repo'>, githubRunId: number): Promise<WorkflowRunState | null> {
    const { owner, repo } = target;
    return this.call(`GET /repos/${owner}/${repo}/actions/runs/${githubRunId}`, async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id: githubRunId });
      return toRunState(data);
    }, { notFound: null });
  }

  /** The repository as the token sees it, or null when it does not exist or the token may not see it (health sweep). */
  async checkRepository(owner: string, repo: string): Promise<RepositoryCheck | null> {
    return this.call(`GET /repos/${owner}/${repo}`, async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
      return { full_name: data.full_name, default_branch: data.default_branch, archived: data.archived, can_push: data.permissions?.push ?? null };
    }, { notFound: null });
  }

  /** The channel's workflow, or null when the repository has no such workflow (health sweep, config sync). */
  async getWorkflow(target: Pick<WorkflowTarget, 'owner' | 'repo' | 'workflow'>): Promise<WorkflowInfo | null> {
    const { owner, repo, workflow } = target;
    return this.call(`GET /repos/${owner}/${repo}/actions/workflows/${workflow}`, async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', { owner, repo, workflow_id: workflow });
      return { id: Number(data.id), name: data.name, path: data.path, state: data.state };
    }, { notFound: null });
  }

  /**
   * The health sweep's look at a channel's repository: GET the repository
   * (reachable, and the token may read it and push), then the workflow
   * (exists, active). At most two calls; the second only when the first
   * found the repository. @throws GitHubCallError only when rate limited.
   */
  async checkWorkflow(target: Pick<WorkflowTarget, 'owner' | 'repo' | 'workflow'>): Promise<RepositoryFinding> {
    const finding = (f: Partial<RepositoryFinding>): RepositoryFinding => ({
      repository: 'unchecked',
      credentials: 'unchecked',
      workflow: 'unchecked',
      token_missing: false,
      detail: null,
      ...f,
    });
    try {
      const repository = await this.checkRepository(target.owner, target.repo);
      if (!repository) return finding({ repository: 'not_found', detail: `GitHub answered 404 to GET /repos/${target.owner}/${target.repo}` });
      if (repository.can_push === false) {
        return finding({ repository: 'reachable', credentials: 'unauthorized', detail: `the token may read ${repository.full_name} but not push to it (dispatch needs actions:write)` });
      }
      const workflow = await this.getWorkflow(target);
      if (!workflow) return finding({ repository: 'reachable', credentials: 'valid', workflow: 'missing', detail: `${repository.full_name} has no workflow ${target.workflow}` });
      if (workflow.state !== 'active') {
        return finding({ repository: 'reachable', credentials: 'valid', workflow: 'disabled', detail: `${repository.full_name}'s workflow ${target.workflow} is ${workflow.state}` });
      }
      return finding({ repository: 'reachable', credentials: 'valid', workflow: 'found' });
    } catch (error) {
      if (!(error instanceof GitHubCallError) || error.kind === 'rate_limited') throw error;
      if (error.kind === 'unauthorized') return finding({ credentials: 'unauthorized', token_missing: error.status === null, detail: error.message });
      if (error.kind === 'not_found') return finding({ repository: 'not_found', detail: error.message });
      // 5xx, timeouts, the network, and anything else GitHub would not answer properly.
      return finding({ repository: 'unreachable', detail: error.message });
    }
  }

  /** The file on the branch (contents API), or null when there is none (config sync). */
  async getFile(where: RepositoryBranch, path: string): Promise<RepositoryFile | null> {
    const { owner, repo, ref } = where;
    return this.call(`GET /repos/${owner}/${repo}/contents/${path}`, async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path, ref });
      // A directory (an array) or a symlink or submodule at the path: not a file this sync may replace.
      if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string') {
        throw new GitHubCallError('unprocessable', `${owner}/${repo}: ${path} on ${ref} is not a file`, null);
      }
      return { sha: data.sha, content: Buffer.from(data.content, 'base64') };
    }, { notFound: null });
  }

  /** Commits the file on the branch (contents API): a replacement of `sha`, or a new file when null (config sync). */
  async putFile(where: RepositoryBranch, path: string, change: { content: Buffer; sha: string | null; message: string }): Promise<{ commit_sha: string }> {
    const { owner, repo, ref } = where;
    return this.call(`PUT /repos/${owner}/${repo}/contents/${path}`, async () => {
      const { data } = await this.octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path,
        branch: ref.replace(/^refs\/heads\//, ''),
        message: change.message,
        content: change.content.toString('base64'),
        ...(change.sha ? { sha: change.sha } : {}),
      });
      return { commit_sha: data.commit.sha ?? '' };
    });
  }

  /** Runs one call; its final failure becomes a GitHubCallError (or `notFound` on a 404, when given). */
  private async call<T, N = never>(what: string, run: () => Promise<T>, on404?: { notFound: N }): Promise<T | N> {
    try {
      return await run();
    } catch (error) {
      // A refusal made before GitHub answered anything (getFile on a directory, no token configured) is already the answer.
      if (error instanceof GitHubCallError && error.status === null) throw error;
      if (on404 && isHttpFailure(error) && error.status === 404) return on404.notFound;
      throw this.toCallError(what, error);
    }
  }

  private toCallError(what: string, error: unknown): GitHubCallError {
    const scrub = (text: string) => [...this.tokensSeen].reduce((t, token) => (token ? t.split(token).join('[REDACTED]') : t), text);
    // Octokit reports a network failure or a timeout as a 500 without a response: no status came from GitHub.
    const answered = isHttpFailure(error) && error.response !== undefined ? error.status : null;
    if (!isHttpFailure(error) || answered === null || answered >= 500) {
      const reason = error instanceof Error ? error.message : String(error);
      return new GitHubCallError('unavailable', scrub(`GitHub unavailable for ${what}: ${answered ? `${answered} ` : ''}${reason}`), answered);
    }
    const { status } = error;
    const headers = error.response?.headers ?? {};
    const said = scrub(`GitHub answered ${status} to ${what}: ${error.message}`);
    if (status === 429 || (status === 403 && isRateLimit(headers, error.message))) {
      return new GitHubCallError('rate_limited', said, status, secondsToWait(headers));
    }
    if (status === 401 || status === 403) return new GitHubCallError('unauthorized', said, status);
    if (status === 404 || status === 410) return new GitHubCallError('not_found', said, status);
    return new GitHubCallError('unprocessable', said, status);
  }
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

type Headers = Record<string, string | number | undefined>;

/** A 403 is a rate limit when GitHub says so; otherwise the token lacks a permission. */
function isRateLimit(headers: Headers, message: string): boolean {
  return headers['retry-after'] !== undefined || String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(message);
}

/** retry-after, else the primary limit's reset, else GitHub's advice for a secondary limit. */
function secondsToWait(headers: Headers): number {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(1, Math.ceil(retryAfter));
  const reset = Number(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(1, Math.ceil(reset - Date.now() / 1000) + 1);
  }
  return FALLBACK_RATE_LIMIT_SECONDS;
}

interface ApiWorkflowRun {
  id: number | bigint;
  name?: string | null;
  display_title?: string;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
}

/** The run's name as shown: `run-name` lands in display_title; `name` is the workflow's. */
const runName = (run: ApiWorkflowRun): string => run.display_title ?? run.name ?? '';

function toRunState(run: ApiWorkflowRun): WorkflowRunState {
  return {
    github_run_id: Number(run.id),
    name: runName(run),
    status: run.status ?? 'queued',
    conclusion: run.conclusion ?? null,
    html_url: run.html_url,
    created_at: run.created_at,
    updated_at: run.updated_at,
  };
}
