/**
 * A channel's health as the sweep last found it (SPEC "Monitoring"), kept in
 * its own item beside the channel so the sweep never races a channel edit.
 * `evaluateHealth` is the rule (docs/operations.md "Channel health"): pure,
 * from the channel's recent runs and the last check of its repository.
 */
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** The repository as the check found it: reachable, not_found (404), unreachable (5xx, network); `none` without a repository, `unchecked` before any check. */
export const REPOSITORY_STATES = ['reachable', 'not_found', 'unreachable', 'none', 'unchecked'] as const;
export type RepositoryState = (typeof REPOSITORY_STATES)[number];

/** The token as the check found it: valid, unauthorized (refused with 401/403, or no token configured); `none` without a repository, `unchecked` before any check. */
export const CREDENTIALS_STATES = ['valid', 'unauthorized', 'none', 'unchecked'] as const;
export type CredentialsState = (typeof CREDENTIALS_STATES)[number];

/** The channel's workflow as the check found it: found (active), missing, disabled; `none` without a repository, `unchecked` when the check could not get that far. */
export const WORKFLOW_STATES = ['found', 'missing', 'disabled', 'none', 'unchecked'] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/** Why a channel is in its status: stable codes for tools, next to `reason` in words for people. */
export const HEALTH_REASON_CODES = [
  'ok',
  'no_recent_runs',
  'not_checked_yet',
  'github_token_missing',
  'github_credentials_refused',
  'repository_not_found',
  'repository_unreachable',
  'workflow_missing',
  'workflow_disabled',
  'dispatch_refused',
  'consecutive_failures',
  'recent_failures',
] as const;
export type HealthReasonCode = (typeof HEALTH_REASON_CODES)[number];

/** A recent error of the channel: a failed run, a dispatch GitHub refused, or the sweep's own check of the repository. */
export interface ChannelError {
  at: string;
  source: 'run' | 'dispatch' | 'check';
  code: string;
  message: string;
  run_id: string | null;
}

/** What one check of the repository on GitHub found (GitHubHealthCheck.checkWorkflow). */
export interface RepositoryFinding {
  repository: 'reachable' | 'not_found' | 'unreachable' | 'unchecked';
  credentials: 'valid' | 'unauthorized' | 'unchecked';
  workflow: 'found' | 'missing' | 'disabled' | 'unchecked';
  /** The token was absent (no GitHub token configured), rather than refused. */
  token_missing: boolean;
  /** What GitHub said when something was wrong (no token in it), else null. */
  detail: string | null;
}

export interface ChannelHealth {
  channel_id: string;
  status: HealthStatus;
  repository: RepositoryState;
  credentials: CredentialsState;
  workflow: WorkflowState;
  /** Why the status, in words (also when healthy: what was found). */
  reason: string;
  reason_code: HealthReasonCode;
  /** When this health was evaluated (the sweep, or a live refresh). */
  checked_at: string;
  /** When the repository was last checked on GitHub; null without a repository or before the first check. The sweep checks the oldest first. */
  repository_checked_at: string | null;
  /** The errors of the window, newest first (at most MAX_HEALTH_ERRORS). */
  errors: ChannelError[];
  /** Which repository and workflow `repository_checked_at` refers to (`owner/repo#workflow`): an edited channel is checked afresh. */
  checked_target?: string | undefined;
}

/** A run as the rule reads it. */
export interface HealthRun {
  run_id: string;
  status: 'queued' | 'held' | 'dispatched' | 'in_progress' | 'succeeded' | 'failed';
  /** When it last changed (its end, for a final run). */
  at: string;
  error: { code: string; message: string } | null;
}

/** The window of runs the rule reads: the last 24 hours, the newest 20 runs of it. */
export const HEALTH_WINDOW_HOURS = 24;
export const HEALTH_WINDOW_RUNS = 20;
/** This many final runs in a row failed (the newest ones): unhealthy. */
export const CONSECUTIVE_FAILURES_UNHEALTHY = 3;
/** Errors kept on the health item and shown by GET /monitor-channels. */
export const MAX_HEALTH_ERRORS = 5;

/** Run error codes that mean GitHub refused the dispatch itself (401, 404): the channel cannot publish until someone fixes it. */
const DISPATCH_REFUSALS: ReadonlySet<string> = new Set(['github_credentials_invalid', 'github_workflow_missing']);
/** Run error codes raised at dispatch, not by the pipeline's own run. */
const DISPATCH_ERRORS: ReadonlySet<string> = new Set([...DISPATCH_REFUSALS, 'github_inputs_refused', 'github_rate_limited', 'github_unavailable']);

export interface HealthInput {
  channelId: string;
  now: Date;
  /** The channel's newest runs (any order; the rule keeps the window's). */
  runs: readonly HealthRun[];
  /**
   * The repository's check: null when the channel has no repository; for a
   * channel with one, the finding (fresh, or the last one kept when this
   * sweep had no GitHub calls left for it) with when it was made, or
   * `finding: null` when it was never checked.
   */
  repository: { finding: RepositoryFinding | null; checkedAt: string | null } | null;
}

/**
 * The health rule, first match wins:
 * 1. the check found the token refused or missing, the repository gone or
 *    unreachable, the workflow missing or disabled: unhealthy;
 * 2. a dispatch refused by GitHub (401/404) newer than the last success: unhealthy;
 * 3. the newest CONSECUTIVE_FAILURES_UNHEALTHY final runs all failed: unhealthy;
 * 4. any failed run in the window: degraded;
 * 5. nothing to go on (no repository check and no run in the window): unknown;
 * 6. otherwise healthy.
 * The window is the last HEALTH_WINDOW_HOURS, at most HEALTH_WINDOW_RUNS runs.
 */
