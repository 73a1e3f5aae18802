import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeSlotScheduler, SLOT_RETRY_POLICY, atExpression } from '#shared/adapters/scheduler/eventbridge-slot-scheduler';

const settings = {
  groupName: 'channel-orchestrator-slots',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fire-slot',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invokes-fire-slot',
  deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:slot-dlq',
};
const slot = { slot_id: 'wave_01JABCDEFGHJKMNPQRSTVWXYZ0-20261121T180000Z', group_id: 'wave_01JABCDEFGHJKMNPQRSTVWXYZ0', fire_at: '2026-11-21T18:00:00.000Z' };

describe('Class: EventBridgeSlotScheduler', () => {
  const client = mockClient(SchedulerClient);
  const clock = { now: () => new Date('2026-11-21T17:59:50.000Z') };
  const scheduler = new EventBridgeSlotScheduler(new SchedulerClient({ region: 'eu-west-1' }), settings, clock);

  beforeEach(() => client.reset());

  describe('Method: ensure', () => {
    it('creates a one-time schedule named after the slot, in the group, at() in UTC, deleted after it fires, with retries and a dead-letter queue', async () => {
      // Prepare
      client.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
      // Act
      const result = await scheduler.ensure([slot]);
      // Assess
      expect(result).toEqual({ created: 1, existing: 0, tooLate: [] });
      expect(client.commandCalls(CreateScheduleCommand)).toHaveLength(1);
      expect(client.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
        Name: slot.slot_id,
        GroupName: 'channel-orchestrator-slots',
        ScheduleExpression: 'at(2026-11-21T18:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Description: `Channel Orchestrator slot ${slot.slot_id}`,
        Target: {
          Arn: settings.targetArn,
          RoleArn: settings.roleArn,
          Input: JSON.stringify({ slot_id: slot.slot_id, group_id: slot.group_id, fire_at: slot.fire_at }),
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: settings.deadLetterQueueArn },
        },
      });
      expect(SLOT_RETRY_POLICY.MaximumRetryAttempts).toBe(10);
    });

    it('counts a schedule that already exists (a retried request) as existing, not an error', async () => {
      client.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
      expect(await scheduler.ensure([slot])).toEqual({ created: 0, existing: 1, tooLate: [] });
    });

    it('hands back a slot whose time came while it was being made (Scheduler refuses a past time), to be fired by the caller', async () => {
      client.on(CreateScheduleCommand).rejects(new ValidationException({ message: 'in the past', Message: 'in the past', $metadata: {} }));
      expect(await scheduler.ensure([slot])).toEqual({ created: 0, existing: 0, tooLate: [slot] });
    });

    it('lets a validation error on a slot far in the future through (it is a bug, not lateness)', async () => {
      client.on(CreateScheduleCommand).rejects(new ValidationException({ message: 'bad', Message: 'bad', $metadata: {} }));
      await expect(scheduler.ensure([{ ...slot, fire_at: '2026-11-22T18:00:00.000Z' }])).rejects.toThrow('bad');
    });

    it('creates one schedule per slot, never per publication', async () => {
      client.on(CreateScheduleCommand).resolves({});
      const slots = Array.from({ length: 100 }, (_, k) => ({ ...slot, slot_id: `${slot.group_id}-${k}`, fire_at: new Date(Date.parse(slot.fire_at) + k * 60_000).toISOString() }));
      expect(await scheduler.ensure(slots)).toEqual({ created: 100, existing: 0, tooLate: [] });
      expect(new Set(client.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).size).toBe(100);
    });

    it('lets other errors through', async () => {
      client.on(CreateScheduleCommand).rejects(new Error('AccessDenied'));
      await expect(scheduler.ensure([slot])).rejects.toThrow('AccessDenied');
    });
  });

  describe('Method: remove', () => {
    it('deletes by name in the group and treats a schedule already gone as removed', async () => {
      client.on(DeleteScheduleCommand, { Name: 'gone' }).rejects(new ResourceNotFoundException({ message: 'no', Message: 'no', $metadata: {} }));
      client.on(DeleteScheduleCommand, { Name: 'here' }).resolves({});
      expect(await scheduler.remove(['here', 'gone'])).toBe(1);
      expect(client.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
        { Name: 'here', GroupName: settings.groupName },
        { Name: 'gone', GroupName: settings.groupName },
      ]);
    });
  });

  it('atExpression drops milliseconds and the zone letter', () => {
    expect(atExpression('2026-03-29T01:30:00.500Z')).toBe('at(2026-03-29T01:30:00)');
  });
});
