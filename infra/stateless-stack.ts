import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Stats, TreatMissingData, type AlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunctionConstruct } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DEFAULT_ACTIVITY_RETENTION_DAYS, DEFAULT_PUBLICATION_RETENTION_DAYS, MAX_RETENTION_DAYS } from '#shared/domain/retention';
import { MAX_TRIGGER_DELAY_SECONDS } from '#shared/ports/trigger-queue';
import { fullPath, isPublicRoute, routeList, type AnyRoute } from '#shared/routes';
import { AUTH_CONTEXT, apiAuthorizationFromContext, routeAuthorizer, routeAuthorizerOverride, type ApiAuthorization } from './constructs/api-authorization';
import { bindPermissions, type BindingTargets, type TableRetention } from './constructs/bindings';
import { BACKGROUND_FUNCTIONS, OPTIONAL_FUNCTIONS, functionEntries, httpFunctionEntry, missingEntries, type FunctionEntry } from './constructs/bundling';
import { CONSOLE_CONTEXT, consoleCustomDomainFrom, consoleDomainPrefixFrom, consoleEnabledFrom, contextInteger, distributionScheduleFrom, healthSweepMinutesFrom, pipelineSettingsFrom, type PipelineSettings } from './constructs/context-settings';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { OrchestratorFunction, type OrchestratorFunctionProps } from './constructs/orchestrator-function';
import { API_SCOPE, ConsoleStack, consoleOutputs } from './console-stack';
import { TRIGGER_CONSUMER_TIMEOUT, type StatefulResources } from './stateful-stack';

export interface StatelessStackProps extends StackProps, StatefulResources {
  /** @default read from CDK context: IAM unless `-c authorizer=jwt -c jwtIssuer=... -c jwtAudience=...` */
  readonly authorization?: ApiAuthorization;
  /** An SNS topic the alarms notify. @default context `alarmTopicArn`, else no notification (the alarms still show in CloudWatch) */
  readonly alarmTopicArn?: string;
  /**
   * Days the table keeps what expires: finished publications, groups and slots; audit entries.
   * @default context `publicationRetentionDays` (else 90) and `activityRetentionDays` (else 365)
   */
  readonly retention?: Partial<TableRetention>;
  /**
   * Dispatch concurrency, GitHub pacing and API URL.
   * @default contexts `dispatchConcurrency` (5), `githubDispatchesPerMinute` (60), `githubDispatchesPerHour` (450), `githubApiUrl` (api.github.com)
   */
  readonly pipelines?: Partial<PipelineSettings>;
  /**
   * Minutes between auto-distribution runs (5-1440): an EventBridge rule runs
   * the distribution job that often. @default context `distributionScheduleMinutes`, else no rule (off)
   */
  readonly distributionScheduleMinutes?: number;
  /** Minutes between two health sweeps. @default context `healthSweepMinutes`, else 5 */
  readonly healthSweepMinutes?: number;
  /** The route table to serve. @default the application's (shared/routes.ts); tests pass their own */
  readonly routes?: readonly AnyRoute[];
  /**
   * The web console (nested ConsoleStack): a Cognito user pool that then authorizes the API, and the site behind CloudFront.
   * @default context `console` (`-c console=true`), else none
   */
  readonly console?: boolean;
}

/**
 * The age of the oldest trigger past which dispatch counts as stuck: 15
 * minutes of dispatch on top of the longest delay a trigger is sent with
 * (SQS's 15 minutes). A trigger that waits for the pacer goes back to the
 * queue as a new message with such a delay, so its age starts again; whether
 * or not SQS counts the delay in the age, pacing alone never reaches this.
 * Only triggers nobody receives, or that keep failing, grow this old.
 */
export const TRIGGER_AGE_ALARM_THRESHOLD = Duration.seconds(MAX_TRIGGER_DELAY_SECONDS + 15 * 60);

/** HTTP API access: sustained and burst requests a second across all routes, a guard against runaway clients. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** Routes that plan and write up to 10,000 publications in one request: more memory, and with it more CPU. */
const LARGE_HTTP_ROUTES: ReadonlySet<string> = new Set(['coordinate-publication', 'schedule-wave', 'distribute-videos']);

/** Just under the HTTP API's 30-second integration limit, so the function's own error (and log) comes first. */
const HTTP_TIMEOUT = Duration.seconds(28);

