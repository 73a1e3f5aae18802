import * as z from 'zod/mini';
import { RUN_ERROR_CODES, RUN_ROUTES, RUN_STATUSES } from '#shared/domain/pipeline-run';
import { isoDateTime, meta, page, pageCursor, pageLimit, resourceId } from './common';

/** The three inputs the orchestrator sets itself; GitHub takes 25 in all (docs/pipelines.md). */
export const RESERVED_INPUTS = ['run_id', 'video_id', 'publications'] as const;
export const MAX_EXTRA_INPUTS = 25 - RESERVED_INPUTS.length;
/** A manual run's extra inputs, as JSON: far inside GitHub's 65,535 characters, with room for the rest. */
export const MAX_EXTRA_INPUT_CHARS = 16_384;

export const runId = meta(z.string().check(z.regex(/^run_[0-9A-Za-z]{26}$/, 'must be a run id: run_ and 26 letters or digits')), {
  example: 'run_01JD6Y2ZJ3K8M1Q7W4X9V2B5C0',
});

const inputs = meta(
  z.record(
    z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'an input name: a letter or _, then letters, digits, _ or -, 100 at most')),
    z.string().check(z.maxLength(4_096)),
  ).check(
    z.superRefine((value: Record<string, string>, ctx) => {
      const names = Object.keys(value);
      for (const name of names) {
        if ((RESERVED_INPUTS as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', message: `'${name}' is set by the orchestrator`, path: [name] });
      }
      if (names.length > MAX_EXTRA_INPUTS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_EXTRA_INPUTS} inputs (GitHub takes 25, 3 are the orchestrator's)`, path: [] });
      if (JSON.stringify(value).length > MAX_EXTRA_INPUT_CHARS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_EXTRA_INPUT_CHARS} characters of inputs as JSON`, path: [] });
    }),
  ),
  { description: 'extra workflow_dispatch inputs (string values), passed as they are' },
);

export const triggerPipelineInput = meta(
  z.strictObject({
    channel_id: resourceId,
    video_id: z.optional(resourceId),
    priority: z._default(z.enum(['high', 'normal']), 'normal'),
    inputs: z.optional(inputs),
  }),
  { id: 'TriggerPipelineInput' },
);

export const runAccepted = meta(
  z.strictObject({
    run_id: z.string(),
    channel_id: z.string(),
    video_id: z.nullable(z.string()),
    route: z.enum(RUN_ROUTES),
    status: z.enum(RUN_STATUSES),
  }),
  { id: 'PipelineRunAccepted' },
);

export const pipelineRun = meta(
  z.strictObject({
    run_id: z.string(),
    channel_id: z.string(),
    video_id: z.nullable(z.string()),
    route: z.enum(RUN_ROUTES),
    status: z.enum(RUN_STATUSES),
    priority: z.enum(['high', 'normal']),
    trigger_id: z.string(),
    slot_id: z.nullable(z.string()),
    publications: z.array(z.strictObject({ publication_id: z.string(), video_id: z.string() })),
    github: z.nullable(
      z.strictObject({
        owner: z.string(),
        repo: z.string(),
        workflow: z.string(),
        ref: z.string(),
        run_id: z.nullable(z.int()),
        html_url: z.nullable(z.string()),
      }),
    ),
    attempts: z.int().check(z.minimum(0)),
    last_error: z.nullable(z.strictObject({ code: z.enum(RUN_ERROR_CODES), message: z.string(), at: isoDateTime })),
    conclusion: z.nullable(z.string()),
    created_at: isoDateTime,
    updated_at: isoDateTime,
    dispatched_at: z.nullable(isoDateTime),
    completed_at: z.nullable(isoDateTime),
  }),
  { id: 'PipelineRun' },
);

export const runPath = z.strictObject({ run_id: runId });

export const runListQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor,
  channel_id: z.optional(resourceId),
  status: z.optional(z.enum(RUN_STATUSES)),
});

export const runPage = meta(page(pipelineRun), { id: 'PipelineRunPage' });

export const completeRunInput = meta(
  z.strictObject({
    conclusion: z.enum(['success', 'failure']),
    details: z.optional(z.record(z.string(), z.unknown())),
  }),
  { id: 'CompleteRunInput' },
);
