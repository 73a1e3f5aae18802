import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { INDEXES } from '#shared/adapters/dynamodb/table-definition';
import { PERMISSION_SETTINGS, type Permission } from '#shared/routes';
import { wildcardResourceFinding } from './nag';
import type { OrchestratorFunction } from './orchestrator-function';

/**
 * Binding helpers in the Powertools example-app style: each grants a function
 * exactly what one capability needs and sets the environment variables
 * shared/config.ts reads for it, together, so a permission never ships without
 * its setting or the other way round.
 */

/** Data-plane reads the code makes. No Scan: no function scans the table. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/** Reads plus the item writes the code makes (conditional single-item writes and batches; no transactions). */
export const TABLE_WRITE_ACTIONS = [
  ...TABLE_READ_ACTIONS,
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export const SCHEDULE_ACTIONS = ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'] as const;

/**
 * The table and each of its indexes by name (from table-definition.ts), not
 * `index/*`: the GSIs declared there are all there is, so no wildcard is needed.
 */
export function tableResources(table: ITable): string[] {
  return [table.tableArn, ...Object.values(INDEXES).map((index) => `${table.tableArn}/index/${index.name}`)];
}

/** How long the table keeps what expires (TTL), in days: the functions' ACTIVITY_ and PUBLICATION_RETENTION_DAYS. */
export interface TableRetention {
  /** Audit entries. */
  activityDays: number;
  /** Finished publications, groups and slots. */
  publicationDays: number;
}

/**
 * Grants read or read+write data actions on the table and its indexes; sets
 * TABLE_NAME and the retention: the activity horizon for both, the retention
 * of finished work for writers (they write the TTLs).
 */
export function bindTable(fn: OrchestratorFunction, table: ITable, access: 'read' | 'write', retention: TableRetention): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [...(access === 'write' ? TABLE_WRITE_ACTIONS : TABLE_READ_ACTIONS)],
      resources: tableResources(table),
    }),
  );
  const read = { TABLE_NAME: table.tableName, ACTIVITY_RETENTION_DAYS: String(retention.activityDays) };
  if (access === 'write') setEnvironment(fn, 'table:write', { ...read, PUBLICATION_RETENTION_DAYS: String(retention.publicationDays) });
  else setEnvironment(fn, 'table:read', read);
}

export interface TriggerQueues {
  /** Normal priority. */
  queue: IQueue;
  highQueue: IQueue;
  /** Shared by both. */
  deadLetterQueue: IQueue;
}

/**
 * 'send': sqs:SendMessage on both trigger queues (SendMessageBatch is authorised as SendMessage).
 * 'depth': sqs:GetQueueAttributes on both and their dead-letter queue.
 * Both set TRIGGER_QUEUE_URL, TRIGGER_HIGH_QUEUE_URL and TRIGGER_DLQ_URL: the
 * composition root builds the queue adapter from all three, and a URL grants nothing.
 */
export function bindTriggerQueue(fn: OrchestratorFunction, queues: TriggerQueues, access: 'send' | 'depth'): void {
  const both = [queues.queue.queueArn, queues.highQueue.queueArn];
  if (access === 'send') {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: both }));
  } else {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [...both, queues.deadLetterQueue.queueArn] }));
  }
  setEnvironment(fn, access === 'send' ? 'queue:send' : 'queue:depth', {
    TRIGGER_QUEUE_URL: queues.queue.queueUrl,
    TRIGGER_HIGH_QUEUE_URL: queues.highQueue.queueUrl,
    TRIGGER_DLQ_URL: queues.deadLetterQueue.queueUrl,
  });
}

export interface ProcessingQueues {
  queue: IQueue;
  deadLetterQueue: IQueue;
}

/**
 * 'send': sqs:SendMessage on the processing queue; sets PROCESSING_QUEUE_URL.
 * 'depth': sqs:GetQueueAttributes on it and its dead-letter queue; sets both URLs.
 */
export function bindProcessingQueue(fn: OrchestratorFunction, queues: ProcessingQueues, access: 'send' | 'depth'): void {
  if (access === 'send') {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.queue.queueArn] }));
    setEnvironment(fn, 'processing:send', { PROCESSING_QUEUE_URL: queues.queue.queueUrl });
  } else {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queues.queue.queueArn, queues.deadLetterQueue.queueArn] }),
    );
    setEnvironment(fn, 'processing:depth', {
      PROCESSING_QUEUE_URL: queues.queue.queueUrl,
      PROCESSING_DLQ_URL: queues.deadLetterQueue.queueUrl,
    });
  }
}

/** 'slot-dlq:depth': sqs:GetQueueAttributes on the slot dead-letter queue only; sets SLOT_DLQ_URL. */
export function bindSlotDeadLetterDepth(fn: OrchestratorFunction, queue: IQueue): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queue.queueArn] }));
  setEnvironment(fn, 'slot-dlq:depth', { SLOT_DLQ_URL: queue.queueUrl });
}

/** The GitHub secrets, and the client settings that travel with the token. */
export interface GithubAccess {
  tokenSecret: ISecret;
  webhookSecret: ISecret;
  /** GITHUB_API_URL: api.github.com, or a GitHub Enterprise API. */
  apiUrl: string;
  /** GITHUB_DISPATCHES_PER_MINUTE and GITHUB_DISPATCHES_PER_HOUR: the dispatch pacer's rates. */
  dispatchesPerMinute: number;
  dispatchesPerHour: number;
}

/**
 * secretsmanager:GetSecretValue on that one secret, by its full ARN: no
 * DescribeSecret, no other secret. The secrets use the AWS-managed key, which
 * Secrets Manager decrypts with on the caller's behalf, so no kms grant.
 */
