/**
 * A channel's health as the sweep last found it (SPEC "Monitoring"), kept in
 * its own item beside the channel so the sweep never races a channel edit.
 */
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** A recent error of the channel: a failed run, or a GitHub call that was refused. */
export interface ChannelError {
  at: string;
  /** Where it was seen: a finished run, a dispatch, or the sweep's own check of the repository. */
  source: 'run' | 'dispatch' | 'check';
  code: string;
  message: string;
  run_id: string | null;
}

export interface ChannelHealth {
  channel_id: string;
  status: HealthStatus;
  /** The repository as the check found it: reachable, not_found, unreachable; `none` without a repository, `unchecked` before any check. */
  repository: 'reachable' | 'not_found' | 'unreachable' | 'none' | 'unchecked';
  /** The token as the check found it: valid, refused; `none` without a repository, `unchecked` before any check. */
  credentials: 'valid' | 'refused' | 'none' | 'unchecked';
  /** Why the status is not healthy, in words; null when healthy. */
  reason: string | null;
  checked_at: string;
  /** The errors of the sweep's window, newest first (at most a few). */
  errors: ChannelError[];
}
