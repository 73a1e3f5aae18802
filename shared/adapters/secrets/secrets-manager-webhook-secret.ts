import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { WebhookSecretSource } from '#shared/ports/webhook-secret-source';

/**
 * How long a read secret is reused before Secrets Manager is asked again: a
 * webhook burst costs one GetSecretValue per execution environment, and a
 * rotated secret is picked up within five minutes.
 */
export const WEBHOOK_SECRET_MAX_AGE_SECONDS = 300;

/**
 * The webhook secret in Secrets Manager (GITHUB_WEBHOOK_SECRET_ARN), read
 * through Powertools Parameters' SecretsProvider, which caches it for
 * `maxAgeSeconds`. A secret that exists but was never given a value (the
 * stack creates it for the operator to fill) is "not configured", not a
 * failure: the webhook answers 401 until it is filled, and the next delivery
 * after that reads it (a missing value is not cached).
 */
export class SecretsManagerWebhookSecret implements WebhookSecretSource {
  constructor(
    private readonly provider: SecretsProvider,
    private readonly secretId: string,
    private readonly maxAgeSeconds = WEBHOOK_SECRET_MAX_AGE_SECONDS,
  ) {}

  async get(): Promise<string | null> {
    let value: unknown;
    try {
      value = await this.provider.get(this.secretId, { maxAge: this.maxAgeSeconds });
    } catch (error) {
      if (hasNoValue(error)) return null;
      throw error;
    }
    if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
    return typeof value === 'string' && value.length > 0 ? value : null;
  }
}

/** Powertools wraps the SDK's error (GetParameterError, with the SDK's as its cause). */
function hasNoValue(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return (cause as { name?: unknown } | undefined)?.name === 'ResourceNotFoundException';
}
