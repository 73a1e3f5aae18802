import type { RequestMeta } from '#shared/domain/activity';
import { isoOf, fireAtOfSlotId } from '#shared/domain/publication-group';
import type { Publication } from '#shared/domain/publication';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { AuditRecorder } from './audit-recorder';
import type { GroupBooking } from './group-booking';
import type { SlotDispatch } from './slot-dispatch';

/** A request still `planning` after this long has died: its group is rolled back. */
export const STALE_PLANNING_MS = 10 * 60_000;
/** A `scheduled` publication this far past its time missed its slot (a failed or lost schedule). */
export const OVERDUE_MS = 2 * 60_000;
/** A `dispatching` publication whose trigger was not received after this long is sent again. */
export const UNRECEIVED_MS = 15 * 60_000;
/** Work done per run at most; the next run (5 minutes later) continues. */
const BATCH = 200;

export interface ReconciliationReport {
  rolled_back_groups: number;
  overdue_slots_fired: number;
  triggers_resent: number;
  held_released: number;
}

/**
 * The safety net, run every five minutes: nothing that could not run is
 * dropped. It finishes what a stop half-way left:
 * 1. groups of requests that died while `planning` are rolled back;
 * 2. publications still `scheduled` past their time (a schedule lost, or
 *    a dead-lettered firing) have their slots fired now;
 * 3. `dispatching` publications whose trigger never arrived are sent again
 *    (the consumer records each once, so a duplicate changes nothing);
 * 4. held publications are released if the system runs again (a release
 *    that stopped half-way).
 */
export class PublicationReconciliation {
  private readonly audit: AuditRecorder;

  constructor(
    private readonly deps: {
      publications: PublicationRepository;
      groups: PublicationGroupRepository;
      state: SystemStateRepository;
      booking: GroupBooking;
      dispatch: SlotDispatch;
      activity: ActivityLog;
      clock: Clock;
      ids: IdGenerator;
    },
  ) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async run(meta: RequestMeta): Promise<ReconciliationReport> {
    const now = this.deps.clock.now().getTime();
    const rolledBack = await this.rollBackStale(now, meta);
    const fired = await this.fireOverdue(now, meta);
    const resent = await this.resendUnreceived(now);
    const released = (await this.deps.state.get()).status === 'running' ? await this.deps.dispatch.releaseHeld(meta) : 0;
    return { rolled_back_groups: rolledBack, overdue_slots_fired: fired, triggers_resent: resent, held_released: released };
  }

  private async rollBackStale(now: number, meta: RequestMeta): Promise<number> {
    const stale = await this.deps.groups.listPlanningBefore(isoOf(now - STALE_PLANNING_MS), 20);
    for (const group of stale) {
      const cancelled = await this.deps.booking.rollback(group, 'its request stopped before it finished');
      await this.audit.record(meta, {
        type: 'coordination.rolled_back',
        target: { type: group.kind, id: group.group_id },
        channelIds: group.channel_ids,
        details: { created_at: group.created_at, cancelled_publications: cancelled, original_request_id: group.request_id },
      });
    }
    return stale.length;
  }

  private async fireOverdue(now: number, meta: RequestMeta): Promise<number> {
    const page = await this.deps.publications.listByStatus('scheduled', BATCH, undefined, isoOf(now - OVERDUE_MS));
    const slots = new Map(page.items.map((p) => [p.slot_id, p.group_id]));
    for (const [slotId, groupId] of slots) {
      const fireAt = fireAtOfSlotId(slotId);
      if (fireAt) await this.deps.dispatch.fire({ slot_id: slotId, group_id: groupId, fire_at: fireAt }, meta);
    }
    return slots.size;
  }

  private async resendUnreceived(now: number): Promise<number> {
    const page = await this.deps.publications.listByStatus('dispatching', BATCH, undefined, isoOf(now));
    const lost = page.items.filter(
      (p: Publication) => p.trigger_received_at === null && Date.parse(p.updated_at) < now - UNRECEIVED_MS,
    );
    await this.deps.dispatch.resend(lost);
    return lost.length;
  }
}
