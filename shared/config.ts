import * as z from 'zod';

/**
 * The only reader of the environment. Each setting is parsed once, at cold
 * start; a function asks for the settings it needs and fails fast, naming the
 * variable, when one is missing.
 */
const settingsSchema = z.object({
  TABLE_NAME: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Local (dynalite) endpoint; absent in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  TRIGGER_QUEUE_URL: z.url().optional(),
  TRIGGER_DLQ_URL: z.url().optional(),
  /** EventBridge Scheduler: the group slot schedules live in, their target, the role it assumes, its dead-letter queue. */
  SCHEDULE_GROUP_NAME: z.string().min(1).optional(),
  SLOT_TARGET_ARN: z.string().startsWith('arn:').optional(),
  SCHEDULER_ROLE_ARN: z.string().startsWith('arn:').optional(),
  SLOT_DLQ_ARN: z.string().startsWith('arn:').optional(),
  ACTIVITY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
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
  PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65_535).default(3000)),
  DATA_DIR: z.string().min(1).optional(),
  ORCHESTRATOR_API_TOKEN: z.string().min(1).optional(),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
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
