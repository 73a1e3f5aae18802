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

const settingsSchema = z.object({
  TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /** Local (dynalite) endpoint; absent in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  TRIGGER_QUEUE_URL: z.optional(z.url()),
  TRIGGER_DLQ_URL: z.optional(z.url()),
  /** EventBridge Scheduler: the group slot schedules live in, their target, the role it assumes, its dead-letter queue. */
  SCHEDULE_GROUP_NAME: z.optional(z.string().check(z.minLength(1))),
  SLOT_TARGET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  SCHEDULER_ROLE_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  SLOT_DLQ_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  ACTIVITY_RETENTION_DAYS: z._default(retentionDays(), DEFAULT_ACTIVITY_RETENTION_DAYS),
  /** How long finished publications, groups and slots stay in the table (TTL; shared/domain/retention.ts). */
  PUBLICATION_RETENTION_DAYS: z._default(retentionDays(), DEFAULT_PUBLICATION_RETENTION_DAYS),
  IDEMPOTENCY_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(60), z.maximum(7 * 86_400)), 86_400),
  /** The GitHub webhook's secret as a value (`npm start`, tests). */
  GITHUB_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** The GitHub webhook's secret in Secrets Manager (AWS); read through Powertools Parameters, cached. Wins over the value. */
  GITHUB_WEBHOOK_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
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
  GITHUB_API_URL: z._default(z.url(), 'https://api.github.com'),
  GITHUB_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** How often the local reconciliation runs (SPEC: default 300). */
  RECONCILE_INTERVAL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(86_400)), 300),
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
