/**
 * Where the GitHub webhook's shared secret comes from: a value set at start
 * (GITHUB_WEBHOOK_SECRET, locally) or Secrets Manager (AWS). Never logged.
 */
export interface WebhookSecretSource {
  /** The secret, or null when none is configured: every delivery is then refused. */
  get(): Promise<string | null>;
}
