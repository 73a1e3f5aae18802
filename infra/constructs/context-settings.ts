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

/** Context keys of the web console in AWS (docs/console.md, "In AWS"). */
export const CONSOLE_CONTEXT = {
  console: 'console',
  domainPrefix: 'consoleDomainPrefix',
  domainName: 'consoleDomainName',
  certificateArn: 'consoleCertificateArn',
} as const;

/**
 * Context `console`: `true` adds the console (a Cognito user pool, the site
 * in S3 behind CloudFront with the API under the same domain); absent or
 * `false`, nothing of it is deployed. Anything else stops the synth.
 */
export function consoleEnabledFrom(scope: Construct): boolean {
  const raw: unknown = scope.node.tryGetContext(CONSOLE_CONTEXT.console);
  if (raw === undefined || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  throw new Error(`${CONSOLE_CONTEXT.console} must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Context `consoleDomainPrefix`: the Cognito prefix domain
 * (`<prefix>.auth.<region>.amazoncognito.com`), unique in the region. Absent,
 * undefined: the console stack derives one from its own stack id. Cognito
 * allows lowercase letters, digits and inner hyphens, and no "aws", "amazon"
 * or "cognito" in it.
 */
export function consoleDomainPrefixFrom(scope: Construct): string | undefined {
  const raw: unknown = scope.node.tryGetContext(CONSOLE_CONTEXT.domainPrefix);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(raw) || /aws|amazon|cognito/.test(raw)) {
    throw new Error(
      `${CONSOLE_CONTEXT.domainPrefix} must be 1-63 lowercase letters, digits and inner hyphens, without "aws", "amazon" or "cognito", got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/**
 * Contexts `consoleDomainName` and `consoleCertificateArn`, both or neither:
 * the console on a custom domain, with an ACM certificate in us-east-1 (the
 * only region CloudFront takes certificates from). Neither: undefined, the
 * distribution's `*.cloudfront.net` name.
 */
export function consoleCustomDomainFrom(scope: Construct): { domainName: string; certificateArn: string } | undefined {
  const domainName: unknown = scope.node.tryGetContext(CONSOLE_CONTEXT.domainName);
  const certificateArn: unknown = scope.node.tryGetContext(CONSOLE_CONTEXT.certificateArn);
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (
    typeof domainName !== 'string' ||
    !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domainName) ||
    typeof certificateArn !== 'string' ||
    !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(certificateArn)
  ) {
    throw new Error(
      `a custom console domain needs both -c ${CONSOLE_CONTEXT.domainName}=<console.example.com> and ` +
        `-c ${CONSOLE_CONTEXT.certificateArn}=arn:aws:acm:us-east-1:<account>:certificate/<id> (CloudFront takes certificates from us-east-1), ` +
        `got ${JSON.stringify({ domainName, certificateArn })}`,
    );
  }
  return { domainName, certificateArn };
}
