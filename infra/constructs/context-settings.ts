import type { Construct } from 'constructs';
import { DEFAULT_GITHUB_API_URL, DISPATCH_LIMITS } from '#shared/config';

/**
 * CDK context keys read at synth (`cdk synth -c key=value`, or cdk.json's
 * context), each validated here so a wrong value stops the synth with a
 * message naming the key, never reaches a function's environment.
 */

/** The least an SQS event source mapping's maximum concurrency may be (Lambda's rule). */
export const LAMBDA_MIN_SQS_MAX_CONCURRENCY = 2;

interface IntegerRule {
  default: number;
  min: number;
  max: number;
}

/**
 * A whole number: `given` (props) first, else context `key`, else the default.
 * Context values from the command line arrive as strings; both forms are read.
 */
export function contextInteger(scope: Construct, key: string, given: number | undefined, rule: IntegerRule, unit = 'whole numbers'): number {
  const raw = given ?? scope.node.tryGetContext(key) ?? rule.default;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
    throw new Error(`${key} must be ${unit} from ${rule.min} to ${rule.max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The pipelines' deploy-time settings. */
export interface PipelineSettings {
  /** Each trigger queue's event source mapping's maximum concurrency (context `dispatchConcurrency`, default 5, 2-1000). */
  dispatchConcurrency: number;
  /** The dispatch pacer's rates per GitHub token (contexts `githubDispatchesPerMinute`, 60, and `githubDispatchesPerHour`, 450). */
  githubDispatchesPerMinute: number;
  githubDispatchesPerHour: number;
  /** GitHub's API: api.github.com, or a GitHub Enterprise Server's `https://<host>/api/v3` (context `githubApiUrl`). */
  githubApiUrl: string;
}

export const PIPELINE_CONTEXT = {
  dispatchConcurrency: 'dispatchConcurrency',
  githubDispatchesPerMinute: 'githubDispatchesPerMinute',
  githubDispatchesPerHour: 'githubDispatchesPerHour',
  githubApiUrl: 'githubApiUrl',
} as const satisfies Record<keyof PipelineSettings, string>;

/**
 * Each setting: props first, else its context key, else its default. The
 * bounds are those shared/config.ts accepts (DISPATCH_LIMITS), except the
 * concurrency's floor of 2 that Lambda sets; a minute's rate above the hour's
 * is refused too (the hour would bind at once, and the minute mean nothing).
 */
export function pipelineSettingsFrom(scope: Construct, given: Partial<PipelineSettings> = {}): PipelineSettings {
  const dispatchConcurrency = contextInteger(scope, PIPELINE_CONTEXT.dispatchConcurrency, given.dispatchConcurrency, {
    ...DISPATCH_LIMITS.concurrency,
    min: LAMBDA_MIN_SQS_MAX_CONCURRENCY,
  });
  const githubDispatchesPerMinute = contextInteger(scope, PIPELINE_CONTEXT.githubDispatchesPerMinute, given.githubDispatchesPerMinute, DISPATCH_LIMITS.perMinute);
  const githubDispatchesPerHour = contextInteger(scope, PIPELINE_CONTEXT.githubDispatchesPerHour, given.githubDispatchesPerHour, DISPATCH_LIMITS.perHour);
  if (githubDispatchesPerMinute > githubDispatchesPerHour) {
    throw new Error(
      `${PIPELINE_CONTEXT.githubDispatchesPerMinute} (${githubDispatchesPerMinute}) must not exceed ${PIPELINE_CONTEXT.githubDispatchesPerHour} (${githubDispatchesPerHour})`,
    );
  }
  return { dispatchConcurrency, githubDispatchesPerMinute, githubDispatchesPerHour, githubApiUrl: githubApiUrlFrom(scope, given.githubApiUrl) };
}

/** An https URL with no query or fragment; a trailing slash is dropped (Octokit appends paths to it). */
function githubApiUrlFrom(scope: Construct, given: string | undefined): string {
  const key = PIPELINE_CONTEXT.githubApiUrl;
  const raw: unknown = given ?? scope.node.tryGetContext(key) ?? DEFAULT_GITHUB_API_URL;
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`${key} must be an https URL such as https://github.example.com/api/v3 (no query, no credentials), got ${JSON.stringify(raw)}`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Context key of the optional auto-distribution rule's period, in minutes. */
export const DISTRIBUTION_SCHEDULE_CONTEXT = 'distributionScheduleMinutes';
/** The bounds of that period: no more often than every 5 minutes, at least once a day. */
export const DISTRIBUTION_SCHEDULE_LIMITS = { min: 5, max: 1440 } as const;

/**
 * The auto-distribution rule's period in minutes: props first, else context
 * `distributionScheduleMinutes`; absent from both, null (no rule, the
 * default). A value outside 5-1440 stops the synth.
 */
export function distributionScheduleFrom(scope: Construct, given: number | undefined): number | null {
  if (given === undefined && scope.node.tryGetContext(DISTRIBUTION_SCHEDULE_CONTEXT) === undefined) return null;
  return contextInteger(scope, DISTRIBUTION_SCHEDULE_CONTEXT, given, { default: DISTRIBUTION_SCHEDULE_LIMITS.min, ...DISTRIBUTION_SCHEDULE_LIMITS }, 'whole minutes');
}

/** How often the health sweep runs (context `healthSweepMinutes`): 5 by default, 1 to 60. */
export const HEALTH_SWEEP_MINUTES = { default: 5, min: 1, max: 60 } as const;

/** Context `healthSweepMinutes` (props first), validated: whole minutes from 1 to 60, or the synth fails naming it. */
export function healthSweepMinutesFrom(scope: Construct, given: number | undefined): number {
  return contextInteger(scope, 'healthSweepMinutes', given, HEALTH_SWEEP_MINUTES, 'whole minutes');
}
