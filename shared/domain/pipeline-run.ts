import { createHash } from 'node:crypto';

/**
 * A pipeline run: one trigger (the publications of one slot on one channel,
 * or one manual POST /trigger-pipeline) handed to the channel's pipeline once
 * (SPEC "Pipelines"). A channel with a repository runs a GitHub Actions
 * workflow (`github_actions`); one without goes to the shared processing
 * workers (`processing_queue`).
 */
export const RUN_STATUSES = ['queued', 'held', 'dispatched', 'in_progress', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run in one of these never changes again. */
export const FINAL_RUN_STATUSES = ['succeeded', 'failed'] as const satisfies readonly RunStatus[];
export const isFinalRun = (status: RunStatus): boolean => (FINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);

export const RUN_ROUTES = ['github_actions', 'processing_queue'] as const;
export type RunRoute = (typeof RUN_ROUTES)[number];

export type RunPriority = 'high' | 'normal';

/** Why a run failed, in words that say what to fix. */
export const RUN_ERROR_CODES = [
  /** 401: the token is missing, expired or revoked. */
  'github_credentials_invalid',
  /** 404: the repository or the workflow does not exist, or the token cannot see it. */
  'github_workflow_missing',
  /** 422: the workflow refused the inputs (no workflow_dispatch trigger, an unknown input, a bad ref). */
  'github_inputs_refused',
  /** 403/429 beyond the retries. */
  'github_rate_limited',
  /** 5xx or the network, beyond the retries. */
  'github_unavailable',
  /** The workflow run ended with a conclusion other than success. */
  'pipeline_failed',
  /** A processing worker reported a failure. */
  'processing_failed',
  /** No way to run it (e.g. the channel was deleted). */
  'channel_unavailable',
] as const;
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

export interface RunError {
  code: RunErrorCode;
  message: string;
  at: string;
}

export interface RunPublication {
  publication_id: string;
  video_id: string;
}

export interface GithubRunRef {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  /** GitHub's workflow run id, once known. */
  run_id: number | null;
  html_url: string | null;
}

export interface PipelineRun {
  run_id: string;
  channel_id: string;
  /** The video the run publishes (a slot's first when it carries several), or null for a manual run without one. */
  video_id: string | null;
  route: RunRoute;
  status: RunStatus;
  priority: RunPriority;
  /** The trigger it came from: `<slot_id>/<channel_id>[#part]`, or `manual/<run_id>`. */
  trigger_id: string;
  slot_id: string | null;
  publications: RunPublication[];
  /** Extra workflow inputs of a manual run (string values). */
  inputs: Record<string, string>;
  github: GithubRunRef | null;
  /** Dispatch attempts made (the intent of each is recorded before the call). */
  attempts: number;
  /** Set while a dispatch call is in flight or its result unrecorded (the intent): the call that owns it. */
  dispatch_token: string | null;
  dispatch_started_at: string | null;
  last_error: RunError | null;
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  dispatched_at: string | null;
  completed_at: string | null;
}

/**
 * The run a trigger becomes: its id is derived from the trigger's id, so a
 * duplicate delivery of the same message (or a re-sent trigger) finds the same
 * run and starts nothing twice. `part` numbers the runs a trigger too large
 * for one dispatch is cut into.
 */
export function runIdForTrigger(triggerId: string, part = 1): string {
  const digest = createHash('sha256').update(`${triggerId}|${part}`).digest('hex').slice(0, 26);
  return `run_${digest}`;
}

/**
 * GitHub takes at most 25 inputs and 65,535 characters of inputs in one
 * workflow_dispatch (docs/pipelines.md). Our three inputs leave the
 * `publications` JSON this much, counted as sent: a JSON string inside the
 * inputs JSON, every quote escaped. A trigger whose list is longer becomes
 * several runs.
 */
export const MAX_PUBLICATIONS_INPUT_CHARS = 60_000;

/** Cuts a trigger's publications into lists whose JSON fits one dispatch, in order. */
export function splitForDispatch(publications: readonly RunPublication[], maxChars = MAX_PUBLICATIONS_INPUT_CHARS): RunPublication[][] {
  const parts: RunPublication[][] = [];
  let current: RunPublication[] = [];
  let chars = 2; // []
  for (const p of publications) {
    // As it travels inside the inputs JSON (its quotes escaped), plus its comma.
    const size = JSON.stringify(JSON.stringify(p)).length - 2 + 1;
    if (current.length > 0 && chars + size > maxChars) {
      parts.push(current);
      current = [];
      chars = 2;
    }
    current.push(p);
    chars += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** The run-name a channel workflow sets (docs/examples/channel-pipeline.yml): how a run is found on GitHub without its id. */
export const runNameMarker = (runId: string): string => `[${runId}]`;

/** The run id in a workflow run's name, if the name carries one. */
export function runIdInName(name: string | null | undefined): string | null {
  const match = /\[(run_[0-9a-zA-Z]{10,40})\]/.exec(name ?? '');
  return match?.[1] ?? null;
}

/** What a new run is made of; the rest starts empty (no attempt, no intent, no error, nothing GitHub said). */
export interface NewRun {
  run_id: string;
  channel: { channel_id: string; github: { owner: string; repo: string; workflow: string; ref: string } | null };
  video_id: string | null;
  status: 'queued' | 'held';
  priority: RunPriority;
  trigger_id: string;
  slot_id: string | null;
  publications: RunPublication[];
  inputs: Record<string, string>;
  at: string;
}

/** A new run: routed by its channel (a repository: GitHub Actions; none: the processing queue). */
export function newRun(fields: NewRun): PipelineRun {
  const github = fields.channel.github;
  return {
    run_id: fields.run_id,
    channel_id: fields.channel.channel_id,
    video_id: fields.video_id,
    route: github ? 'github_actions' : 'processing_queue',
    status: fields.status,
    priority: fields.priority,
    trigger_id: fields.trigger_id,
    slot_id: fields.slot_id,
    publications: fields.publications,
    inputs: fields.inputs,
    github: github ? { owner: github.owner, repo: github.repo, workflow: github.workflow, ref: github.ref, run_id: null, html_url: null } : null,
    attempts: 0,
    dispatch_token: null,
    dispatch_started_at: null,
    last_error: null,
    conclusion: null,
    created_at: fields.at,
    updated_at: fields.at,
    dispatched_at: null,
    completed_at: null,
  };
}