function grantSecretRead(fn: OrchestratorFunction, secret: ISecret): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
}

/** Read the GitHub token; sets GITHUB_TOKEN_SECRET_ARN, GITHUB_API_URL and the dispatch pacing. */
export function bindGithubToken(fn: OrchestratorFunction, github: GithubAccess): void {
  grantSecretRead(fn, github.tokenSecret);
  setEnvironment(fn, 'github:token', {
    GITHUB_TOKEN_SECRET_ARN: github.tokenSecret.secretArn,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_DISPATCHES_PER_MINUTE: String(github.dispatchesPerMinute),
    GITHUB_DISPATCHES_PER_HOUR: String(github.dispatchesPerHour),
  });
}

/** Read the webhook secret (to verify X-Hub-Signature-256); sets GITHUB_WEBHOOK_SECRET_ARN. */
export function bindGithubWebhookSecret(fn: OrchestratorFunction, github: GithubAccess): void {
  grantSecretRead(fn, github.webhookSecret);
  setEnvironment(fn, 'github:webhook-secret', { GITHUB_WEBHOOK_SECRET_ARN: github.webhookSecret.secretArn });
}

/** What a function needs to create and delete slot schedules. */
export interface SlotScheduling {
  group: IScheduleGroup;
  /** The function the schedules invoke (fire-slot). */
  target: IFunction;
  /** The role Scheduler assumes to invoke the target. */
  role: IRole;
  /** Where Scheduler puts slot events it could not deliver. */
  deadLetterQueue: IQueue;
}

/**
 * The ARN of every schedule in the group. The group's name is a literal
 * (ScheduleGroup always names itself at synth time), so this ARN and the
 * cdk-nag finding it raises are known here.
 */
export function scheduleArnPattern(scope: Stack, group: IScheduleGroup): string {
  return scope.formatArn({
    service: 'scheduler',
    resource: 'schedule',
    resourceName: `${group.scheduleGroupName}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * Create, read and delete schedules in the slot group only, and pass the
 * Scheduler role to Scheduler only; sets SCHEDULE_GROUP_NAME, SLOT_TARGET_ARN,
 * SCHEDULER_ROLE_ARN and SLOT_DLQ_ARN.
 */
export function bindSlotScheduler(fn: OrchestratorFunction, scheduling: SlotScheduling): void {
  const stack = Stack.of(fn);
  const schedules = scheduleArnPattern(stack, scheduling.group);
  fn.addToRolePolicy(new PolicyStatement({ actions: [...SCHEDULE_ACTIONS], resources: [schedules] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [scheduling.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
  setEnvironment(fn, 'schedules:write', {
    SCHEDULE_GROUP_NAME: scheduling.group.scheduleGroupName,
    SLOT_TARGET_ARN: scheduling.target.functionArn,
    SCHEDULER_ROLE_ARN: scheduling.role.roleArn,
    SLOT_DLQ_ARN: scheduling.deadLetterQueue.queueArn,
  });
  if (fn.role) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[${wildcardResourceFinding(stack, schedules)}]`,
      reason:
        'Slot schedules are named at run time after their slot (deterministic, one per fire time), so the function must address ' +
        "any schedule name; the wildcard is confined to the orchestrator's own schedule group.",
    });
  }
}

/**
 * Sets the settings a permission brings (PERMISSION_SETTINGS in the route
 * table), exactly those: the values must name every setting, no more.
 */
function setEnvironment(fn: OrchestratorFunction, permission: Permission, values: Record<string, string>): void {
  const expected = [...PERMISSION_SETTINGS[permission]].sort();
  const given = Object.keys(values).sort();
  if (expected.join() !== given.join()) {
    throw new Error(`${fn.node.path}: ${permission} sets ${given.join(', ')} but PERMISSION_SETTINGS says ${expected.join(', ')}`);
  }
  for (const [name, value] of Object.entries(values)) fn.addEnvironment(name, value);
}

/** Everything a function can be bound to. */
export interface BindingTargets {
  table: ITable;
  retention: TableRetention;
  triggerQueues: TriggerQueues;
  processingQueues: ProcessingQueues;
  github: GithubAccess;
  /** Where Scheduler and fire-slot park slot events they could not deliver (its depth: slot-dlq:depth). */
  slotDeadLetterQueue: IQueue;
  /** Absent only while the slot target itself is being built (it has no schedules:write). */
  slotScheduling?: SlotScheduling;
}

/** Applies a route's or background function's permissions (shared/routes.ts `Permission`). */
export function bindPermissions(fn: OrchestratorFunction, permissions: readonly Permission[], targets: BindingTargets): void {
  const has = (p: Permission) => permissions.includes(p);
  if (has('table:write')) bindTable(fn, targets.table, 'write', targets.retention);
  else if (has('table:read')) bindTable(fn, targets.table, 'read', targets.retention);
  if (has('queue:send')) bindTriggerQueue(fn, targets.triggerQueues, 'send');
  if (has('queue:depth')) bindTriggerQueue(fn, targets.triggerQueues, 'depth');
  if (has('processing:send')) bindProcessingQueue(fn, targets.processingQueues, 'send');
  if (has('processing:depth')) bindProcessingQueue(fn, targets.processingQueues, 'depth');
  if (has('slot-dlq:depth')) bindSlotDeadLetterDepth(fn, targets.slotDeadLetterQueue);
  if (has('github:token')) bindGithubToken(fn, targets.github);
  if (has('github:webhook-secret')) bindGithubWebhookSecret(fn, targets.github);
  if (has('schedules:write')) {
    if (!targets.slotScheduling) throw new Error(`${fn.node.path}: schedules:write needs the slot scheduling resources`);
    bindSlotScheduler(fn, targets.slotScheduling);
  }
}