/** Function errors, throttles and API 5xx: alarm on the first one in a 5-minute window. */
const FIRST_IN_FIVE_MINUTES = { period: Duration.minutes(5), statistic: Stats.SUM } as const;

/**
 * Everything that can be redeployed at will: one function per route behind an
 * HTTP API, the Scheduler slot target and its execution role, the periodic
 * reconciliation, the dispatcher on both trigger queues, and the alarms
 * (errors and throttles of every function, API 5xx, dead letters, stuck
 * triggers). The stateful resources come in as props.
 */
export class StatelessStack extends Stack {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  /** Every function, by its handler name (route id or background name). */
  public readonly functions: ReadonlyMap<string, OrchestratorFunction>;
  /** The role EventBridge Scheduler assumes to invoke the fire-slot function. */
  public readonly slotSchedulerRole: Role;

  private readonly byName = new Map<string, OrchestratorFunction>();
  private healthSweepFunction!: OrchestratorFunction;
  private healthSweepMinutes = 5;
  /** Every alarm of the stack, in the order made (the operations dashboard shows their state). */
  public readonly alarms: Alarm[] = [];
  /** The SNS topic every alarm notifies, when one is configured. */
  private alarmTopic?: ITopic;
  /** The web console's nested stack, when deployed (`-c console=true`). */
  public readonly console?: ConsoleStack;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.functions = this.byName;

    const routes = props.routes ?? routeList;
    const missing = missingEntries(functionEntries(routes));
    if (missing.length > 0) {
      throw new Error(`handler files are missing (every route and background job needs one): ${missing.join(', ')}`);
    }

    const pipelines = pipelineSettingsFrom(this, props.pipelines);
    const targets: BindingTargets = {
      table: props.table,
      retention: this.retentionFrom(props),
      triggerQueues: { queue: props.triggerQueue, highQueue: props.triggerHighQueue, deadLetterQueue: props.triggerDeadLetterQueue },
      processingQueues: { queue: props.processingQueue, deadLetterQueue: props.processingDeadLetterQueue },
      slotDeadLetterQueue: props.slotDeadLetterQueue,
      github: {
        tokenSecret: props.githubTokenSecret,
        webhookSecret: props.githubWebhookSecret,
        apiUrl: pipelines.githubApiUrl,
        dispatchesPerMinute: pipelines.githubDispatchesPerMinute,
        dispatchesPerHour: pipelines.githubDispatchesPerHour,
      },
    };

