import type { Page } from '#shared/domain/pagination';
import type { GithubRunRef, PipelineRun, RunError, RunStatus } from '#shared/domain/pipeline-run';

export interface RunQuery {
  limit: number;
  cursor?: string | undefined;
  channelId?: string | undefined;
  status?: RunStatus | undefined;
}

/** A change of a run's status, guarded by the statuses it may leave (and, for a dispatch, by the intent's token). */
export interface RunChange {
  from: readonly RunStatus[];
  to: RunStatus;
  at: string;
  /** Only if the run's dispatch intent is this token (the call that recorded it). */
  token?: string | undefined;
  github?: GithubRunRef | undefined;
  error?: RunError | null | undefined;
  conclusion?: string | null | undefined;
}

export interface PipelineRunRepository {
  /** Writes a new run unless one with its id exists. @returns false when it existed (a duplicate trigger). */
  create(run: PipelineRun): Promise<boolean>;
  get(runId: string): Promise<PipelineRun | null>;
  /** The run GitHub knows by `githubRunId`, if one was recorded. */
  findByGithubRunId(githubRunId: number): Promise<PipelineRun | null>;
  /** Newest first; by channel, by status, or both. */
  list(query: RunQuery): Promise<Page<PipelineRun>>;
  /** Runs in a status last changed before `before` (ISO), oldest first: the reconciliation's walk. */
  listStale(status: RunStatus, before: string, limit: number, cursor?: string): Promise<Page<PipelineRun>>;
  /**
   * Records a dispatch intent: `token` and the time, one more attempt, if the
   * run is `queued` and holds no intent (or holds `replacing`, an intent
   * found dead). @returns the run after, or null if another call owns it or it moved on.
   */
  beginDispatch(runId: string, token: string, at: string, replacing?: string): Promise<PipelineRun | null>;
  /** Changes the status if it is one of `change.from` (and the intent matches `change.token` when given); clears the intent. @returns the run after, or null. */
  changeStatus(runId: string, change: RunChange): Promise<PipelineRun | null>;
  /** Records an error without a status change (a retry will follow). */
  noteError(runId: string, error: RunError): Promise<void>;
}
