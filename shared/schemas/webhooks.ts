import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { meta } from './common';

z.config(en());

/**
 * The headers GitHub sends with every delivery
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers).
 * The signature is checked before these are validated; it is listed so the
 * document says it is required.
 */
export const githubWebhookHeaders = z.object({
  'X-GitHub-Event': meta(z.string().check(z.maxLength(64), z.regex(/^[a-z_]{1,64}$/, 'must be a GitHub event name')), {
    description: 'the event: workflow_run is applied, ping is answered, any other is accepted and ignored',
    example: 'workflow_run',
  }),
  'X-GitHub-Delivery': meta(z.string().check(z.maxLength(100), z.regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a delivery id (a GUID)')), {
    description: "the delivery's id (a GUID); a redelivery keeps it, so a delivery is applied once",
    example: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  }),
  'X-Hub-Signature-256': meta(z.string().check(z.length(71), z.regex(/^sha256=[0-9a-f]{64}$/, 'must be sha256=<64 hex digits>')), {
    description: "sha256=<HMAC-SHA256 of the body as sent, with the webhook's secret, in hex>",
    example: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  }),
});

/** A delivery's body: GitHub's payload for the event, as GitHub sends it. Only workflow_run's `workflow_run` is read. */
export const githubWebhookPayload = meta(z.record(z.string(), z.unknown()), {
  id: 'GithubWebhookPayload',
  description: "GitHub's payload for the event (application/json); for workflow_run, the run's id, name, display_title, status, conclusion, html_url and updated_at are read",
});

/**
 * What a workflow_run payload must carry to move a run
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_run).
 * Everything else in it is ignored.
 */
export const workflowRunPayload = z.object({
  action: z.optional(z.string().check(z.maxLength(100))),
  workflow_run: z.object({
    id: z.int().check(z.positive()),
    /** The workflow's name, or the run's run-name. */
    name: z.nullish(z.string()),
    /** The run-name (`run-name:` in the workflow), which carries `[run_...]`. */
    display_title: z.nullish(z.string()),
    status: z.string().check(z.minLength(1)),
    conclusion: z.nullish(z.string()),
    html_url: z.nullish(z.string()),
    updated_at: z.iso.datetime({ offset: true }),
  }),
});

export const workflowRunApplied = meta(
  z.object({
    matched: meta(z.boolean(), { description: 'a pipeline run of ours was found, by GitHub run id or by the run_id in its name' }),
    changed: meta(z.boolean(), { description: 'the run moved (false: it was there already, or is final)' }),
    run_id: z.nullable(z.string()),
    status: meta(z.nullable(z.string()), { description: "the run's status after the event" }),
  }),
  { id: 'WorkflowRunApplied' },
);

export const githubWebhookResult = meta(
  z.union([
    workflowRunApplied,
    meta(z.object({ duplicate: z.literal(true) }), { id: 'WebhookDuplicate', description: 'this delivery was applied already: nothing changed' }),
    meta(z.object({ ok: z.literal(true), event: z.literal('ping'), hook_id: z.nullable(z.int().check(z.positive())) }), { id: 'WebhookPing' }),
  ]),
  { id: 'GithubWebhookResult' },
);

export const githubWebhookIgnored = meta(z.object({ ignored: z.literal(true), event: z.string() }), { id: 'GithubWebhookIgnored' });