export function evaluateHealth(input: HealthInput): ChannelHealth {
  const { now, repository } = input;
  const since = now.getTime() - HEALTH_WINDOW_HOURS * 3_600_000;
  const window = input.runs
    .filter((run) => Date.parse(run.at) >= since)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, HEALTH_WINDOW_RUNS);
  const final = window.filter((run) => run.status === 'succeeded' || run.status === 'failed');
  const failed = final.filter((run) => run.status === 'failed');
  const finding = repository?.finding ?? null;

  const errors: ChannelError[] = failed.map((run) => ({
    at: run.at,
    source: run.error && DISPATCH_ERRORS.has(run.error.code) ? 'dispatch' : 'run',
    code: run.error?.code ?? 'pipeline_failed',
    message: run.error?.message ?? 'the pipeline run failed',
    run_id: run.run_id,
  }));
  const checkError = finding && repository?.checkedAt ? checkErrorOf(finding, repository.checkedAt) : null;
  if (checkError) errors.push(checkError);
  errors.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  const base = {
    channel_id: input.channelId,
    repository: (repository === null ? 'none' : (finding?.repository ?? 'unchecked')) as RepositoryState,
    credentials: (repository === null ? 'none' : (finding?.credentials ?? 'unchecked')) as CredentialsState,
    workflow: (repository === null ? 'none' : (finding?.workflow ?? 'unchecked')) as WorkflowState,
    checked_at: now.toISOString(),
    repository_checked_at: repository?.checkedAt ?? null,
    errors: errors.slice(0, MAX_HEALTH_ERRORS),
  };
  const verdict = (status: HealthStatus, reason_code: HealthReasonCode, reason: string): ChannelHealth => ({ ...base, status, reason, reason_code });
  const said = finding?.detail ? ` (${finding.detail})` : '';

  if (finding) {
    if (finding.credentials === 'unauthorized') {
      return finding.token_missing
        ? verdict('unhealthy', 'github_token_missing', 'no GitHub token is configured: the repository cannot be checked or dispatched to')
        : verdict('unhealthy', 'github_credentials_refused', `GitHub refused the token for the repository${said}: give it read access and actions:write`);
    }
    if (finding.repository === 'not_found') {
      return verdict('unhealthy', 'repository_not_found', `the repository does not exist or the token cannot see it (404)${said}`);
    }
    if (finding.repository === 'unreachable') {
      return verdict('unhealthy', 'repository_unreachable', `GitHub did not answer for the repository${said}`);
    }
    if (finding.workflow === 'missing') {
      return verdict('unhealthy', 'workflow_missing', `the repository has no such workflow${said}`);
    }
    if (finding.workflow === 'disabled') {
      return verdict('unhealthy', 'workflow_disabled', `the workflow is disabled on GitHub${said}`);
    }
  }

  const lastSuccess = final.find((run) => run.status === 'succeeded');
  const refusal = failed.find((run) => run.error && DISPATCH_REFUSALS.has(run.error.code) && (!lastSuccess || run.at > lastSuccess.at));
  if (refusal) {
    return verdict('unhealthy', 'dispatch_refused', `GitHub refused a dispatch at ${refusal.at}: ${refusal.error?.message ?? refusal.error?.code}`);
  }

  const newest = final.slice(0, CONSECUTIVE_FAILURES_UNHEALTHY);
  if (newest.length === CONSECUTIVE_FAILURES_UNHEALTHY && newest.every((run) => run.status === 'failed')) {
    return verdict('unhealthy', 'consecutive_failures', `the last ${CONSECUTIVE_FAILURES_UNHEALTHY} runs failed (newest: ${describeFailure(newest[0] as HealthRun)})`);
  }
  if (failed.length > 0) {
    return verdict(
      'degraded',
      'recent_failures',
      `${failed.length} of the ${final.length} runs that ended in the last ${HEALTH_WINDOW_HOURS} h failed (newest: ${describeFailure(failed[0] as HealthRun)})`,
    );
  }

  const runs = final.length === 0 ? `no run ended in the last ${HEALTH_WINDOW_HOURS} h` : `${final.length} runs ended in the last ${HEALTH_WINDOW_HOURS} h, none failed`;
  if (repository !== null && !finding) {
    if (final.length === 0) return verdict('unknown', 'not_checked_yet', `the repository has not been checked yet and ${runs}`);
    return verdict('healthy', 'ok', `${runs}; the repository has not been checked yet`);
  }
  if (repository === null && final.length === 0) {
    return verdict('unknown', 'no_recent_runs', `no repository to check, and ${runs}`);
  }
  const checked = finding ? `the repository is reachable, the workflow found and the token accepted; ` : '';
  return verdict('healthy', 'ok', `${checked}${runs}`);
}

function describeFailure(run: HealthRun): string {
  return run.error ? `${run.error.code}: ${run.error.message}` : `run ${run.run_id}`;
}

function checkErrorOf(finding: RepositoryFinding, at: string): ChannelError | null {
  const code =
    finding.credentials === 'unauthorized'
      ? finding.token_missing
        ? 'github_token_missing'
        : 'github_credentials_refused'
      : finding.repository === 'not_found'
        ? 'repository_not_found'
        : finding.repository === 'unreachable'
          ? 'repository_unreachable'
          : finding.workflow === 'missing'
            ? 'workflow_missing'
            : finding.workflow === 'disabled'
              ? 'workflow_disabled'
              : null;
  if (!code) return null;
  return { at, source: 'check', code, message: finding.detail ?? code.replace(/_/g, ' '), run_id: null };
}
