import * as z from 'zod/mini';
import { ValidationFailed, type FieldIssue } from '#shared/domain/errors';
import { runIdInName } from '#shared/domain/pipeline-run';
import type { Clock } from '#shared/ports/clock';
import type { SignalOutcome, WorkflowRunSignal, WorkflowRunSignals } from '#shared/ports/run-signals';
import type { WebhookDeliveryRepository } from '#shared/ports/webhook-delivery-repository';
import { workflowRunPayload } from '#shared/schemas/webhooks';

export interface GithubWebhookIntakeDeps {
  deliveries: WebhookDeliveryRepository;
  /** The run tracking service, asked on each delivery (the composition root's accessor). */
  signals: () => WorkflowRunSignals;
  clock: Clock;
}

/** A delivery whose signature the HTTP stack has verified. */
export interface VerifiedDelivery {
  /** X-GitHub-Event */
  event: string;
  /** X-GitHub-Delivery */
  delivery_id: string;
  payload: Record<string, unknown>;
}

export type WebhookIntakeOutcome =
  | { kind: 'applied'; outcome: SignalOutcome }
  | { kind: 'duplicate' }
  | { kind: 'ping'; hook_id: number | null }
  | { kind: 'ignored'; event: string };

/**
 * Takes a verified GitHub webhook delivery and applies it once.
 * 1. `ping` (sent when the webhook is created) is answered; nothing is written.
 * 2. Any event but `workflow_run` is ignored; nothing is written.
 * 3. A `workflow_run` payload becomes a WorkflowRunSignal (400 when it lacks
 *    what a workflow_run carries).
 * 4. A delivery already applied is a duplicate: nothing is applied again.
 * 5. The signal goes to the run tracking service, which moves the run.
 * 6. Only then is the delivery recorded: a failure before lets GitHub's
 *    redelivery (same delivery id) apply it, and the signal is idempotent, so
 *    an application repeated after a crash between 5 and 6, or by a
 *    concurrent duplicate, changes nothing more. Of concurrent duplicates,
 *    those that find the delivery recorded by another answer duplicate.
 */
export class GithubWebhookIntake {
  constructor(private readonly deps: GithubWebhookIntakeDeps) {}

  async receive(delivery: VerifiedDelivery): Promise<WebhookIntakeOutcome> {
    if (delivery.event === 'ping') return { kind: 'ping', hook_id: hookIdOf(delivery.payload) };
    if (delivery.event !== 'workflow_run') return { kind: 'ignored', event: delivery.event };

    const { action, signal } = signalOf(delivery);
    if (await this.deps.deliveries.isRecorded(delivery.delivery_id)) return { kind: 'duplicate' };
    const outcome = await this.deps.signals().apply(signal);
    const recorded = await this.deps.deliveries.record({
      delivery_id: delivery.delivery_id,
      event: delivery.event,
      action,
      github_run_id: signal.github_run_id,
      run_id: outcome.run_id ?? signal.run_id,
      matched: outcome.matched,
      changed: outcome.changed,
      received_at: this.deps.clock.now().toISOString(),
    });
    return recorded ? { kind: 'applied', outcome } : { kind: 'duplicate' };
  }
}

/** GitHub's word on a run, from a workflow_run payload. */
function signalOf(delivery: VerifiedDelivery): { action: string | null; signal: WorkflowRunSignal } {
  const parsed = workflowRunPayload.safeParse(delivery.payload);
  if (!parsed.success) {
    const fields: FieldIssue[] = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '$', in: 'body', message: issue.message }));
    throw new ValidationFailed(`not a workflow_run payload: ${fields.map((f) => `body.${f.field}`).join(', ')}`, fields);
  }
  const run = parsed.data.workflow_run;
  return {
    action: parsed.data.action ?? null,
    signal: {
      github_run_id: run.id,
      run_id: runIdInName(run.name) ?? runIdInName(run.display_title),
      status: run.status,
      conclusion: run.conclusion ?? null,
      html_url: run.html_url ?? null,
      at: run.updated_at,
      source: `webhook:${delivery.delivery_id}`,
    },
  };
}

const hookIdOf = (payload: Record<string, unknown>): number | null => {
  const parsed = z.int().safeParse(payload.hook_id);
  return parsed.success ? parsed.data : null;
};
