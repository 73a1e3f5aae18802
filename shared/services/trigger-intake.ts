import type { ActivityEntry } from '#shared/domain/activity';
import { isoOf } from '#shared/domain/publication-group';
import { mapConcurrent } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';

/**
 * The pipeline-trigger queue's consumer, until dispatching to GitHub lands:
 * it records, once per publication, that the trigger arrived
 * (`trigger_received_at`), and one audit entry per trigger that brought
 * anything new. A duplicate delivery (SQS is at-least-once, and
 * reconciliation re-sends triggers it cannot see received) changes nothing.
 */
export class TriggerIntake {
  constructor(
    private readonly publications: PublicationRepository,
    private readonly activity: ActivityLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async receive(trigger: PipelineTrigger): Promise<number> {
    const at = isoOf(this.clock.now().getTime());
    const recorded = (
      await mapConcurrent(trigger.publications, 8, (p) => this.publications.markTriggerReceived(p.publication_id, at))
    ).filter(Boolean).length;
    if (recorded > 0) {
      const entry: ActivityEntry = {
        activity_id: this.ids.next(),
        at,
        type: 'pipeline.trigger_received',
        actor: 'pipeline-trigger-consumer',
        target: { type: 'slot', id: trigger.slot_id ?? trigger.trigger_id },
        channel_ids: [trigger.channel_id],
        details: { trigger_id: trigger.trigger_id, publications: recorded, priority: trigger.priority },
        request_id: trigger.trigger_id,
      };
      await this.activity.append([entry]);
    }
    return recorded;
  }
}
