import { describe, expect, it } from 'vitest';
import { DEFAULT_GITHUB_API_URL, localSettings, parseSettings } from '#shared/config';

describe('Function: parseSettings', () => {
  describe('retention', () => {
    it('keeps finished publications 90 days and activity 365 unless told otherwise', () => {
      expect(parseSettings({})).toMatchObject({ PUBLICATION_RETENTION_DAYS: 90, ACTIVITY_RETENTION_DAYS: 365 });
    });

    it('reads PUBLICATION_RETENTION_DAYS as whole days', () => {
      expect(parseSettings({ PUBLICATION_RETENTION_DAYS: '30' }).PUBLICATION_RETENTION_DAYS).toBe(30);
    });

    it.each(['0', '3651', '1.5', 'ninety'])('refuses PUBLICATION_RETENTION_DAYS=%s, naming it', (value) => {
      expect(() => parseSettings({ PUBLICATION_RETENTION_DAYS: value })).toThrow(/PUBLICATION_RETENTION_DAYS/);
    });
  });

  describe('pipelines', () => {
    it('paces dispatches at 60 a minute and 450 an hour, 5 at once, against api.github.com, unless told otherwise', () => {
      expect(parseSettings({})).toMatchObject({
        GITHUB_DISPATCHES_PER_MINUTE: 60,
        GITHUB_DISPATCHES_PER_HOUR: 450,
        DISPATCH_CONCURRENCY: 5,
        GITHUB_API_URL: DEFAULT_GITHUB_API_URL,
      });
      expect(DEFAULT_GITHUB_API_URL).toBe('https://api.github.com');
    });

    it('reads the queues, the secrets and the pacing from the environment', () => {
      // Prepare
      const env = {
        TRIGGER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers',
        TRIGGER_HIGH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers-high',
        PROCESSING_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/processing',
        PROCESSING_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/processing-dlq',
        GITHUB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf',
        GITHUB_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-AbCdEf',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
        GITHUB_DISPATCHES_PER_MINUTE: '10',
        GITHUB_DISPATCHES_PER_HOUR: '100',
        DISPATCH_CONCURRENCY: '1',
      };
      // Act
      const settings = parseSettings(env);
      // Assess
      expect(settings).toMatchObject({ ...env, GITHUB_DISPATCHES_PER_MINUTE: 10, GITHUB_DISPATCHES_PER_HOUR: 100, DISPATCH_CONCURRENCY: 1 });
    });

    it.each([
      ['GITHUB_DISPATCHES_PER_MINUTE', '0'],
      ['GITHUB_DISPATCHES_PER_MINUTE', '1.5'],
      ['GITHUB_DISPATCHES_PER_HOUR', 'many'],
      ['DISPATCH_CONCURRENCY', '0'],
      ['DISPATCH_CONCURRENCY', '1001'],
      ['GITHUB_TOKEN_SECRET_ARN', 'my-token'],
      ['GITHUB_WEBHOOK_SECRET_ARN', 'secret'],
      ['TRIGGER_HIGH_QUEUE_URL', 'triggers-high'],
      ['PROCESSING_QUEUE_URL', 'processing'],
      ['GITHUB_API_URL', 'api.github.com'],
    ])('refuses %s=%s, naming it', (name, value) => {
      expect(() => parseSettings({ [name]: value })).toThrow(new RegExp(name));
    });
  });
});

describe('Health sweep settings', () => {
  it('gives a sweep 100 GitHub calls, and sweeps every 300 s locally, unless told otherwise; 0 turns the local sweep off', () => {
    expect(parseSettings({}).HEALTH_SWEEP_GITHUB_CALLS).toBe(100);
    expect(parseSettings({ HEALTH_SWEEP_GITHUB_CALLS: '40' }).HEALTH_SWEEP_GITHUB_CALLS).toBe(40);
    expect(localSettings({}).HEALTH_SWEEP_INTERVAL_SECONDS).toBe(300);
    expect(localSettings({ HEALTH_SWEEP_INTERVAL_SECONDS: '0' }).HEALTH_SWEEP_INTERVAL_SECONDS).toBe(0);
  });

  it.each(['1', '5001', '2.5', 'all'])('refuses HEALTH_SWEEP_GITHUB_CALLS=%s, naming it', (value) => {
    expect(() => parseSettings({ HEALTH_SWEEP_GITHUB_CALLS: value })).toThrow(/HEALTH_SWEEP_GITHUB_CALLS/);
  });

  it.each(['-1', '86401', 'often'])('refuses HEALTH_SWEEP_INTERVAL_SECONDS=%s, naming it', (value) => {
    expect(() => localSettings({ HEALTH_SWEEP_INTERVAL_SECONDS: value })).toThrow(/HEALTH_SWEEP_INTERVAL_SECONDS/);
  });
});
