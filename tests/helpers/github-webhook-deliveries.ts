import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import type { SignalOutcome, WorkflowRunSignal, WorkflowRunSignals } from '#shared/ports/run-signals';
import type { EventInput } from './api-gateway-event';

/** The secret the tests configure (GITHUB_WEBHOOK_SECRET) and sign with. */
export const TEST_WEBHOOK_SECRET = 'It’s a Secret to Everybody';

/** One event's examples in @octokit/webhooks-examples: real payloads GitHub sent. */
export interface WebhookExamples {
  name: string;
  actions: string[];
  examples: Record<string, any>[];
}

/** The payloads of @octokit/webhooks-examples (api.github.com), by event name. */
export function webhookExamples(event: string): Record<string, any>[] {
  const all = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookExamples[];
  const found = all.find((e) => e.name === event);
  if (!found) throw new Error(`no ${event} examples in @octokit/webhooks-examples`);
  return found.examples;
}

export interface DeliveryOptions {
  /** X-GitHub-Delivery; a new GUID when absent. */
  delivery?: string;
  /** Sign with this secret instead of the test's. */
  secret?: string;
  /** The X-Hub-Signature-256 to send instead of the body's; null sends none. */
  signature?: string | null;
  /** Send the body base64-encoded, as API Gateway may. */
  base64?: boolean;
}

/**
 * A delivery as GitHub sends it: the payload as JSON text (or `payload`
 * itself when it is a string), signed with @octokit/webhooks-methods
 * `sign()`, and GitHub's headers.
 */
export async function githubDelivery(event: string, payload: unknown, options: DeliveryOptions = {}): Promise<EventInput & { delivery: string }> {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const delivery = options.delivery ?? randomUUID();
  const signature = options.signature === undefined ? await sign(options.secret ?? TEST_WEBHOOK_SECRET, text) : options.signature;
  return {
    delivery,
    headers: {
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-github-hook-id': '109948940',
      'user-agent': 'GitHub-Hookshot/044aadd',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
    body: options.base64 ? Buffer.from(text).toString('base64') : text,
    ...(options.base64 ? { isBase64Encoded: true } : {}),
  };
}

/** A WorkflowRunSignals that records each signal and answers what it is told to. */
export class RecordingRunSignals implements WorkflowRunSignals {
  readonly signals: WorkflowRunSignal[] = [];
  /** The answer to each signal; a thrown error fails the delivery. */
  answer: (signal: WorkflowRunSignal) => Promise<SignalOutcome> = async (signal) => ({
    matched: signal.run_id !== null,
    changed: signal.run_id !== null,
    run_id: signal.run_id,
    status: signal.run_id === null ? null : 'in_progress',
  });

  async apply(signal: WorkflowRunSignal): Promise<SignalOutcome> {
    this.signals.push(signal);
    return this.answer(signal);
  }
}
