import { verify } from '@octokit/webhooks-methods';
import { NotAuthenticated } from '#shared/domain/errors';
import { logger } from '#shared/logger';
import type { WebhookSecretSource } from '#shared/ports/webhook-secret-source';
import type { RawRequestCheck } from './http-handler';

/** The header GitHub signs a delivery with: `sha256=<hex HMAC of the body with the secret>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Who a verified delivery is from, in the logs. */
export const GITHUB_WEBHOOK_ACTOR = 'github:webhook';

/**
 * Authenticates a GitHub webhook delivery by its X-Hub-Signature-256, over
 * the body exactly as received (@octokit/webhooks-methods `verify`, a
 * constant-time comparison). Every refusal is the same 401
 * `invalid_signature` and one WARN line naming the reason, the delivery id
 * and the event, never the body or the signature. With no secret configured
 * every delivery is refused, and the warning says which setting is missing.
 *
 * An empty body is refused too: there is nothing signed to verify (the
 * library will not sign or verify an empty payload, and GitHub never sends one).
 */
export function githubSignatureCheck(secrets: () => WebhookSecretSource): RawRequestCheck {
  return async ({ headers, body }) => {
    const context = { delivery_id: clip(headers['x-github-delivery']), event: clip(headers['x-github-event']) };
    const refuse = (reason: string, message: string): never => {
      logger.warn(`webhook refused: ${reason}`, context);
      throw new NotAuthenticated('invalid_signature', message);
    };
    const signature = headers[SIGNATURE_HEADER];
    if (!signature) return refuse('no X-Hub-Signature-256 header', 'X-Hub-Signature-256 is missing: set a secret on the webhook');
    const secret = await secrets().get();
    if (!secret) {
      return refuse(
        'the webhook secret is not set (GITHUB_WEBHOOK_SECRET locally, the secret named by GITHUB_WEBHOOK_SECRET_ARN in AWS)',
        'X-Hub-Signature-256 does not match the body',
      );
    }
    const valid = body.length > 0 && (await verify(secret, body, signature).catch(() => false));
    if (!valid) return refuse('the signature does not match the body', 'X-Hub-Signature-256 does not match the body');
    return { actor: GITHUB_WEBHOOK_ACTOR };
  };
}

/** A header's value for a log line: whatever the sender put there, bounded. */
const clip = (value: string | undefined): string | null => (value === undefined ? null : value.slice(0, 100));
