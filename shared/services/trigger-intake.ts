import type { ActivityType } from '#shared/domain/activity';
import { isoOf } from '#shared/domain/publication-group';
import type { Publication } from '#shared/domain/publication';
import { mapConcurrent } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import { AuditRecorder } from './audit-recorder';

export interface TriggerIntakeDeps {
  publications: PublicationRepository;
  state: SystemStateRepository;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
}

export interface IntakeResult {
  recorded: number;
  held: number;
}

/**
 * The pipeline-trigger queue's consumer, until dispatching to GitHub lands.
 * While the system runs it records, once per publication, that the trigger
 * arrived (`trigger_received_at`). While it is paused or stopped, a queued
 * trigger is held, never dropped (SPEC "System state"): its publications go
 * from `dispatching` to `held`, and start or resume sends them again. A
 * duplicate delivery (SQS is at-least-once, and reconciliation re-sends
 * triggers it cannot see received) changes nothing.
 */
export class TriggerIntake {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: TriggerIntakeDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async receive(trigger: PipelineTrigger): Promise<IntakeResult> {
    const at = isoOf(this.deps.clock.now().getTime());
    const state = await this.deps.state.get();
    if (state.status !== 'running') {
      const held = (
        await mapConcurrent(trigger.publications, 8, (p) =>
          this.deps.publications.changeStatus(
            { publication_id: p.publication_id, channel_id: trigger.channel_id },
            { from: ['dispatching'], to: 'held', at, reason: `system ${state.status} when its trigger arrived` },
          ),
        )
      ).filter((p): p is Publication => p !== null).length;
      if (held > 0) await this.record('publications.held', trigger, { trigger_id: trigger.trigger_id, held, system_status: state.status });
      return { recorded: 0, held };
    }
    const recorded = (
      await mapConcurrent(trigger.publications, 8, (p) => this.deps.publications.markTriggerReceived(p.publication_id, at))
    ).filter(Boolean).length;
    if (recorded > 0) {
      await this.record('pipeline.trigger_received', trigger, { trigger_id: trigger.trigger_id, publications: recorded, priority: trigger.priority });
    }
    return { recorded, held: 0 };
  }

  private async record(type: ActivityType, trigger: PipelineTrigger, details: Record<string, unknown>): Promise<void> {
    // Background work: the consumer is the actor, the trigger the request.
    await this.audit.record(
      { actor: 'pipeline-trigger-consumer', request_id: trigger.trigger_id },
      { type, target: { type: 'slot', id: trigger.slot_id ?? trigger.trigger_id }, channelIds: [trigger.channel_id], details },
    );
  }
}
