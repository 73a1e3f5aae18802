import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { DEFAULT_ACTIVITY_RETENTION_DAYS, DEFAULT_PUBLICATION_RETENTION_DAYS, MAX_RETENTION_DAYS } from './domain/retention';

// zod's English issue messages (why each schema module installs them: shared/schemas/common.ts).
z.config(en());

/**
 * The only reader of the environment. Each setting is parsed once, at cold
 * start; a function asks for the settings it needs and fails fast, naming the
 * variable, when one is missing.
 */
function retentionDays() {
  return z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_RETENTION_DAYS));
}

/** Where the GitHub client sends its requests: api.github.com, a GitHub Enterprise API (`https://<host>/api/v3`), or the simulator. */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/**
 * Dispatch pacing and concurrency: defaults and the bounds both the settings
 * and the CDK context keys (infra/constructs/pipeline-settings.ts) accept.
 * GitHub allows a token about 80 content-creating requests a minute and 500
 * an hour; the defaults stay below both. The bounds are wider, for GitHub
 * Enterprise instances with their own limits.
 */
export const DISPATCH_LIMITS = {
  perMinute: { default: 60, min: 1, max: 1_000 },
  perHour: { default: 450, min: 1, max: 100_000 },
  /** 1 locally (the bench measures it); in AWS at least 2, the least an SQS event source's maximum concurrency takes. */
  concurrency: { default: 5, min: 1, max: 1_000 },
} as const;

/**
 * The value the stateful stack creates the GitHub token secret with, until
 * the operator puts the real token in (docs/operations.md). A client that
 * reads it knows the token was never set, rather than calling GitHub with it.
 */
export const GITHUB_TOKEN_PLACEHOLDER = 'unset: put the GitHub token here with aws secretsmanager put-secret-value';

/** GitHub calls one health sweep (or one live refresh) may make: a check takes 2 (docs/operations.md "Channel health"). */
export const HEALTH_SWEEP_GITHUB_CALLS = { default: 100, min: 2, max: 5_000 } as const;

function boundedInteger(limit: { default: number; min: number; max: number }) {
  return z._default(z.coerce.number().check(z.int(), z.minimum(limit.min), z.maximum(limit.max)), limit.default);
}

const settingsSchema = z.object({
  TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /** Local (dynalite) endpoint; absent in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** The pipeline-trigger queues, one a priority (normal is TRIGGER_QUEUE_URL), and their shared dead-letter queue. */
  TRIGGER_QUEUE_URL: z.optional(z.url()),
  TRIGGER_HIGH_QUEUE_URL: z.optional(z.url()),
  TRIGGER_DLQ_URL: z.optional(z.url()),
  /** The queue the shared processing workers consume (channels with no repository), and its dead-letter queue. */
  PROCESSING_QUEUE_URL: z.optional(z.url()),
  PROCESSING_DLQ_URL: z.optional(z.url()),
  /** Secrets Manager secrets, read through Powertools Parameters; never the values themselves. */
  GITHUB_TOKEN_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  GITHUB_WEBHOOK_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  GITHUB_API_URL: z._default(z.url(), DEFAULT_GITHUB_API_URL),
  /** Dispatch pacing, per GitHub credential: the token bucket's rates. */
  GITHUB_DISPATCHES_PER_MINUTE: boundedInteger(DISPATCH_LIMITS.perMinute),
  GITHUB_DISPATCHES_PER_HOUR: boundedInteger(DISPATCH_LIMITS.perHour),
  /** GitHub calls a health sweep may make; repositories beyond it keep their last check and go first next time. */
  HEALTH_SWEEP_GITHUB_CALLS: boundedInteger(HEALTH_SWEEP_GITHUB_CALLS),
  /** Triggers dispatched at once: the local queue's consumers (in AWS, each trigger queue's event source mapping's maximum concurrency). */
  DISPATCH_CONCURRENCY: boundedInteger(DISPATCH_LIMITS.concurrency),
  /** EventBridge Scheduler: the group slot schedules live in, their target, the role it assumes, its dead-letter queue. */
  SCHEDULE_GROUP_NAME: z.optional(z.string().check(z.minLength(1))),
  SLOT_TARGET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  SCHEDULER_ROLE_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  SLOT_DLQ_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** The same slot dead-letter queue by URL: its depth is read (GET /dashboard). */
  SLOT_DLQ_URL: z.optional(z.url()),
  ACTIVITY_RETENTION_DAYS: z._default(retentionDays(), DEFAULT_ACTIVITY_RETENTION_DAYS),
  /** How long finished publications, groups and slots stay in the table (TTL; shared/domain/retention.ts). */
  PUBLICATION_RETENTION_DAYS: z._default(retentionDays(), DEFAULT_PUBLICATION_RETENTION_DAYS),
  IDEMPOTENCY_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(60), z.maximum(7 * 86_400)), 86_400),
});

export type Settings = z.infer<typeof settingsSchema>;

let cached: Settings | undefined;

/** The settings of this process, parsed from the environment on first use. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
  const result = settingsSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return result.data;
}

/** A setting this function cannot run without. */
export function required<K extends keyof Settings>(name: K): NonNullable<Settings[K]> {
  const value = settings()[name];
  if (value === undefined || value === null || value === '') {
    throw new Error(`missing configuration: ${String(name)} must be set for this function`);
  }
  return value as NonNullable<Settings[K]>;
}

/** Settings of the local server (`npm start`), from the same environment. */
const localSettingsSchema = z.object({
  // An empty PORT= is "not set" (3000), not port 0 (a random port).
  PORT: z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535)), 3000),
  ),
  DATA_DIR: z.optional(z.string().check(z.minLength(1))),
  ORCHESTRATOR_API_TOKEN: z.optional(z.string().check(z.minLength(1))),
  GITHUB_TOKEN: z.optional(z.string().check(z.minLength(1))),
  GITHUB_API_URL: z._default(z.url(), DEFAULT_GITHUB_API_URL),
  GITHUB_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** How often the local reconciliation runs (SPEC: default 300). */
  RECONCILE_INTERVAL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(86_400)), 300),
  /** How often the local health sweep runs; 0 turns it off (default 300, the first run one interval after start). */
  HEALTH_SWEEP_INTERVAL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(86_400)), 300),
});

export type LocalSettings = z.infer<typeof localSettingsSchema>;

export function localSettings(env: Record<string, string | undefined> = process.env): LocalSettings {
  const result = localSettingsSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid local configuration: ${problems}`);
  }
  return result.data;
}

/** Forgets the parsed settings so the next read sees the environment as it is now (tests, the local server). */
export function reloadSettings(): void {
  cached = undefined;
}

/** Points this process's settings at a local table (the local server and integration tests). */
export function useLocalTable(tableName: string, endpoint: string): void {
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  cached = undefined;
}
