import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEXES, PRIMARY_KEY, TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';
import { GITHUB_TOKEN_PLACEHOLDER } from '#shared/config';
import {
  PROCESSING_MAX_RECEIVE_COUNT,
  PROCESSING_VISIBILITY_TIMEOUT,
  StatefulStack,
  TRIGGER_CONSUMER_TIMEOUT,
  TRIGGER_MAX_RECEIVE_COUNT,
} from '#infra/stateful-stack';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

describe('Class: StatefulStack', () => {
  let stack: StatefulStack;
  let template: Template;

  beforeAll(() => {
    // Prepare: the same feature flags as `cdk synth` (cdk.json), without the built-in template linter (the nag suite runs it).
    const app = new App({ context: cdkContext, builtinCloudFormationValidation: false, stackTraces: false });
    stack = new StatefulStack(app, 'Stateful');
    // Act
    template = Template.fromStack(stack);
  });

  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as Parameters<StatefulStack['getLogicalId']>[0]);

  it('builds the single table from table-definition.ts: keys, four string GSIs projecting ALL', () => {
    // Assess
    const indexes = Object.values(INDEXES);
    expect(indexes.map((index) => index.name)).toEqual(['gsi1', 'gsi2', 'gsi3', 'gsi4']);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: PRIMARY_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: PRIMARY_KEY.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith(
        [PRIMARY_KEY.partitionKey, PRIMARY_KEY.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
      ),
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });

  it('bills on demand, recovers to a point in time, expires items on expires_at, and is encrypted', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps the table: deletion protection on, retained on delete and on replacement', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  const propsOf = (construct: { node: { defaultChild?: unknown } }) => template.toJSON().Resources[logicalId(construct)].Properties;

  it.each([
    ['normal', () => stack.triggerQueue],
    ['high', () => stack.triggerHighQueue],
  ])('gives the %s trigger queue the shared trigger dead-letter queue after 5 receives and a visibility timeout 6x the consumer timeout', (_name, queue) => {
    expect(propsOf(queue())).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.triggerDeadLetterQueue), 'Arn'] },
        maxReceiveCount: TRIGGER_MAX_RECEIVE_COUNT,
      },
      VisibilityTimeout: TRIGGER_CONSUMER_TIMEOUT.toSeconds() * 6,
    });
    expect(TRIGGER_MAX_RECEIVE_COUNT).toBe(5);
  });

  it('keeps the normal trigger queue under its id from before priorities, so deploying them does not replace it', () => {
    expect(stack.triggerQueue.node.id).toBe('TriggerQueue');
  });

  it.each([
    ['normal', () => stack.triggerQueue],
    ['high', () => stack.triggerHighQueue],
  ])('makes the %s trigger queue a standard queue with no delay of its own: a slot fired early delays its triggers per message', (_name, queue) => {
    const props = propsOf(queue());
    // FIFO queues refuse per-message DelaySeconds.
    expect(props.FifoQueue).toBeUndefined();
    expect(props.DelaySeconds).toBeUndefined();
  });

  it('gives the processing queue its own dead-letter queue after 5 receives', () => {
    expect(propsOf(stack.processingQueue)).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.processingDeadLetterQueue), 'Arn'] },
        maxReceiveCount: PROCESSING_MAX_RECEIVE_COUNT,
      },
      VisibilityTimeout: PROCESSING_VISIBILITY_TIMEOUT.toSeconds(),
    });
    expect(PROCESSING_MAX_RECEIVE_COUNT).toBe(5);
    expect(propsOf(stack.processingDeadLetterQueue).RedrivePolicy).toBeUndefined();
  });

  it('encrypts every queue and refuses requests without TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    // trigger (normal, high) and their DLQ, processing and its DLQ, the slot DLQ
    expect(Object.keys(queues)).toHaveLength(6);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);

    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const denied = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Effect: string; Condition?: unknown; Resource: unknown }[])
        .filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))
        .map((s) => s.Resource),
    );
    expect(denied).toEqual(
      expect.arrayContaining(Object.keys(queues).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
    );
  });

  it('keeps slot events, failed triggers and failed processing jobs 14 days in their dead-letter queues', () => {
    for (const queue of [stack.slotDeadLetterQueue, stack.triggerDeadLetterQueue, stack.processingDeadLetterQueue]) {
      expect(template.toJSON().Resources[logicalId(queue)].Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    }
  });

  it('retains the schedule group of slot schedules', () => {
    template.hasResource('AWS::Scheduler::ScheduleGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('outputs the table name, the trigger queue URLs and the schedule group name', () => {
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.table) } });
    template.hasOutput('TriggerQueueUrl', { Value: { Ref: logicalId(stack.triggerQueue) } });
    template.hasOutput('TriggerHighQueueUrl', { Value: { Ref: logicalId(stack.triggerHighQueue) } });
    template.hasOutput('ScheduleGroupName', { Value: stack.scheduleGroup.scheduleGroupName });
  });

  it('outputs the processing queue URL and ARN for the workers, and its dead-letter queue URL', () => {
    template.hasOutput('ProcessingQueueUrl', { Value: { Ref: logicalId(stack.processingQueue) } });
    template.hasOutput('ProcessingQueueArn', { Value: { 'Fn::GetAtt': [logicalId(stack.processingQueue), 'Arn'] } });
    template.hasOutput('ProcessingDeadLetterQueueUrl', { Value: { Ref: logicalId(stack.processingDeadLetterQueue) } });
  });

  describe('secrets', () => {
    it('creates the GitHub token secret with the placeholder and a description that says how to set it', () => {
      expect(propsOf(stack.githubTokenSecret)).toMatchObject({
        SecretString: GITHUB_TOKEN_PLACEHOLDER,
        Description: expect.stringContaining('aws secretsmanager put-secret-value'),
      });
      expect(propsOf(stack.githubTokenSecret).GenerateSecretString).toBeUndefined();
    });

    it('generates the webhook secret, letters and digits only, and says how to read it', () => {
      expect(propsOf(stack.githubWebhookSecret)).toMatchObject({
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
        Description: expect.stringContaining('aws secretsmanager get-secret-value'),
      });
      expect(propsOf(stack.githubWebhookSecret).SecretString).toBeUndefined();
    });

    it('retains both secrets on delete and on replacement, like the table', () => {
      const secrets = template.findResources('AWS::SecretsManager::Secret');
      expect(Object.keys(secrets).sort()).toEqual([logicalId(stack.githubTokenSecret), logicalId(stack.githubWebhookSecret)].sort());
      for (const secret of Object.values(secrets)) {
        expect(secret).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    });

    it('outputs both secret ARNs with what to do with each', () => {
      template.hasOutput('GithubTokenSecretArn', { Value: { Ref: logicalId(stack.githubTokenSecret) }, Description: Match.stringLikeRegexp('put-secret-value') });
      template.hasOutput('GithubWebhookSecretArn', { Value: { Ref: logicalId(stack.githubWebhookSecret) }, Description: Match.stringLikeRegexp('get-secret-value') });
    });
  });
});
