import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullPath, routeList, type Permission } from '#shared/routes';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '#infra/constructs/bindings';
import { BACKGROUND_FUNCTIONS } from '#infra/constructs/bundling';
import { StatefulStack } from '#infra/stateful-stack';
import { StatelessStack } from '#infra/stateless-stack';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/** Both stacks wired as infra/app.ts wires them; bundling skipped, the feature flags of cdk.json. */
function buildApp(context: Record<string, unknown> = {}) {
  const app = new App({
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
    stackTraces: false,
  });
  const stateful = new StatefulStack(app, 'Stateful');
  const stateless = new StatelessStack(app, 'Stateless', {
    table: stateful.table,
    triggerQueue: stateful.triggerQueue,
    triggerDeadLetterQueue: stateful.triggerDeadLetterQueue,
    slotDeadLetterQueue: stateful.slotDeadLetterQueue,
    scheduleGroup: stateful.scheduleGroup,
  });
  return { app, stateful, stateless };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
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
    it('serves every route of the route table, authorised by IAM', () => {
      // Assess
      template.resourceCountIs('AWS::ApiGatewayV2::Route', routeList.length);
      for (const route of routeList) {
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
    it('runs one function per route plus the three background ones, on Node.js 24, arm64, traced', () => {
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

    it.each(routeList.map((r) => [r.id, r.permissions] as const))('route %s gets exactly its permissions %j', (id, permissions) => {
      const has = (p: Permission) => permissions.includes(p);
      const actions = actionsOfFunction(id);
      const env = propsOf(id).Environment.Variables as Record<string, unknown>;

      const readsTable = has('table:read') || has('table:write');
      expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
        [...(has('table:write') ? TABLE_WRITE_ACTIONS : readsTable ? TABLE_READ_ACTIONS : [])].sort(),
      );
      expect('TABLE_NAME' in env).toBe(readsTable);
      expect('ACTIVITY_RETENTION_DAYS' in env).toBe(readsTable);
      expect('PUBLICATION_RETENTION_DAYS' in env).toBe(has('table:write'));
      expect(actions.includes('sqs:SendMessage')).toBe(has('queue:send'));
      expect(actions.includes('sqs:GetQueueAttributes')).toBe(has('queue:depth'));
      expect('TRIGGER_QUEUE_URL' in env).toBe(has('queue:send') || has('queue:depth'));
      expect(actions.some((a) => a.startsWith('scheduler:'))).toBe(has('schedules:write'));
      expect(actions.includes('iam:PassRole')).toBe(has('schedules:write'));
      expect('SCHEDULE_GROUP_NAME' in env).toBe(has('schedules:write'));
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

    it('lets status read the depth of the trigger queue and of its dead-letter queue', () => {
      const statement = statementsOfRole(roleId('status')).find((s) => actionsOf(s).includes('sqs:GetQueueAttributes'))!;
      const queues = [stateful.triggerQueue, stateful.triggerDeadLetterQueue].map((q) => stateless.resolve(q.queueArn));
      expect(resourcesOf(statement)).toHaveLength(2);
      expect(resourcesOf(statement)).toEqual(expect.arrayContaining(queues));
      expect(Object.keys(propsOf('status').Environment.Variables)).toEqual(expect.arrayContaining(['TRIGGER_QUEUE_URL', 'TRIGGER_DLQ_URL']));
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

    it('drains the trigger queue into pipeline-triggers, 10 at a time, reporting partial batch failures, at most 5 at once', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId(BACKGROUND_FUNCTIONS.pipelineTriggers.name) },
        EventSourceArn: stateless.resolve(stateful.triggerQueue.queueArn),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it.each(Object.values(BACKGROUND_FUNCTIONS).map((f) => [f.name]))(
      '%s writes the table with the retentions: finished work 90 days, activity 365, by default',
      (name) => {
        expect(propsOf(name).Environment.Variables).toMatchObject({ PUBLICATION_RETENTION_DAYS: '90', ACTIVITY_RETENTION_DAYS: '365' });
      },
    );

    it('keeps the trigger queue visibility timeout comfortably above the consumer timeout', () => {
      const visibility = Template.fromStack(stateful).toJSON().Resources[stateful.getLogicalId(stateful.triggerQueue.node.defaultChild as CfnElement)]
        .Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * propsOf(BACKGROUND_FUNCTIONS.pipelineTriggers.name).Timeout);
    });
  });

  describe('Method: alarms', () => {
    const alarms = () => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    /** Every AWS::Lambda::Function of the template. The stack has no CDK helper function (custom resource, log retention): 'runs one function per route plus the three background ones' pins the count. */
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

    it.each([
      ['slot', () => stateful.slotDeadLetterQueue],
      ['trigger', () => stateful.triggerDeadLetterQueue],
    ])('alarms as soon as the %s dead-letter queue holds a message', (_name, queue) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: stateless.resolve(queue().queueName) }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
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

    it('has exactly two alarms per function, the API 5xx alarm and the two dead-letter alarms, each described', () => {
      expect(alarms()).toHaveLength(2 * functionIds().length + 1 + 2);
      for (const [id, alarm] of alarms()) {
        expect(alarm.Properties.AlarmDescription, id).toMatch(/^.{20,}\. .{20,}\.$/);
      }
    });

    it('notifies nobody when no alarm topic is configured', () => {
      for (const [id, alarm] of alarms()) expect(alarm.Properties.AlarmActions, id).toBeUndefined();
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
    for (const route of routes) {
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
  it('notifies the given SNS topic from every alarm: function errors and throttles, API 5xx, dead letters', () => {
    // Prepare
    const topicArn = 'arn:aws:sns:us-east-1:111122223333:orchestrator-alarms';
    // Act
    const template = Template.fromStack(buildApp({ alarmTopicArn: topicArn }).stateless);
    // Assess
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).length;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(functions).toBeGreaterThan(0);
    expect(alarms).toHaveLength(2 * functions + 1 + 2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    expect(new Set(alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`))).toEqual(
      new Set(['AWS/Lambda/Errors', 'AWS/Lambda/Throttles', 'AWS/ApiGateway/5xx', 'AWS/SQS/ApproximateNumberOfMessagesVisible']),
    );
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