    // The slot target first: everything that creates schedules needs its ARN.
    const fireSlot = this.orchestratorFunction(BACKGROUND_FUNCTIONS.fireSlot, targets, {
      description: 'EventBridge Scheduler target: enqueues the publications of a slot as pipeline triggers',
      memorySize: 1024,
      timeout: Duration.minutes(2),
    });
    // Scheduler invokes asynchronously: an invocation that still fails after Lambda's retries is parked
    // in the slot dead-letter queue with its event, next to the events Scheduler itself could not deliver.
    fireSlot.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(props.slotDeadLetterQueue),
    });

    this.slotSchedulerRole = new Role(this, 'SlotSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the fire-slot function, and nothing else',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account, 'aws:SourceArn': props.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    this.slotSchedulerRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fireSlot.functionArn] }));
    // Scheduler sends undeliverable slot events to the dead-letter queue with this role.
    this.slotSchedulerRole.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.slotDeadLetterQueue.queueArn] }));

    targets.slotScheduling = {
      group: props.scheduleGroup,
      target: fireSlot,
      role: this.slotSchedulerRole,
      deadLetterQueue: props.slotDeadLetterQueue,
    };

    const reconcile = this.orchestratorFunction(BACKGROUND_FUNCTIONS.reconcilePublications, targets, {
      description: 'Every 5 minutes: rolls back requests that died half-way, fires overdue slots, re-sends lost triggers, releases held work',
      // Below the 5-minute rate, so two runs never overlap.
      timeout: Duration.minutes(4),
    });
    new Rule(this, 'ReconcilePublicationsSchedule', {
      description: 'Runs the publication reconciliation every 5 minutes',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(reconcile, { retryAttempts: 2, maxEventAge: Duration.minutes(4) })],
    });

    const sweepMinutes = healthSweepMinutesFrom(this, props.healthSweepMinutes);
    const healthSweep = this.orchestratorFunction(BACKGROUND_FUNCTIONS.healthSweep, targets, {
      description: `Every ${sweepMinutes} min: checks each channel's repository on GitHub and its recent runs, stores its health`,
      // Below the rule's period (two sweeps never overlap), 4 minutes at most: the GitHub call budget bounds the work anyway.
      timeout: Duration.seconds(Math.min(4 * 60, sweepMinutes * 60 - 10)),
    });
    new Rule(this, 'HealthSweepSchedule', {
      description: `Runs the channel health sweep every ${sweepMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(sweepMinutes)),
      targets: [
        new LambdaFunction(healthSweep, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(Math.max(1, sweepMinutes - 1)),
          // The sweep records its period, so GET /dashboard can tell when it stopped running.
          event: RuleTargetInput.fromObject({ detail: { interval_seconds: sweepMinutes * 60 } }),
        }),
      ],
    });
    this.healthSweepFunction = healthSweep;
    this.healthSweepMinutes = sweepMinutes;

    this.autoDistribution(targets, props);

    const pipelineTriggers = this.orchestratorFunction(BACKGROUND_FUNCTIONS.pipelineTriggers, targets, {
      description: 'The dispatcher: drains both trigger queues, dispatches each run to GitHub Actions or the processing queue, paced',
      timeout: TRIGGER_CONSUMER_TIMEOUT,
    });
    // One mapping per priority, each with its own concurrency: a backlog of normal triggers never holds up a high one.
    // Dispatches share GitHub's per-token rate limit (the pacer): a few consumers keep up with it, more would only wait on it.
    for (const queue of [props.triggerHighQueue, props.triggerQueue]) {
      pipelineTriggers.addEventSource(
        new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: pipelines.dispatchConcurrency }),
      );
    }

    // With the console, its user pool authorizes the API (its first step; the site comes after the API, below).
    this.console = (props.console ?? consoleEnabledFrom(this)) ? this.consoleStack(props) : undefined;
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'channel-orchestrator',
      description: 'Channel Orchestrator API',
      createDefaultStage: false,
      defaultAuthorizer: routeAuthorizer(this.console?.apiAuthorization ?? props.authorization ?? apiAuthorizationFromContext(this)),
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        ),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    for (const route of routes) {
      const fn = this.orchestratorFunction(httpFunctionEntry(route), targets, {
        description: `${route.method} ${fullPath(route)}: ${route.summary}`.slice(0, 256),
        memorySize: LARGE_HTTP_ROUTES.has(route.id) ? 1024 : 512,
        timeout: HTTP_TIMEOUT,
      });
      const authorizer = routeAuthorizerOverride(route);
      const [apiRoute] = this.api.addRoutes({
        path: fullPath(route),
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascalCase(route.id)}Integration`, fn),
        // undefined: the API's default authorizer. A github-signature route has none (its handler checks the signature).
        authorizer,
        // With the console, a token must carry the API scope: Cognito ID tokens (which have the web client as `aud`) do not pass.
        authorizationScopes: this.console && authorizer === undefined ? [API_SCOPE] : undefined,
      });
      if (isPublicRoute(route) && apiRoute) {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'GitHub cannot sign requests with SigV4 or present a JWT: this route authenticates each webhook delivery itself, by its ' +
            'X-Hub-Signature-256 HMAC over the raw body with the webhook secret, and answers 401 with no effect when it does not match.',
        });
      }
    }

    this.alarmTopic = this.alarmTopicFrom(props);
    this.dlqAlarms(props);
    this.triggerAgeAlarms(props);
    this.healthSweepAlarm();
    this.functionAlarms();
    this.alarm('HttpApi5xxAlarm', {
      alarmDescription:
        'The HTTP API answered at least one request with a 5xx. ' +
        'Find the request in the ApiAccessLogs log group (status 5xx), then read its route function\'s ERROR line for that request id.',
      metric: this.api.metricServerError(FIRST_IN_FIVE_MINUTES),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const operations = new OperationsDashboard(this, 'Operations', {
      api: this.api,
      functions: this.byName,
      queues: [
        { name: 'trigger_high', queue: props.triggerHighQueue },
        { name: 'trigger_normal', queue: props.triggerQueue },
        { name: 'processing', queue: props.processingQueue },
      ],
      deadLetterQueues: [
        { name: 'trigger_dead_letter', queue: props.triggerDeadLetterQueue },
        { name: 'processing_dead_letter', queue: props.processingDeadLetterQueue },
        { name: 'slot_dead_letter', queue: props.slotDeadLetterQueue },
      ],
      alarms: this.alarms,
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${operations.dashboard.dashboardName}`,
      description: 'The CloudWatch dashboard: API, functions, queues and dead letters, dispatches and run outcomes (docs/operations.md)',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL; routes live under /api/orchestration' });

    // Last, so the alarms above (found in the construct tree) leave the upload's CDK-owned function out.
    if (this.console) {
      this.console.serve(this.api);
      consoleOutputs(this, this.console);
    }
  }

  /**
   * The console's nested stack, first step: the user pool and its clients.
   * The console decides the API's authorizer, so another choice in props or
   * context is a contradiction, refused rather than silently dropped.
   */
  private consoleStack(props: StatelessStackProps): ConsoleStack {
    if (props.authorization || this.node.tryGetContext(AUTH_CONTEXT.authorizer) !== undefined) {
      throw new Error(
        `${CONSOLE_CONTEXT.console}=true authorizes the API with the console's Cognito user pool: drop -c ${AUTH_CONTEXT.authorizer} (and its issuer and audience)`,
      );
    }
    const customDomain = consoleCustomDomainFrom(this);
    const domainPrefix = consoleDomainPrefixFrom(this);
    return new ConsoleStack(this, 'Console', { ...(domainPrefix ? { domainPrefix } : {}), ...(customDomain ? { customDomain } : {}) });
  }

  /**
   * The optional auto-distribution: a function and the rule that runs it
   * every `distributionScheduleMinutes`, only when that is set (off by
   * default). Its errors and throttles alarm like every function's.
   */
  private autoDistribution(targets: BindingTargets, props: StatelessStackProps): void {
    const minutes = distributionScheduleFrom(this, props.distributionScheduleMinutes);
    if (minutes === null) return;
    const entry = OPTIONAL_FUNCTIONS.autoDistributeVideos;
    if (missingEntries([entry]).length > 0) throw new Error(`handler file is missing: ${entry.entry}`);
    // Under the period, so two runs never overlap (their claims would only make them skip each other's videos).
    const timeout = Duration.minutes(Math.min(5, minutes - 1));
    const fn = this.orchestratorFunction(entry, targets, {
      description: `Every ${minutes} minutes: gives available videos to the channels that take them (POST /distribute-videos's booking)`,
      memorySize: 1024,
      timeout,
    });
    new Rule(this, 'AutoDistributeVideosSchedule', {
      description: `Runs the auto-distribution of available videos every ${minutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(minutes)),
      targets: [new LambdaFunction(fn, { retryAttempts: 1, maxEventAge: timeout })],
    });
  }

  /** One function, its permissions bound from the entry's list. */
  private orchestratorFunction(
    entry: FunctionEntry,
    targets: BindingTargets,
    props: Omit<OrchestratorFunctionProps, 'source'>,
  ): OrchestratorFunction {
    const fn = new OrchestratorFunction(this, `${pascalCase(entry.name)}Function`, { source: entry, ...props });
    bindPermissions(fn, entry.permissions, targets);
    this.byName.set(entry.name, fn);
    return fn;
  }

  /** Each retention: props first, else its context key, else its default; whole days from 1 to 3650, or the synth fails. */
  private retentionFrom(props: StatelessStackProps): TableRetention {
    const days = (given: number | undefined, contextKey: string, fallback: number): number =>
      contextInteger(this, contextKey, given, { default: fallback, min: 1, max: MAX_RETENTION_DAYS }, 'whole days');
    return {
      publicationDays: days(props.retention?.publicationDays, 'publicationRetentionDays', DEFAULT_PUBLICATION_RETENTION_DAYS),
      activityDays: days(props.retention?.activityDays, 'activityRetentionDays', DEFAULT_ACTIVITY_RETENTION_DAYS),
    };
  }

  /** The optional topic: props first, else context `alarmTopicArn`. Built once; `alarm()` adds it to every alarm. */
  private alarmTopicFrom(props: StatelessStackProps): ITopic | undefined {
    const topicArn = props.alarmTopicArn ?? (this.node.tryGetContext('alarmTopicArn') as string | undefined);
    return topicArn ? Topic.fromTopicArn(this, 'AlarmTopic', topicArn) : undefined;
  }

  /** Every alarm of the stack is made here, so none can miss the topic. */
  private alarm(id: string, props: AlarmProps): Alarm {
    const alarm = new Alarm(this, id, props);
    this.alarms.push(alarm);
    if (this.alarmTopic) alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  /** A message in a dead-letter queue is work that did not happen: alarm on the first one. */
  private dlqAlarms(props: StatelessStackProps): void {
    const queues = [
      { id: 'SlotDeadLetterAlarm', queue: props.slotDeadLetterQueue, what: 'slot events that never reached or failed in fire-slot' },
      { id: 'TriggerDeadLetterAlarm', queue: props.triggerDeadLetterQueue, what: 'pipeline triggers (high or normal) that failed 5 times in the dispatcher' },
      { id: 'ProcessingDeadLetterAlarm', queue: props.processingDeadLetterQueue, what: 'processing jobs the shared processing workers failed 5 times' },
    ];
    for (const { id, queue, what } of queues) {
      this.alarm(id, {
        alarmDescription: `The dead-letter queue holds ${what}. Read the messages for the cause, fix it, then redrive or purge the queue.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /** A trigger older than TRIGGER_AGE_ALARM_THRESHOLD in either trigger queue: dispatch is stuck. */
  private triggerAgeAlarms(props: StatelessStackProps): void {
    const minutes = TRIGGER_AGE_ALARM_THRESHOLD.toMinutes();
    const queues = [
      { id: 'TriggerHighQueueAgeAlarm', queue: props.triggerHighQueue, what: 'high-priority' },
      { id: 'TriggerQueueAgeAlarm', queue: props.triggerQueue, what: 'normal-priority' },
    ];
    for (const { id, queue, what } of queues) {
      this.alarm(id, {
        alarmDescription:
          `A ${what} pipeline trigger has waited over ${minutes} minutes in its queue: dispatch is stuck. ` +
          "Check the pipeline-triggers function's errors, throttles and log group, and that its event source mappings are enabled.",
        metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
        threshold: TRIGGER_AGE_ALARM_THRESHOLD.toSeconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /**
   * The health sweep has not run for two of its periods: no invocation in
   * two consecutive periods (no data counts as not run). Channel health then
   * goes stale: GET /monitor-channels and the dashboard show old findings.
   */
  private healthSweepAlarm(): void {
    const minutes = this.healthSweepMinutes;
    this.alarm('HealthSweepNotRunAlarm', {
      alarmDescription:
        `The channel health sweep has not run for ${2 * minutes} minutes (two of its ${minutes}-minute periods): channel health is going stale. ` +
        'Check that the HealthSweepSchedule rule is enabled, and the health-sweep function\'s throttles and log group (docs/operations.md "Channel health").',
      metric: this.healthSweepFunction.metricInvocations({ period: Duration.minutes(minutes), statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.BREACHING,
    });
  }

  /**
   * Errors and throttles of every Lambda function in the stack, found in the
   * construct tree rather than listed, so a function added later is covered
   * too. Ids follow the function's path: `FireSlotFunctionErrorsAlarm`.
   */
  private functionAlarms(): void {
    const functions = this.node.findAll().filter((c): c is LambdaFunctionConstruct => c instanceof LambdaFunctionConstruct);
    for (const fn of functions) {
      const id = this.relativeId(fn);
      const common = {
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      };
      this.alarm(`${id}ErrorsAlarm`, {
        ...common,
        alarmDescription:
          `${id} failed at least one invocation (an uncaught error or a timeout). ` +
          'Open its log group, find the ERROR line or the timeout, and follow its request id.',
        metric: fn.metricErrors(FIRST_IN_FIVE_MINUTES),
      });
      this.alarm(`${id}ThrottlesAlarm`, {
        ...common,
        alarmDescription:
          `Lambda refused at least one invocation of ${id} for lack of concurrency. ` +
          'Check the account\'s concurrent executions and what else is using them, then raise the reserved concurrency or the account limit.',
        metric: fn.metricThrottles(FIRST_IN_FIVE_MINUTES),
      });
    }
  }

  /** A construct's ids below this stack, joined: unique within the stack, and readable. */
  private relativeId(construct: Construct): string {
    const scopes = construct.node.scopes;
    return scopes
      .slice(scopes.indexOf(this) + 1)
      .map((scope) => scope.node.id)
      .join('');
  }
}

/** HTTP API access log, one JSON object a request. Variables a request lacks (a JWT claim under IAM) log as "-". */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.userArn',
  subject: '$context.authorizer.claims.sub',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
};

const pascalCase = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
