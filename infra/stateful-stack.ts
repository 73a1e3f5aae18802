import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { INDEXES, PRIMARY_KEY, TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';

/**
 * How long the pipeline-trigger consumer may run. The trigger queue's
 * visibility timeout is derived from it (AWS recommends six times the
 * function timeout for an SQS event source), so a slow batch is never
 * delivered twice while still in flight.
 */
export const TRIGGER_CONSUMER_TIMEOUT = Duration.minutes(3);

/** Receives before a trigger is parked in the dead-letter queue. */
export const TRIGGER_MAX_RECEIVE_COUNT = 5;

/**
 * The data that outlives any deployment of the functions: the single table,
 * the pipeline-trigger queue and its dead-letter queue, the dead-letter queue
 * of slot schedules and the schedule group. Deployed once, changed rarely;
 * the stateless stack takes these as props.
 */
export class StatefulStack extends Stack {
  /** The single table: channels, videos, publications, runs, activity, idempotency records. */
  public readonly table: Table;
  /** Every pipeline trigger goes through here; the pipeline-triggers function drains it. */
  public readonly triggerQueue: Queue;
  /** Triggers that failed TRIGGER_MAX_RECEIVE_COUNT times. */
  public readonly triggerDeadLetterQueue: Queue;
  /** Slot events EventBridge Scheduler could not deliver to the fire-slot function after its retries. */
  public readonly slotDeadLetterQueue: Queue;
  /** The group every slot schedule is created in. */
  public readonly scheduleGroup: ScheduleGroup;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: PRIMARY_KEY.partitionKey, type: AttributeType.STRING },
      sortKey: { name: PRIMARY_KEY.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.triggerDeadLetterQueue = new Queue(this, 'TriggerDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.triggerQueue = new Queue(this, 'TriggerQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(TRIGGER_CONSUMER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.triggerDeadLetterQueue, maxReceiveCount: TRIGGER_MAX_RECEIVE_COUNT },
    });

    this.slotDeadLetterQueue = new Queue(this, 'SlotDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.slotDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue EventBridge Scheduler uses for slot schedules (set on each schedule at run time, ' +
        'so no SQS redrive policy points at it); an alarm fires when it holds a message.',
    });

    // Retained: deleting a group deletes its schedules, i.e. every publication slot still to fire.
    // After `cdk destroy`, delete the group by hand before deploying this stack again (its name is fixed by its path).
    this.scheduleGroup = new ScheduleGroup(this, 'SlotSchedules', { removalPolicy: RemovalPolicy.RETAIN });

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single DynamoDB table' });
    new CfnOutput(this, 'TriggerQueueUrl', { value: this.triggerQueue.queueUrl, description: 'The pipeline-trigger queue' });
    new CfnOutput(this, 'ScheduleGroupName', {
      value: this.scheduleGroup.scheduleGroupName,
      description: 'The EventBridge Scheduler group of slot schedules',
    });
  }
}
