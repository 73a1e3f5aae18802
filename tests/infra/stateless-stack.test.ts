import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { MAX_TRIGGER_DELAY_SECONDS } from '#shared/ports/trigger-queue';
import { PERMISSION_SETTINGS, fullPath, routeList, routes, type AnyRoute, type Permission } from '#shared/routes';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '#infra/constructs/bindings';
import { BACKGROUND_FUNCTIONS, OPTIONAL_FUNCTIONS } from '#infra/constructs/bundling';
import { StatefulStack, statefulResources } from '#infra/stateful-stack';
import { StatelessStack, TRIGGER_AGE_ALARM_THRESHOLD } from '#infra/stateless-stack';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/** Both stacks wired as infra/app.ts wires them; bundling skipped, the feature flags of cdk.json. A test may serve its own route table. */
function buildApp(context: Record<string, unknown> = {}, routeTable?: readonly AnyRoute[]) {
  const app = new App({
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
    stackTraces: false,
  });
  const stateful = new StatefulStack(app, 'Stateful');
  const stateless = new StatelessStack(app, 'Stateless', { ...statefulResources(stateful), ...(routeTable ? { routes: routeTable } : {}) });
  return { app, stateful, stateless };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every function of the application with its permissions: one per route, then the background ones. */
const ALL_FUNCTIONS = [
  ...routeList.map((r) => [r.id, r.permissions] as const),
  ...Object.values(BACKGROUND_FUNCTIONS).map((f) => [f.name, f.permissions] as const),
];
/** What every function's environment holds whatever its permissions (OrchestratorFunction). */
const BASE_ENVIRONMENT = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE'];

/** The route that authenticates itself (the GitHub webhook: its signature): no authorizer, the webhook secret. */
const SIGNED_ROUTE: AnyRoute = routes.githubWebhook;
const WITH_SIGNED_ROUTE: readonly AnyRoute[] = routeList;
/** Every other route: behind the API's authorizer. */
const AUTHORISED_ROUTES: readonly AnyRoute[] = routeList.filter((r) => r.auth !== 'github-signature');
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const WRITE_ONLY_TABLE_ACTIONS = TABLE_WRITE_ACTIONS.filter((a) => !(TABLE_READ_ACTIONS as readonly string[]).includes(a));

describe('Class: StatelessStack', () => {
  let stateful: StatefulStack;
  let stateless: StatelessStack;
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, any> }>;

  beforeAll(() => {
    // Prepare & Act: one synth for the whole describe.
    ({ stateful, stateless } = buildApp());
    template = Template.fromStack(stateless);
    resources = template.toJSON().Resources;
  });

  const idOf = (construct: IConstruct): string => stateless.getLogicalId(construct.node.defaultChild as CfnElement);
  const fnId = (name: string): string => idOf(stateless.functions.get(name)!);
  const roleId = (name: string): string => idOf(stateless.functions.get(name)!.role!);
  const propsOf = (name: string) => resources[fnId(name)]!.Properties;
  /** Every statement of every policy attached to a role. */
  const statementsOfRole = (id: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${id}"`))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  const actionsOfFunction = (name: string): string[] => statementsOfRole(roleId(name)).flatMap(actionsOf);
  const allStatements = (): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);

  describe('Method: routes', () => {
    it('serves every route of the route table, authorised by IAM (the webhook by its signature)', () => {
      // Assess
      template.resourceCountIs('AWS::ApiGatewayV2::Route', routeList.length);
      for (const route of AUTHORISED_ROUTES) {
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: `${route.method} /api/orchestration${route.path}`,
          AuthorizationType: 'AWS_IAM',
        });
      }
    });

    it('sends each route to its own function, built from functions/http/<route id>.ts', () => {
      const routes = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
      for (const route of routeList) {
        const cfnRoute = routes.find((r) => r.Properties.RouteKey === `${route.method} ${fullPath(route)}`)!;
        const integrationId = (cfnRoute.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
        const integration = resources[integrationId.Ref]!;
        expect(integration.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId(route.id), 'Arn'] });
        expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
      }
      expect(new Set(routeList.map((r) => fnId(r.id))).size).toBe(routeList.length);
    });

    it('logs every request as JSON to its own log group and throttles the default stage', () => {
      const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
      expect(stage.Properties.StageName).toBe('$default');
      expect(stage.Properties.AutoDeploy).toBe(true);
      expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
      expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
      expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
    });

    it('outputs the API URL', () => {
      template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    });
  });

  describe('Method: functions', () => {
    it('runs one function per route plus the four background ones, on Node.js 24, arm64, traced', () => {
      template.resourceCountIs('AWS::Lambda::Function', routeList.length + Object.keys(BACKGROUND_FUNCTIONS).length);
      for (const fn of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
          Environment: { Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: 'channel-orchestrator', POWERTOOLS_LOG_LEVEL: 'INFO' }) },
        });
      }
    });

    it('gives each function its own log group with a retention', () => {
      const fns = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      const groups = new Set(fns.map((fn) => fn.Properties.LoggingConfig.LogGroup.Ref as string));
      expect(groups.size).toBe(fns.length);
      for (const r of Object.values(resources).filter((r) => r.Type === 'AWS::Logs::LogGroup')) {
        expect(r.Properties.RetentionInDays).toBe(30);
      }
    });

    it('attaches no AWS managed policy (AWSLambdaBasicExecutionRole) to any role', () => {
      for (const role of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });
  });

  describe('Method: permissions', () => {
    it('grants no wildcard action anywhere', () => {
      const actions = allStatements().flatMap(actionsOf);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });

    it('grants nothing on Resource "*" but the X-Ray trace writes', () => {
      const onAnything = allStatements().filter((s) => resourcesOf(s).includes('*'));
      expect(new Set(onAnything.flatMap(actionsOf))).toEqual(new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    });

    it.each(ALL_FUNCTIONS)('%s gets exactly its permissions %j: their grants, on their resources, and their settings', (name, permissions) => {
      const has = (p: Permission) => permissions.includes(p);
      // The bindings' statements. CDK's own grants for the wiring (the dispatcher's event sources, fire-slot's failure
      // destination) always carry sqs:GetQueueUrl, which no binding grants: they are checked in 'background jobs'.
      const statements = statementsOfRole(roleId(name)).filter((st) => !actionsOf(st).includes('sqs:GetQueueUrl'));
      const actions = statements.flatMap(actionsOf);
      const env = propsOf(name).Environment.Variables as Record<string, unknown>;
      /** Whether the role may do `action` on this resource (named exactly, as resolved in this stack). */
      const grants = (action: string, arn: string) => {
        const resource = JSON.stringify(stateless.resolve(arn));
        return statements.some((st) => actionsOf(st).includes(action) && resourcesOf(st).some((r) => JSON.stringify(r) === resource));
      };

      const readsTable = has('table:read') || has('table:write');
      expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
        [...(has('table:write') ? TABLE_WRITE_ACTIONS : readsTable ? TABLE_READ_ACTIONS : [])].sort(),
      );
      for (const queue of [stateful.triggerQueue, stateful.triggerHighQueue]) {
        expect(grants('sqs:SendMessage', queue.queueArn), `send to ${queue.node.id}`).toBe(has('queue:send'));
        expect(grants('sqs:GetQueueAttributes', queue.queueArn), `depth of ${queue.node.id}`).toBe(has('queue:depth'));
      }
      expect(grants('sqs:GetQueueAttributes', stateful.triggerDeadLetterQueue.queueArn)).toBe(has('queue:depth'));
      expect(grants('sqs:SendMessage', stateful.processingQueue.queueArn)).toBe(has('processing:send'));
      expect(grants('sqs:GetQueueAttributes', stateful.processingQueue.queueArn)).toBe(has('processing:depth'));
      expect(grants('sqs:GetQueueAttributes', stateful.processingDeadLetterQueue.queueArn)).toBe(has('processing:depth'));
      expect(actions.includes('sqs:SendMessage')).toBe(has('queue:send') || has('processing:send'));
      expect(grants('sqs:GetQueueAttributes', stateful.slotDeadLetterQueue.queueArn)).toBe(has('slot-dlq:depth'));
      expect(actions.includes('sqs:GetQueueAttributes')).toBe(has('queue:depth') || has('processing:depth') || has('slot-dlq:depth'));
      expect(grants('secretsmanager:GetSecretValue', stateful.githubTokenSecret.secretArn)).toBe(has('github:token'));
      expect(grants('secretsmanager:GetSecretValue', stateful.githubWebhookSecret.secretArn)).toBe(has('github:webhook-secret'));
      expect(actions.some((a) => a.startsWith('scheduler:'))).toBe(has('schedules:write'));
      expect(actions.includes('iam:PassRole')).toBe(has('schedules:write'));
      // The environment: exactly the settings its permissions bring (PERMISSION_SETTINGS), nothing more.
      expect(Object.keys(env).sort()).toEqual([...new Set([...BASE_ENVIRONMENT, ...permissions.flatMap((p) => PERMISSION_SETTINGS[p])])].sort());
    });

    it('lets read-only routes write nothing', () => {
      const readOnly = routeList.filter((r) => !r.permissions.some((p) => p === 'table:write' || p === 'queue:send' || p === 'schedules:write'));
      expect(readOnly.length).toBeGreaterThan(0);
      for (const route of readOnly) {
        const actions = actionsOfFunction(route.id);
        expect(actions.filter((a) => (WRITE_ONLY_TABLE_ACTIONS as string[]).includes(a))).toEqual([]);
        expect(actions.filter((a) => a.startsWith('sqs:Send') || a.startsWith('scheduler:') || a === 'iam:PassRole')).toEqual([]);
      }
    });

    it('scopes table access to the table and its four indexes by name', () => {
      const tableArn = stateless.resolve(stateful.table.tableArn);
      const tableStatements = allStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(tableStatements.length).toBeGreaterThan(0);
      for (const statement of tableStatements) {
        expect(resourcesOf(statement)).toEqual([
          tableArn,
          ...['gsi1', 'gsi2', 'gsi3', 'gsi4'].map((name) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] })),
        ]);
      }
    });

    it('lets status read the depth of both trigger queues and of their dead-letter queue', () => {
      const statement = statementsOfRole(roleId('status')).find((s) => actionsOf(s).includes('sqs:GetQueueAttributes'))!;
      const queues = [stateful.triggerQueue, stateful.triggerHighQueue, stateful.triggerDeadLetterQueue].map((q) => stateless.resolve(q.queueArn));
      expect(resourcesOf(statement)).toHaveLength(3);
      expect(resourcesOf(statement)).toEqual(expect.arrayContaining(queues));
      expect(propsOf('status').Environment.Variables).toMatchObject({
        TRIGGER_QUEUE_URL: stateless.resolve(stateful.triggerQueue.queueUrl),
        TRIGGER_HIGH_QUEUE_URL: stateless.resolve(stateful.triggerHighQueue.queueUrl),
        TRIGGER_DLQ_URL: stateless.resolve(stateful.triggerDeadLetterQueue.queueUrl),
      });
    });

    it('grants no secret but by its full ARN, and nothing on secrets but GetSecretValue', () => {
      const secretStatements = allStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
      expect(secretStatements.length).toBeGreaterThan(0);
      const secrets = [stateful.githubTokenSecret, stateful.githubWebhookSecret].map((secret) => JSON.stringify(stateless.resolve(secret.secretArn)));
      for (const statement of secretStatements) {
        expect(actionsOf(statement)).toEqual(['secretsmanager:GetSecretValue']);
        expect(resourcesOf(statement)).toHaveLength(1);
        expect(secrets).toContain(JSON.stringify(resourcesOf(statement)[0]));
      }
    });

    it.each([
      ['GitHub token', 'github:token' as Permission, () => stateful.githubTokenSecret],
      ['webhook secret', 'github:webhook-secret' as Permission, () => stateful.githubWebhookSecret],
    ])('lets only the functions holding its permission read the %s', (_name, permission, secret) => {
      const arn = JSON.stringify(stateless.resolve(secret().secretArn));
      const readers = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .filter((r) => (r.Properties.PolicyDocument.Statement as Statement[]).some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource) === arn))
        .flatMap((r) => (r.Properties.Roles as { Ref: string }[]).map((role) => role.Ref));
      const holders = ALL_FUNCTIONS.filter(([, permissions]) => permissions.includes(permission)).map(([name]) => roleId(name));
      expect(readers.sort()).toEqual(holders.sort());
    });

    it('adds only the wiring\'s own SQS grants: the dispatcher consumes both trigger queues, fire-slot sends failures to the slot DLQ', () => {
      const wiring = (name: string) =>
        statementsOfRole(roleId(name))
          .filter((st) => actionsOf(st).includes('sqs:GetQueueUrl'))
          .map((st) => ({ actions: actionsOf(st).sort(), resources: resourcesOf(st).map((r) => JSON.stringify(r)).sort() }));
      const arns = (...queues: { queueArn: string }[]) => queues.map((q) => JSON.stringify(stateless.resolve(q.queueArn))).sort();
      const consume = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];
      expect(wiring(BACKGROUND_FUNCTIONS.pipelineTriggers.name)).toEqual([{ actions: consume, resources: arns(stateful.triggerQueue, stateful.triggerHighQueue) }]);
      expect(wiring(BACKGROUND_FUNCTIONS.fireSlot.name)).toEqual([
        { actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], resources: arns(stateful.slotDeadLetterQueue) },
      ]);
      for (const [name] of ALL_FUNCTIONS.filter(([n]) => n !== BACKGROUND_FUNCTIONS.pipelineTriggers.name && n !== BACKGROUND_FUNCTIONS.fireSlot.name)) {
        expect(wiring(name), name).toEqual([]);
      }
    });

    it('gives the dispatcher the token, the GitHub API URL, the default pacing, both trigger queues and the processing queue', () => {
      expect(propsOf(BACKGROUND_FUNCTIONS.pipelineTriggers.name).Environment.Variables).toMatchObject({
        GITHUB_TOKEN_SECRET_ARN: stateless.resolve(stateful.githubTokenSecret.secretArn),
        GITHUB_API_URL: 'https://api.github.com',
        GITHUB_DISPATCHES_PER_MINUTE: '60',
        GITHUB_DISPATCHES_PER_HOUR: '450',
        TRIGGER_QUEUE_URL: stateless.resolve(stateful.triggerQueue.queueUrl),
        TRIGGER_HIGH_QUEUE_URL: stateless.resolve(stateful.triggerHighQueue.queueUrl),
        PROCESSING_QUEUE_URL: stateless.resolve(stateful.processingQueue.queueUrl),
      });
    });

    it('confines schedule writes to the slot group and passes the Scheduler role to Scheduler only', () => {
      const groupName = stateful.scheduleGroup.scheduleGroupName;
      const writers = [...routeList.filter((r) => r.permissions.includes('schedules:write')).map((r) => r.id), BACKGROUND_FUNCTIONS.reconcilePublications.name];
      for (const name of writers) {
        const statements = statementsOfRole(roleId(name));
        const scheduling = statements.find((s) => actionsOf(s).some((a) => a.startsWith('scheduler:')))!;
        expect(actionsOf(scheduling).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule']);
        expect(JSON.stringify(scheduling.Resource)).toContain(`:schedule/${groupName}/*`);
        const passRole = statements.find((s) => actionsOf(s).includes('iam:PassRole'))!;
        expect(passRole.Resource).toEqual({ 'Fn::GetAtt': [idOf(stateless.slotSchedulerRole), 'Arn'] });
        expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
        expect(propsOf(name).Environment.Variables).toMatchObject({
          SCHEDULE_GROUP_NAME: groupName,
          SLOT_TARGET_ARN: { 'Fn::GetAtt': [fnId(BACKGROUND_FUNCTIONS.fireSlot.name), 'Arn'] },
          SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [idOf(stateless.slotSchedulerRole), 'Arn'] },
          SLOT_DLQ_ARN: stateless.resolve(stateful.slotDeadLetterQueue.queueArn),
        });
      }
    });
  });

  describe('Method: background jobs', () => {
    it('lets the Scheduler role, assumed by Scheduler for this account only, invoke fire-slot and nothing else', () => {
      const role = resources[idOf(stateless.slotSchedulerRole)]!;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': stateless.resolve(stateful.scheduleGroup.scheduleGroupArn),
            },
          },
        }),
      ]);
      const statements = statementsOfRole(idOf(stateless.slotSchedulerRole));
      expect(statements.map((s) => [actionsOf(s), s.Resource])).toEqual([
        [['lambda:InvokeFunction'], { 'Fn::GetAtt': [fnId(BACKGROUND_FUNCTIONS.fireSlot.name), 'Arn'] }],
        [['sqs:SendMessage'], stateless.resolve(stateful.slotDeadLetterQueue.queueArn)],
      ]);
    });

    it('parks fire-slot invocations that keep failing in the slot dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId(BACKGROUND_FUNCTIONS.fireSlot.name) },
        DestinationConfig: { OnFailure: { Destination: stateless.resolve(stateful.slotDeadLetterQueue.queueArn) } },
      });
    });

    it('runs reconcile-publications every 5 minutes from an EventBridge rule', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(BACKGROUND_FUNCTIONS.reconcilePublications.name), 'Arn'] } })],
      });
      expect(propsOf(BACKGROUND_FUNCTIONS.reconcilePublications.name).Timeout).toBeLessThan(300);
    });

    it('runs the health sweep every 5 minutes (healthSweepMinutes) from its own EventBridge rule, within the period', () => {
      const rule = resources[idOf(stateless.node.findChild('HealthSweepSchedule'))]!;
      expect(rule.Properties).toMatchObject({
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId(BACKGROUND_FUNCTIONS.healthSweep.name), 'Arn'] } })],
      });
      // The sweep records the period it runs at, from which GET /dashboard tells a stale sweep.
      expect(JSON.parse(String((rule.Properties.Targets as { Input: string }[])[0]!.Input))).toEqual({ detail: { interval_seconds: 300 } });
      expect(propsOf(BACKGROUND_FUNCTIONS.healthSweep.name).Timeout).toBeLessThan(300);
    });

    it('alarms when the health sweep has not run for two of its periods, missing data counting as not run', () => {
      const alarm = resources[idOf(stateless.node.findChild('HealthSweepNotRunAlarm'))]!;
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(BACKGROUND_FUNCTIONS.healthSweep.name) } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 2,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    it.each([
      ['high', () => stateful.triggerHighQueue],
      ['normal', () => stateful.triggerQueue],
    ])('drains the %s trigger queue into pipeline-triggers, 10 at a time, reporting partial batch failures, at most 5 at once', (_name, queue) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId(BACKGROUND_FUNCTIONS.pipelineTriggers.name) },
        EventSourceArn: stateless.resolve(queue().queueArn),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it('maps exactly the two trigger queues, one mapping each; the processing queue belongs to the workers', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mappings.map((m) => JSON.stringify(m.Properties.EventSourceArn)).sort()).toEqual(
        [stateful.triggerQueue, stateful.triggerHighQueue].map((q) => JSON.stringify(stateless.resolve(q.queueArn))).sort(),
      );
    });

    it.each(Object.values(BACKGROUND_FUNCTIONS).map((f) => [f.name]))(
      '%s writes the table with the retentions: finished work 90 days, activity 365, by default',
      (name) => {
        expect(propsOf(name).Environment.Variables).toMatchObject({ PUBLICATION_RETENTION_DAYS: '90', ACTIVITY_RETENTION_DAYS: '365' });
      },
    );

    it.each([
      ['high', () => stateful.triggerHighQueue],
      ['normal', () => stateful.triggerQueue],
    ])('keeps the %s trigger queue visibility timeout at least 6x the dispatcher timeout', (_name, queue) => {
      const visibility = Template.fromStack(stateful).toJSON().Resources[stateful.getLogicalId(queue().node.defaultChild as CfnElement)]
        .Properties.VisibilityTimeout as number;
      const timeout = propsOf(BACKGROUND_FUNCTIONS.pipelineTriggers.name).Timeout as number;
      expect(timeout).toBeGreaterThan(0);
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    });
  });

  describe('Method: alarms', () => {
    const alarms = () => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    /** Every AWS::Lambda::Function of the template. The stack has no CDK helper function (custom resource, log retention): 'runs one function per route plus the four background ones' pins the count. */
    const functionIds = () => Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::Lambda::Function');
    const alarmsOn = (metricName: string, functionId: string) =>
      alarms().filter(
        ([, a]) =>
          a.Properties.Namespace === 'AWS/Lambda' &&
          a.Properties.MetricName === metricName &&
          JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
      );
    const FIRST_IN_FIVE_MINUTES = {
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    };

    /**
     * Every dead-letter queue of the stateful stack, found rather than listed: the target of any queue's
     * redrive policy, plus the slot DLQ (Scheduler's and Lambda's, set at run time, so no redrive names it).
     */
    const deadLetterQueues = () => {
      const statefulResources = Template.fromStack(stateful).toJSON().Resources as Record<string, { Properties?: { RedrivePolicy?: { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } } } }>;
      const targets = new Set(Object.values(statefulResources).flatMap((r) => (r.Properties?.RedrivePolicy ? [r.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]] : [])));
      const queues = stateful.node.findAll().filter((c): c is Queue => c instanceof Queue);
      return queues.filter((q) => q === stateful.slotDeadLetterQueue || targets.has(stateful.getLogicalId(q.node.defaultChild as CfnElement)));
    };

    it('finds every dead-letter queue: slot, trigger and processing', () => {
      expect(deadLetterQueues().map((q) => q.node.id).sort()).toEqual(['ProcessingDeadLetterQueue', 'SlotDeadLetterQueue', 'TriggerDeadLetterQueue']);
    });

    it('alarms as soon as any dead-letter queue holds a message', () => {
      for (const queue of deadLetterQueues()) {
        const found = alarms().filter(
          ([, a]) =>
            a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: stateless.resolve(queue.queueName) }]),
        );
        expect(found, queue.node.id).toHaveLength(1);
        expect(found[0]![1].Properties).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 60, ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 });
      }
    });

    it.each([
      ['high', () => stateful.triggerHighQueue, 'TriggerHighQueueAgeAlarm'],
      ['normal', () => stateful.triggerQueue, 'TriggerQueueAgeAlarm'],
    ])('alarms when a trigger has waited over 30 minutes in the %s trigger queue: above the longest delay a trigger is sent with', (_name, queue, id) => {
      expect(TRIGGER_AGE_ALARM_THRESHOLD.toSeconds()).toBe(MAX_TRIGGER_DELAY_SECONDS + 15 * 60);
      const alarm = resources[idOf(stateless.node.findChild(id))]!;
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: stateless.resolve(queue().queueName) }],
        Statistic: 'Maximum',
        Threshold: 1_800,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it.each(['Errors', 'Throttles'])('alarms on the first %s of each function in 5 minutes, one alarm per function', (metricName) => {
      const ids = functionIds();
      expect(ids).toHaveLength(routeList.length + Object.keys(BACKGROUND_FUNCTIONS).length);
      for (const id of ids) {
        const found = alarmsOn(metricName, id);
        expect(found, `${metricName} alarms of ${id}`).toHaveLength(1);
        expect(found[0]![1].Properties).toMatchObject(FIRST_IN_FIVE_MINUTES);
      }
    });

    it('names each function alarm after its function: <FunctionId>ErrorsAlarm, <FunctionId>ThrottlesAlarm', () => {
      for (const [name, fn] of stateless.functions) {
        for (const metricName of ['Errors', 'Throttles']) {
          const alarm = stateless.node.tryFindChild(`${fn.node.id}${metricName}Alarm`);
          expect(alarm, `${name} ${metricName}`).toBeDefined();
          expect(alarmsOn(metricName, fnId(name)).map(([id]) => id)).toEqual([idOf(alarm!)]);
        }
      }
      expect(stateless.node.tryFindChild('FireSlotFunctionErrorsAlarm')).toBeDefined();
    });

    it('alarms on the first HTTP API 5xx in 5 minutes', () => {
      const found = alarms().filter(([, a]) => a.Properties.Namespace === 'AWS/ApiGateway' && a.Properties.MetricName === '5xx');
      expect(found).toHaveLength(1);
      expect(found[0]![1].Properties).toMatchObject({
        ...FIRST_IN_FIVE_MINUTES,
        Dimensions: [{ Name: 'ApiId', Value: { Ref: idOf(stateless.api) } }],
      });
    });

    it('has exactly two alarms per function, the API 5xx alarm, the three dead-letter alarms, the two trigger-age alarms and the sweep alarm, each described', () => {
      expect(alarms()).toHaveLength(2 * functionIds().length + 1 + 3 + 2 + 1);
      for (const [id, alarm] of alarms()) {
        expect(alarm.Properties.AlarmDescription, id).toMatch(/^.{20,}\. .{20,}\.$/);
      }
    });

    it('notifies nobody when no alarm topic is configured', () => {
      for (const [id, alarm] of alarms()) expect(alarm.Properties.AlarmActions, id).toBeUndefined();
    });
  });

  describe('Construct: OperationsDashboard', () => {
    const body = (): string => {
      const [dashboard, ...others] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
      expect(others).toHaveLength(0);
      // The body is a Fn::Join of text and tokens: flattened, every name and reference is in it.
      return JSON.stringify(stateless.resolve(dashboard!.Properties.DashboardBody));
    };

    it('shows API requests, 5xx and latency, function errors and throttles, and every alarm', () => {
      const text = body();
      for (const title of ['API requests', 'API errors', 'API latency (ms)', 'Function errors and throttles (all functions)', 'Function errors by function', 'Alarms']) {
        expect(text, title).toContain(title);
      }
      for (const metric of ['Count', '5xx', 'Latency', 'Errors', 'Throttles']) expect(text).toContain(metric);
      expect(stateless.alarms.length).toBeGreaterThan(0);
      for (const alarm of stateless.alarms) expect(text, alarm.node.id).toContain(idOf(alarm));
      // Every function's errors are summed: one e<i> a function.
      expect(text).toContain(`e${stateless.functions.size - 1},`.replace(',', ''));
    });

    it('graphs every queue and dead-letter queue, and the dispatches and run outcomes the functions emit', () => {
      const text = body();
      for (const queue of [stateful.triggerQueue, stateful.triggerHighQueue, stateful.processingQueue, stateful.triggerDeadLetterQueue, stateful.processingDeadLetterQueue, stateful.slotDeadLetterQueue]) {
        expect(text, queue.node.id).toContain(stateful.getLogicalId(queue.node.defaultChild as CfnElement));
      }
      for (const metric of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'RunsDispatched', 'RunsSucceeded', 'RunsFailed', 'ChannelOrchestrator']) {
        expect(text).toContain(metric);
      }
    });

    it('outputs the console URL of the dashboard', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      const url = JSON.stringify(outputs.DashboardUrl?.Value);
      expect(url).toContain('console.aws.amazon.com/cloudwatch/home?region=');
      expect(url).toContain('#dashboards:name=');
      expect(url).toContain(idOf(stateless.node.findChild('Operations').node.findChild('Dashboard')));
    });
  });
});

