import type { WebhookSecretSource } from '#shared/ports/webhook-secret-source';

/** The webhook secret given as a setting (GITHUB_WEBHOOK_SECRET: `npm start`, tests). */
export class StaticWebhookSecret implements WebhookSecretSource {
  constructor(private readonly value: string | undefined) {}

  async get(): Promise<string | null> {
    return this.value ? this.value : null;
  }
}
