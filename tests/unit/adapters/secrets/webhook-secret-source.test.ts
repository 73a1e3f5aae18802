import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretsManagerWebhookSecret, WEBHOOK_SECRET_MAX_AGE_SECONDS } from '#shared/adapters/secrets/secrets-manager-webhook-secret';
import { StaticWebhookSecret } from '#shared/adapters/secrets/static-webhook-secret';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:channel-orchestrator/github-webhook-AbCdEf';

describe('Class: SecretsManagerWebhookSecret', () => {
  const client = mockClient(SecretsManagerClient);
  /** A new provider (and so an empty cache) each test, as a cold start has. */
  const source = () => new SecretsManagerWebhookSecret(new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: 'eu-west-1' }) }), SECRET_ARN);

  beforeEach(() => client.reset());
  afterEach(() => vi.useRealTimers());

  describe('Method: get', () => {
    it('reads the secret string with exactly GetSecretValue {SecretId: <the ARN>}', async () => {
      // Prepare
      client.on(GetSecretValueCommand).resolves({ SecretString: 'It’s a Secret to Everybody' });

      // Act
      const secret = await source().get();

      // Assess
      expect(secret).toBe('It’s a Secret to Everybody');
      const calls = client.commandCalls(GetSecretValueCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input).toEqual({ SecretId: SECRET_ARN });
    });

    it('answers a second call within maxAge from its cache, and asks again once maxAge has passed', async () => {
      // Prepare
      vi.useFakeTimers({ now: new Date('2026-11-21T18:00:00Z'), toFake: ['Date'] });
      client.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'first' }).resolves({ SecretString: 'rotated' });
      const secrets = source();

      // Act
      const first = await secrets.get();
      vi.setSystemTime(new Date(Date.now() + (WEBHOOK_SECRET_MAX_AGE_SECONDS - 1) * 1000));
      const cached = await secrets.get();
      vi.setSystemTime(new Date(Date.now() + 2_000));
      const refreshed = await secrets.get();

      // Assess
      expect([first, cached, refreshed]).toEqual(['first', 'first', 'rotated']);
      expect(client.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('reads a binary secret as UTF-8', async () => {
      client.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode('binary secret') });
      await expect(source().get()).resolves.toBe('binary secret');
    });

    it('answers null for a secret created but never given a value, and reads it once it has one (nothing cached)', async () => {
      // Prepare
      client
        .on(GetSecretValueCommand)
        .rejectsOnce(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", $metadata: {} }))
        .resolves({ SecretString: 'filled' });
      const secrets = source();

      // Act
      const before = await secrets.get();
      const after = await secrets.get();

      // Assess
      expect([before, after]).toEqual([null, 'filled']);
    });

    it('lets any other failure through (the request is a 500, not a silent 401)', async () => {
      client.on(GetSecretValueCommand).rejects(new Error('throttled'));
      await expect(source().get()).rejects.toThrow('throttled');
    });
  });
});

describe('Class: StaticWebhookSecret', () => {
  it('answers the configured value, or null when there is none', async () => {
    await expect(new StaticWebhookSecret('s3cret').get()).resolves.toBe('s3cret');
    await expect(new StaticWebhookSecret(undefined).get()).resolves.toBeNull();
    await expect(new StaticWebhookSecret('').get()).resolves.toBeNull();
  });
});

describe('Function: webhookSecretSource (composition root)', () => {
  const saved = { arn: process.env.GITHUB_WEBHOOK_SECRET_ARN, value: process.env.GITHUB_WEBHOOK_SECRET };
  afterEach(async () => {
    for (const [name, value] of [['GITHUB_WEBHOOK_SECRET_ARN', saved.arn], ['GITHUB_WEBHOOK_SECRET', saved.value]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    (await import('#shared/composition-root')).resetComposition();
  });

  it('reads Secrets Manager when GITHUB_WEBHOOK_SECRET_ARN is set, even with a value set too', async () => {
    process.env.GITHUB_WEBHOOK_SECRET_ARN = SECRET_ARN;
    process.env.GITHUB_WEBHOOK_SECRET = 'local';
    const root = await import('#shared/composition-root');
    root.resetComposition();
    expect(root.webhookSecretSource()).toBeInstanceOf(SecretsManagerWebhookSecret);
  });

  it('takes GITHUB_WEBHOOK_SECRET otherwise, and has no secret when neither is set', async () => {
    delete process.env.GITHUB_WEBHOOK_SECRET_ARN;
    process.env.GITHUB_WEBHOOK_SECRET = 'local';
    const root = await import('#shared/composition-root');
    root.resetComposition();
    await expect(root.webhookSecretSource().get()).resolves.toBe('local');

    delete process.env.GITHUB_WEBHOOK_SECRET;
    root.resetComposition();
    await expect(root.webhookSecretSource().get()).resolves.toBeNull();
  });
});
