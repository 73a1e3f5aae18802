import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  ValidationException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mapConcurrent } from '#shared/concurrency';
import { systemClock, type Clock } from '#shared/ports/clock';
import type { EnsureResult, SlotFiredEvent, SlotSchedule, SlotScheduler } from '#shared/ports/slot-scheduler';

export interface EventBridgeSlotSchedulerSettings {
  groupName: string;
  /** The slot target function's ARN. */
  targetArn: string;
  /** The role Scheduler assumes; it may invoke only the slot target. */
  roleArn: string;
  /** Where Scheduler puts events it could not deliver after its retries. */
  deadLetterQueueArn: string;
}

/** Retries before an event goes to the dead-letter queue, and how long an undelivered event is kept trying. */
export const SLOT_RETRY_POLICY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3_600 } as const;
/**
 * Schedule calls in flight at once. A 1,000-slot wave (staggered by channel)
 * at ~30 ms a call takes ~1 s at 32, against ~4 s at 8; CreateSchedule's
 * quota (1,000 to 5,000 a second in the main Regions, docs/simulated-aws.md) stays far off.
 */
const CONCURRENCY = 32;
/** A slot this close to now (or past) that Scheduler refuses is one whose time came while it was being made. */
const TOO_LATE_WINDOW_MS = 60_000;

/**
 * Slots on EventBridge Scheduler: one one-time schedule a slot, named after
 * the slot, in the orchestrator's group, deleted by Scheduler after it fires.
 */
export class EventBridgeSlotScheduler implements SlotScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly settings: EventBridgeSlotSchedulerSettings,
    private readonly clock: Clock = systemClock,
  ) {}

  async ensure(slots: readonly SlotSchedule[]): Promise<EnsureResult> {
    const outcomes = await mapConcurrent(slots, CONCURRENCY, async (slot) => {
      try {
        await this.scheduler.send(new CreateScheduleCommand(this.createInput(slot)));
        return 'created' as const;
      } catch (error) {
        // The name is the slot: an existing schedule is this slot's, made by an earlier try.
        if (error instanceof ConflictException) return 'existing' as const;
        if (error instanceof ValidationException && Date.parse(slot.fire_at) <= this.clock.now().getTime() + TOO_LATE_WINDOW_MS) {
          return 'tooLate' as const;
        }
        throw error;
      }
    });
    return {
      created: outcomes.filter((o) => o === 'created').length,
      existing: outcomes.filter((o) => o === 'existing').length,
      tooLate: slots.filter((_, i) => outcomes[i] === 'tooLate'),
    };
  }

  async remove(slotIds: readonly string[]): Promise<number> {
    const outcomes = await mapConcurrent(slotIds, CONCURRENCY, async (slotId) => {
      try {
        await this.scheduler.send(new DeleteScheduleCommand({ Name: slotId, GroupName: this.settings.groupName }));
        return true;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return false;
        throw error;
      }
    });
    return outcomes.filter(Boolean).length;
  }

  private createInput(slot: SlotSchedule) {
    const event: SlotFiredEvent = { slot_id: slot.slot_id, group_id: slot.group_id, fire_at: slot.fire_at };
    return {
      Name: slot.slot_id,
      GroupName: this.settings.groupName,
      ScheduleExpression: atExpression(slot.fire_at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      State: 'ENABLED' as const,
      Description: `Channel Orchestrator slot ${slot.slot_id}`,
      Target: {
        Arn: this.settings.targetArn,
        RoleArn: this.settings.roleArn,
        Input: JSON.stringify(event),
        RetryPolicy: { ...SLOT_RETRY_POLICY },
        DeadLetterConfig: { Arn: this.settings.deadLetterQueueArn },
      },
    };
  }
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC for an ISO instant. */
export function atExpression(iso: string): string {
  return `at(${new Date(iso).toISOString().slice(0, 19)})`;
}
