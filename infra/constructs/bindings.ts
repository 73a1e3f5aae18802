import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
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
  queue: IQueue;
  deadLetterQueue: IQueue;
}

/**
 * 'send': sqs:SendMessage on the trigger queue (SendMessageBatch is authorised as SendMessage).
 * 'depth': sqs:GetQueueAttributes on the queue and its dead-letter queue.
 * Both set TRIGGER_QUEUE_URL and TRIGGER_DLQ_URL: the composition root builds
 * the queue adapter from both, and a URL grants nothing.
 */
export function bindTriggerQueue(fn: OrchestratorFunction, queues: TriggerQueues, access: 'send' | 'depth'): void {
  if (access === 'send') {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.queue.queueArn] }));
  } else {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queues.queue.queueArn, queues.deadLetterQueue.queueArn] }),
    );
  }
  setEnvironment(fn, access === 'send' ? 'queue:send' : 'queue:depth', {
    TRIGGER_QUEUE_URL: queues.queue.queueUrl,
    TRIGGER_DLQ_URL: queues.deadLetterQueue.queueUrl,
  });
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
  if (has('schedules:write')) {
    if (!targets.slotScheduling) throw new Error(`${fn.node.path}: schedules:write needs the slot scheduling resources`);
    bindSlotScheduler(fn, targets.slotScheduling);
  }
}
