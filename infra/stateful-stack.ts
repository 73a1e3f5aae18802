import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { ScheduleGroup, type IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { INDEXES, PRIMARY_KEY, TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';
import { GITHUB_TOKEN_PLACEHOLDER } from '#shared/config';

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
 * How long a processing worker holds a run before another worker may receive
 * it. The workers live outside this stack; one that needs longer extends its
 * message's visibility (ChangeMessageVisibility) while it works.
 */
export const PROCESSING_VISIBILITY_TIMEOUT = Duration.minutes(15);

/** Receives before a processing job is parked in the processing dead-letter queue. */
export const PROCESSING_MAX_RECEIVE_COUNT = 5;

/** What the stateless stack takes from this one (StatelessStackProps extends it). */
export interface StatefulResources {
  readonly table: ITable;
  /** The normal-priority trigger queue. */
  readonly triggerQueue: IQueue;
  readonly triggerHighQueue: IQueue;
  /** Shared by both trigger queues. */
  readonly triggerDeadLetterQueue: IQueue;
  readonly processingQueue: IQueue;
  readonly processingDeadLetterQueue: IQueue;
  readonly slotDeadLetterQueue: IQueue;
  readonly scheduleGroup: IScheduleGroup;
  readonly githubTokenSecret: ISecret;
  readonly githubWebhookSecret: ISecret;
}

/**
 * The data that outlives any deployment of the functions: the single table,
 * the pipeline-trigger queues (one a priority) and their dead-letter queue,
 * the processing queue and its dead-letter queue, the dead-letter queue of
 * slot schedules, the schedule group and the GitHub secrets. Deployed once,
 * changed rarely; the stateless stack takes these as props
 * (`statefulResources`).
 */
export class StatefulStack extends Stack implements StatefulResources {
  /** The single table: channels, videos, publications, runs, activity, idempotency records. */
  public readonly table: Table;
  /** Normal-priority pipeline triggers go through here; the pipeline-triggers function (the dispatcher) drains it. */
  public readonly triggerQueue: Queue;
  /** High-priority triggers: a queue of their own, with its own event source mapping, so they never wait behind normal ones. */
  public readonly triggerHighQueue: Queue;
  /**
   * Triggers of either queue that failed TRIGGER_MAX_RECEIVE_COUNT times. One
   * for both: one alarm, one depth in GET /status, and a redrive returns each
   * message to the queue it came from.
   */
  public readonly triggerDeadLetterQueue: Queue;
  /** Runs of channels with no repository, for the shared processing workers (outside this stack). */
  public readonly processingQueue: Queue;
  /** Processing jobs that failed PROCESSING_MAX_RECEIVE_COUNT times in the workers. */
  public readonly processingDeadLetterQueue: Queue;
  /** The GitHub token the dispatcher calls GitHub with: created holding a stand-in value, the operator puts the token in. */
  public readonly githubTokenSecret: Secret;
  /** The secret GitHub signs webhook deliveries with: generated here, the operator copies it into GitHub's webhook settings. */
  public readonly githubWebhookSecret: Secret;
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

    const triggerQueue = (id: string) =>
      new Queue(this, id, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(TRIGGER_CONSUMER_TIMEOUT.toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: this.triggerDeadLetterQueue, maxReceiveCount: TRIGGER_MAX_RECEIVE_COUNT },
      });
    // The normal queue keeps its construct id (and so the queue itself) from before priorities existed.
    this.triggerQueue = triggerQueue('TriggerQueue');
    this.triggerHighQueue = triggerQueue('TriggerHighQueue');

    this.processingDeadLetterQueue = new Queue(this, 'ProcessingDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.processingQueue = new Queue(this, 'ProcessingQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: PROCESSING_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.processingDeadLetterQueue, maxReceiveCount: PROCESSING_MAX_RECEIVE_COUNT },
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

    // Retained like the table: the webhook secret is also in GitHub's settings, and the token is the operator's.
    this.githubTokenSecret = new Secret(this, 'GithubTokenSecret', {
      description:
        'GitHub token the orchestrator dispatches workflows with (actions:write on the channel repositories). Created holding a stand-in value until then: ' +
        'aws secretsmanager put-secret-value --secret-id <GithubTokenSecretArn output> --secret-string <token>',
      secretStringValue: SecretValue.unsafePlainText(GITHUB_TOKEN_PLACEHOLDER),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.githubWebhookSecret = new Secret(this, 'GithubWebhookSecret', {
      description:
        "Secret GitHub signs webhook deliveries with (X-Hub-Signature-256). Generated: copy it into each repository's or the organization's " +
        'webhook settings: aws secretsmanager get-secret-value --secret-id <GithubWebhookSecretArn output> --query SecretString --output text',
      // Letters and digits only: pasted into GitHub's form by hand, nothing to escape.
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const secret of [this.githubTokenSecret, this.githubWebhookSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Not rotated by a Lambda: the GitHub token is a personal access or app token issued by GitHub, and the webhook secret must match ' +
          "GitHub's webhook settings; neither can be changed on GitHub's side from here. The operator rotates both (docs/operations.md).",
      });
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single DynamoDB table' });
    new CfnOutput(this, 'TriggerQueueUrl', { value: this.triggerQueue.queueUrl, description: 'The pipeline-trigger queue (normal priority)' });
    new CfnOutput(this, 'TriggerHighQueueUrl', { value: this.triggerHighQueue.queueUrl, description: 'The pipeline-trigger queue (high priority)' });
    new CfnOutput(this, 'ProcessingQueueUrl', {
      value: this.processingQueue.queueUrl,
      description: 'The processing queue: point the shared processing workers at it',
    });
    new CfnOutput(this, 'ProcessingQueueArn', {
      value: this.processingQueue.queueArn,
      description: "The processing queue's ARN, for the workers' sqs:ReceiveMessage, DeleteMessage and ChangeMessageVisibility grant",
    });
    new CfnOutput(this, 'ProcessingDeadLetterQueueUrl', {
      value: this.processingDeadLetterQueue.queueUrl,
      description: 'Processing jobs that failed in the workers 5 times',
    });
    new CfnOutput(this, 'GithubTokenSecretArn', {
      value: this.githubTokenSecret.secretArn,
      description: 'Put the GitHub token here: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string <token>',
    });
    new CfnOutput(this, 'GithubWebhookSecretArn', {
      value: this.githubWebhookSecret.secretArn,
      description: "Copy this secret's value into GitHub's webhook settings (aws secretsmanager get-secret-value)",
    });
    new CfnOutput(this, 'ScheduleGroupName', {
      value: this.scheduleGroup.scheduleGroupName,
      description: 'The EventBridge Scheduler group of slot schedules',
    });
  }
}

/** The resources the stateless stack takes, by name (infra/app.ts and the tests wire the stacks with it). */
export function statefulResources(stack: StatefulStack): StatefulResources {
  return {
    table: stack.table,
    triggerQueue: stack.triggerQueue,
    triggerHighQueue: stack.triggerHighQueue,
    triggerDeadLetterQueue: stack.triggerDeadLetterQueue,
    processingQueue: stack.processingQueue,
    processingDeadLetterQueue: stack.processingDeadLetterQueue,
    slotDeadLetterQueue: stack.slotDeadLetterQueue,
    scheduleGroup: stack.scheduleGroup,
    githubTokenSecret: stack.githubTokenSecret,
    githubWebhookSecret: stack.githubWebhookSecret,
  };
}