describe('Class: StatelessStack (JWT authorizer by context)', () => {
  const jwt = { authorizer: 'jwt', jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'orchestrator-api,ops-cli' };

  it('authorises every route with the JWT authorizer of the given issuer and audiences', () => {
    // Prepare & Act
    const template = Template.fromStack(buildApp(jwt).stateless);
    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: jwt.jwtIssuer, Audience: ['orchestrator-api', 'ops-cli'] },
    });
    const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0]!;
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes).toHaveLength(routeList.length);
    const webhookKey = `${SIGNED_ROUTE.method} /api/orchestration${SIGNED_ROUTE.path}`;
    for (const route of routes.filter((r) => r.Properties.RouteKey !== webhookKey)) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
  });

  it.each([
    ['without an issuer', { authorizer: 'jwt', jwtAudience: 'a' }, /jwtIssuer/],
    ['without an audience', { authorizer: 'jwt', jwtIssuer: 'https://issuer.example.com/' }, /jwtAudience/],
    ['with an unknown authorizer', { authorizer: 'cognito' }, /"iam" \(the default\) or "jwt"/],
  ])('stops the synth %s, saying what to pass', (_case, context, message) => {
    expect(() => buildApp(context)).toThrow(message);
  });
});

describe('Class: StatelessStack (alarm topic by context)', () => {
  it('notifies the given SNS topic from every alarm: function errors and throttles, API 5xx, dead letters, trigger age', () => {
    // Prepare
    const topicArn = 'arn:aws:sns:us-east-1:111122223333:orchestrator-alarms';
    // Act
    const template = Template.fromStack(buildApp({ alarmTopicArn: topicArn }).stateless);
    // Assess
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).length;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(functions).toBeGreaterThan(0);
    expect(alarms).toHaveLength(2 * functions + 1 + 3 + 2 + 1);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    expect(new Set(alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`))).toEqual(
      new Set([
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'AWS/ApiGateway/5xx',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/SQS/ApproximateAgeOfOldestMessage',
        'AWS/Lambda/Invocations',
      ]),
    );
  });
});

describe('Class: StatelessStack (health sweep period by context)', () => {
  it('sweeps every -c healthSweepMinutes minutes, and its alarm waits two such periods', () => {
    // Prepare & Act
    const { stateless } = buildApp({ healthSweepMinutes: '10' });
    const resources = Template.fromStack(stateless).toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    const of = (id: string) => resources[stateless.getLogicalId(stateless.node.findChild(id).node.defaultChild as CfnElement)]!.Properties;
    // Assess
    expect(of('HealthSweepSchedule').ScheduleExpression).toBe('rate(10 minutes)');
    expect(JSON.parse(String((of('HealthSweepSchedule').Targets as { Input: string }[])[0]!.Input))).toEqual({ detail: { interval_seconds: 600 } });
    expect(of('HealthSweepNotRunAlarm')).toMatchObject({ Period: 600, EvaluationPeriods: 2 });
  });

  it.each([0, 61, '2.5', 'often'])('stops the synth on healthSweepMinutes=%s, naming the key', (value) => {
    expect(() => buildApp({ healthSweepMinutes: value })).toThrow(/healthSweepMinutes must be whole minutes from 1 to 60/);
  });
});

describe('Class: StatelessStack (retention by context)', () => {
  /** Each function's environment, by its name. */
  const envOf = (stateless: StatelessStack) => {
    const resources = Template.fromStack(stateless).toJSON().Resources as Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
    return [...stateless.functions.entries()].map(([name, fn]) => ({
      name,
      env: resources[stateless.getLogicalId(fn.node.defaultChild as CfnElement)]!.Properties.Environment.Variables,
    }));
  };

  it('passes -c publicationRetentionDays and -c activityRetentionDays to every function that writes the table', () => {
    // Prepare & Act
    const { stateless } = buildApp({ publicationRetentionDays: '30', activityRetentionDays: 730 });
    // Assess
    const writers = [
      ...routeList.filter((r) => r.permissions.includes('table:write')).map((r) => r.id),
      ...Object.values(BACKGROUND_FUNCTIONS).filter((f) => f.permissions.includes('table:write')).map((f) => f.name),
    ];
    expect(writers).toEqual(expect.arrayContaining(['schedule-wave', 'coordinate-publication', 'cancel-publication', 'cancel-wave', 'fire-slot', 'pipeline-triggers']));
    const envs = envOf(stateless);
    for (const name of writers) {
      expect(envs.find((e) => e.name === name)?.env, name).toMatchObject({ PUBLICATION_RETENTION_DAYS: '30', ACTIVITY_RETENTION_DAYS: '730' });
    }
  });

  it.each([['0'], ['3651'], ['ninety'], [1.5]])('stops the synth on publicationRetentionDays=%s, naming the key', (value) => {
    expect(() => buildApp({ publicationRetentionDays: value })).toThrow(/publicationRetentionDays must be whole days from 1 to 3650/);
  });
});

describe('Class: StatelessStack (a github-signature route)', () => {
  const routeOf = (template: Template, route: AnyRoute) =>
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find((r) => r.Properties.RouteKey === `${route.method} ${fullPath(route)}`)!;

  it.each([
    ['IAM', {}, 'AWS_IAM'],
    ['JWT', { authorizer: 'jwt', jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'orchestrator-api' }, 'JWT'],
  ])('serves it with no authorizer under %s, every other route with the API authorizer', (_kind, context, otherType) => {
    // Prepare & Act: the application's route table, one route made a webhook.
    const template = Template.fromStack(buildApp(context, WITH_SIGNED_ROUTE).stateless);
    // Assess
    const signed = routeOf(template, SIGNED_ROUTE);
    expect(signed.Properties.AuthorizationType).toBe('NONE');
    expect(signed.Properties.AuthorizerId).toBeUndefined();
    for (const route of WITH_SIGNED_ROUTE.filter((r) => r !== SIGNED_ROUTE)) {
      expect(routeOf(template, route).Properties.AuthorizationType, route.id).toBe(otherType);
    }
  });

  it('lets that route, and only it, read the webhook secret, with GITHUB_WEBHOOK_SECRET_ARN set', () => {
    // Prepare & Act
    const { stateful, stateless } = buildApp({}, WITH_SIGNED_ROUTE);
    const resources = Template.fromStack(stateless).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    // Assess
    const arn = JSON.stringify(stateless.resolve(stateful.githubWebhookSecret.secretArn));
    const readers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.PolicyDocument.Statement as Statement[]).some((s) => JSON.stringify(s.Resource) === arn))
      .flatMap((r) => (r.Properties.Roles as { Ref: string }[]).map((role) => role.Ref));
    const fn = stateless.functions.get(SIGNED_ROUTE.id)!;
    expect(readers).toEqual([stateless.getLogicalId(fn.role!.node.defaultChild as CfnElement)]);
    expect(resources[stateless.getLogicalId(fn.node.defaultChild as CfnElement)]!.Properties.Environment.Variables).toMatchObject({
      GITHUB_WEBHOOK_SECRET_ARN: stateless.resolve(stateful.githubWebhookSecret.secretArn),
    });
  });
});

describe('Class: StatelessStack (pipelines by context)', () => {
  const envOfDispatcher = (stateless: StatelessStack) =>
    Template.fromStack(stateless).toJSON().Resources[
      stateless.getLogicalId(stateless.functions.get(BACKGROUND_FUNCTIONS.pipelineTriggers.name)!.node.defaultChild as CfnElement)
    ].Properties.Environment.Variables as Record<string, unknown>;

  it('sets both trigger mappings\' maximum concurrency from -c dispatchConcurrency', () => {
    // Prepare & Act
    const template = Template.fromStack(buildApp({ dispatchConcurrency: '3' }).stateless);
    // Assess
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 3 });
  });

  it('passes the GitHub pacing and a GitHub Enterprise API URL to the functions holding the token', () => {
    // Prepare & Act
    const { stateless } = buildApp({ githubDispatchesPerMinute: 10, githubDispatchesPerHour: '100', githubApiUrl: 'https://ghe.example.com/api/v3/' });
    // Assess
    expect(envOfDispatcher(stateless)).toMatchObject({
      GITHUB_DISPATCHES_PER_MINUTE: '10',
      GITHUB_DISPATCHES_PER_HOUR: '100',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3',
    });
  });

  it.each([
    [{ dispatchConcurrency: 1 }, /dispatchConcurrency must be whole numbers from 2 to 1000, got 1/],
    [{ dispatchConcurrency: '1001' }, /dispatchConcurrency must be whole numbers from 2 to 1000/],
    [{ dispatchConcurrency: 'five' }, /dispatchConcurrency/],
    [{ githubDispatchesPerMinute: 0 }, /githubDispatchesPerMinute must be whole numbers from 1 to 1000/],
    [{ githubDispatchesPerHour: 2.5 }, /githubDispatchesPerHour must be whole numbers from 1 to 100000/],
    [{ githubDispatchesPerMinute: 500 }, /githubDispatchesPerMinute \(500\) must not exceed githubDispatchesPerHour \(450\)/],
    [{ githubApiUrl: 'http://ghe.example.com/api/v3' }, /githubApiUrl must be an https URL/],
    [{ githubApiUrl: 'ghe.example.com' }, /githubApiUrl must be an https URL/],
    [{ githubApiUrl: 'https://user:token@ghe.example.com/api/v3' }, /githubApiUrl must be an https URL/],
  ])('stops the synth on %j, naming the key', (context, message) => {
    expect(() => buildApp(context)).toThrow(message);
  });
});

describe('Class: StatelessStack (auto-distribution by context)', () => {
  const distributionFunction = (stateless: StatelessStack) => stateless.functions.get(OPTIONAL_FUNCTIONS.autoDistributeVideos.name);
  const rulesRunning = (stateless: StatelessStack, template: Template) => {
    const fn = distributionFunction(stateless);
    if (!fn) return [];
    const fnLogicalId = stateless.getLogicalId(fn.node.defaultChild as CfnElement);
    return Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
      (rule.Properties.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn).includes(fnLogicalId)),
    );
  };

  it('deploys no auto-distribution function and no rule by default', () => {
    // Prepare & Act
    const { stateless } = buildApp();
    const template = Template.fromStack(stateless);
    // Assess
    expect(distributionFunction(stateless)).toBeUndefined();
    // The reconciliation's rule and the health sweep's, nothing else.
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => `${r.Properties.ScheduleExpression} ${r.Properties.Description}`);
    expect(rules).toHaveLength(2);
    expect(rules.filter((r) => /distribut/i.test(r))).toEqual([]);
  });

  it('runs auto-distribute-videos from a rule every -c distributionScheduleMinutes, with its errors and throttles alarms', () => {
    // Prepare & Act
    const { stateless } = buildApp({ distributionScheduleMinutes: '60' });
    const template = Template.fromStack(stateless);
    // Assess
    const fn = distributionFunction(stateless);
    expect(fn).toBeDefined();
    const rules = rulesRunning(stateless, template);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    const props = template.toJSON().Resources[stateless.getLogicalId(fn!.node.defaultChild as CfnElement)].Properties;
    expect(props.Timeout).toBe(300);
    expect(props.Environment.Variables).toHaveProperty('SCHEDULE_GROUP_NAME');
    expect(props.Environment.Variables).toHaveProperty('TABLE_NAME');
    for (const metric of ['Errors', 'Throttles']) expect(stateless.node.tryFindChild(`AutoDistributeVideosFunction${metric}Alarm`), metric).toBeDefined();
  });

  it('keeps a 5-minute period\'s runs from overlapping: the function times out in 4 minutes', () => {
    const { stateless } = buildApp({ distributionScheduleMinutes: 5 });
    const template = Template.fromStack(stateless);
    const fn = distributionFunction(stateless)!;
    expect(template.toJSON().Resources[stateless.getLogicalId(fn.node.defaultChild as CfnElement)].Properties.Timeout).toBe(240);
    expect(rulesRunning(stateless, template)[0]!.Properties.ScheduleExpression).toBe('rate(5 minutes)');
  });

  it.each([[4], ['1441'], ['hourly'], [2.5]])('stops the synth for distributionScheduleMinutes %j', (value) => {
    expect(() => buildApp({ distributionScheduleMinutes: value })).toThrow(/distributionScheduleMinutes must be whole minutes from 5 to 1440/);
  });
});
