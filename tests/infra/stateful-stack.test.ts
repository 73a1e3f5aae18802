import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEXES, PRIMARY_KEY, TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';
import { StatefulStack, TRIGGER_CONSUMER_TIMEOUT, TRIGGER_MAX_RECEIVE_COUNT } from '#infra/stateful-stack';

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

  it('gives the trigger queue its dead-letter queue after 5 receives and a visibility timeout 6x the consumer timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.triggerDeadLetterQueue), 'Arn'] },
        maxReceiveCount: TRIGGER_MAX_RECEIVE_COUNT,
      },
      VisibilityTimeout: TRIGGER_CONSUMER_TIMEOUT.toSeconds() * 6,
    });
    expect(TRIGGER_MAX_RECEIVE_COUNT).toBe(5);
  });

  it('makes the trigger queue a standard queue with no delay of its own: a slot fired early delays its triggers per message', () => {
    const props = template.toJSON().Resources[logicalId(stack.triggerQueue)].Properties;
    // FIFO queues refuse per-message DelaySeconds.
    expect(props.FifoQueue).toBeUndefined();
    expect(props.DelaySeconds).toBeUndefined();
  });

  it('encrypts every queue and refuses requests without TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(3);
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

  it('keeps slot events and failed triggers 14 days in their dead-letter queues', () => {
    for (const queue of [stack.slotDeadLetterQueue, stack.triggerDeadLetterQueue]) {
      expect(template.toJSON().Resources[logicalId(queue)].Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    }
  });

  it('retains the schedule group of slot schedules', () => {
    template.hasResource('AWS::Scheduler::ScheduleGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('outputs the table name, the trigger queue URL and the schedule group name', () => {
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.table) } });
    template.hasOutput('TriggerQueueUrl', { Value: { Ref: logicalId(stack.triggerQueue) } });
    template.hasOutput('ScheduleGroupName', { Value: stack.scheduleGroup.scheduleGroupName });
  });
});
