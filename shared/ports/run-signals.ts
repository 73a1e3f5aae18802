/**
 * What GitHub tells about a workflow run (a `workflow_run` webhook, or the
 * reconciliation's own look), reduced to what moves a pipeline run.
 */
export interface WorkflowRunSignal {
  github_run_id: number;
  /** The orchestrator's run id found in the run's name (`[run_...]`), if any. */
  run_id: string | null;
  /** GitHub's status: requested, queued, pending, waiting, in_progress, completed. */
  status: string;
  conclusion: string | null;
  html_url: string | null;
  /** When GitHub says it happened (the run's updated_at). */
  at: string;
  /** Where it came from, for the activity entry: `webhook:<delivery id>` or `reconciliation`. */
  source: string;
}

export interface SignalOutcome {
  /** A run of ours was found (by GitHub's id, else by the id in the name). */
  matched: boolean;
  /** The run moved (false: it was there already, or is final). */
  changed: boolean;
  run_id: string | null;
  status: string | null;
}

/** Applies GitHub's word on a run: implemented by the run tracking service. */
export interface WorkflowRunSignals {
  apply(signal: WorkflowRunSignal): Promise<SignalOutcome>;
}
