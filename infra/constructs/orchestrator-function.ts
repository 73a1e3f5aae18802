import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { RUN_METRICS } from '#shared/ports/run-metrics';
import { ESBUILD_OPTIONS, PROJECT_ROOT, entryPath, type FunctionEntry } from './bundling';

/** The service name in every log line and metric (Powertools). */
export const SERVICE_NAME = RUN_METRICS.service;

/**
 * ESBUILD_OPTIONS in the shape NodejsFunction takes, with the local esbuild
 * (never Docker). CDK adds `--bundle --platform=node` and writes `index.mjs`
 * for the ESM format, as the bench script's `outExtension` does.
 */
export const CDK_BUNDLING: BundlingOptions = {
  format: ESBUILD_OPTIONS.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
  target: ESBUILD_OPTIONS.target,
  minify: ESBUILD_OPTIONS.minify,
  sourceMap: ESBUILD_OPTIONS.sourcemap,
  mainFields: ESBUILD_OPTIONS.mainFields,
  banner: ESBUILD_OPTIONS.banner.js,
  externalModules: ESBUILD_OPTIONS.external,
  // CDK has no alias property; `--alias:<package>=<path>` on esbuild's command line, one per alias.
  esbuildArgs: { '--alias': Object.entries(ESBUILD_OPTIONS.alias).map(([from, to]) => `${from}=${to}`) },
  bundleAwsSDK: true,
  logLevel: LogLevel.WARNING,
  forceDockerBundling: false,
};

export interface OrchestratorFunctionProps {
  /** The handler file (an entry of functionEntries()). */
  readonly source: Pick<FunctionEntry, 'entry'>;
  readonly description?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
}

/**
 * A Lambda function of this application with every default it shares: Node.js
 * 24 on arm64, active tracing, ESM bundle from ESBUILD_OPTIONS, its own log
 * group kept one month, Powertools settings, and its own role that starts with
 * nothing but writing to that log group (no AWSLambdaBasicExecutionRole, whose
 * `logs:*` on `*` would outlive the explicit log group). Permissions are added
 * by the bind* helpers in ./bindings.
 */
export class OrchestratorFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: OrchestratorFunctionProps) {
    // Role and log group are created before super() can run, so they are the function's siblings: <id>Role, <id>Logs.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.source.entry}`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      // Stateless: logs go with the function; the audit trail lives in the table.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    super(scope, id, {
      entry: entryPath(props.source),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role,
      logGroup,
      bundling: CDK_BUNDLING,
      // AWS_NODEJS_CONNECTION_REUSE_ENABLED is left out: it only ever meant something to SDK v2; v3 keeps connections alive by default.
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: RUN_METRICS.namespace,
        ...props.environment,
      },
    });

    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing grants xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions. ' +
        'Every other statement of this role names its resources (tests/infra assert that only X-Ray actions are granted on "*").',
    });
  }
}
