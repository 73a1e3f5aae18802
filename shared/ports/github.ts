import type { RepositoryFinding } from '#shared/domain/channel-health';

/**
 * What the orchestrator asks of GitHub (shared/adapters/github/): start a
 * channel's workflow, and find out what became of a run.
 */
export interface WorkflowTarget {
  owner: string;
  repo: string;
  /** The workflow file name (`publish.yml`) or its numeric id. */
  workflow: string;
  ref: string;
}

export interface DispatchedWorkflowRun {
  /** GitHub's run id, when GitHub returned it (return_run_details). */
  github_run_id: number | null;
  html_url: string | null;
}

export interface WorkflowRunState {
  github_run_id: number;
  /** The run's name as GitHub shows it: the workflow's `run-name` (the REST API's and the webhook's `display_title`; their `name` is the workflow's). */
  name: string;
  /** GitHub's: requested, queued, pending, waiting, in_progress, completed. */
  status: string;
  /** GitHub's, when completed: success, failure, cancelled, timed_out, skipped, neutral, action_required, stale, startup_failure. */
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
}

/** Why a GitHub call failed, after the client's own retries. */
export type GitHubFailureKind =
  /** 401, or a 403 that is not a rate limit (the token lacks a permission on the repository) */
  | 'unauthorized'
  /** 404 (GitHub also answers 404 to a token that may not see the repository) */
  | 'not_found'
  /** 422 */
  | 'unprocessable'
  /** 403/429 rate limits, still limited after the retries the client allows */
  | 'rate_limited'
  /** 5xx, timeouts and network errors, after the retries */
  | 'unavailable';

export class GitHubCallError extends Error {
  override readonly name = 'GitHubCallError';
  constructor(
    readonly kind: GitHubFailureKind,
    message: string,
    readonly status: number | null,
    /** Seconds GitHub asked to wait (retry-after or x-ratelimit-reset), when it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface GitHubWorkflows {
  /**
   * workflow_dispatch with `inputs` (string values), asking for the run's id
   * (return_run_details). @throws GitHubCallError
   */
  dispatch(target: WorkflowTarget, inputs: Record<string, string>): Promise<DispatchedWorkflowRun>;
  /**
   * The workflow's run whose name contains `nameMarker`, created at or after
   * `createdAfter` (ISO), or null. @throws GitHubCallError
   */
  findRun(target: WorkflowTarget, nameMarker: string, createdAfter: string): Promise<WorkflowRunState | null>;
  /** One run by GitHub's id, or null when GitHub does not know it. @throws GitHubCallError */
  getRun(target: Pick<WorkflowTarget, 'owner' | 'repo'>, githubRunId: number): Promise<WorkflowRunState | null>;
}

/** What the health sweep asks of GitHub about a channel's repository. */
export interface GitHubHealthCheck {
  /**
   * Whether the repository answers, the token may read it (and push), and the
   * workflow exists and is active. A refusal, a 404 or a 5xx is a finding,
   * not an error; no token configured is `credentials: unauthorized`.
   * @throws GitHubCallError `rate_limited` (the check did not happen: keep the last one)
   */
  checkWorkflow(target: Pick<WorkflowTarget, 'owner' | 'repo' | 'workflow'>): Promise<RepositoryFinding>;
}

/** Where a file lives in a repository: a branch (or any ref GitHub takes) of owner/repo. */
export interface RepositoryBranch {
  owner: string;
  repo: string;
  ref: string;
}

/** A file as the contents API returns it. */
export interface RepositoryFile {
  /** The blob sha, which a replacing write must name. */
  sha: string;
  /** The file's bytes. */
  content: Buffer;
}

/** What the config sync asks of GitHub: read a file, and commit a new version of it (the contents API). */
export interface GitHubContents {
  /** The file on the branch, or null when there is none. @throws GitHubCallError */
  getFile(where: RepositoryBranch, path: string): Promise<RepositoryFile | null>;
  /**
   * Commits `content` as the file on the branch: a replacement when `sha`
   * names the version it replaces, a new file when null (a sha that is no
   * longer the file's is a 409 from GitHub). @throws GitHubCallError
   */
  putFile(where: RepositoryBranch, path: string, change: { content: Buffer; sha: string | null; message: string }): Promise<{ commit_sha: string }>;
}
