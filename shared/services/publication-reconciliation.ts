import type { RequestMeta } from '#shared/domain/activity';
import { isoOf, fireAtOfSlotId, type PublicationGroup } from '#shared/domain/publication-group';
import type { Publication } from '#shared/domain/publication';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { JobCursorRepository } from '#shared/ports/job-cursor-repository';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { AuditRecorder } from './audit-recorder';
import type { GroupBooking } from './group-booking';
import type { SlotDispatch } from './slot-dispatch';

/** A `scheduled` publication this far past its time missed its slot (a failed or lost schedule). */
export const OVERDUE_MS = 2 * 60_000;
/** A `dispatching` publication whose trigger was not received after this long is sent again. */
export const UNRECEIVED_MS = 15 * 60_000;
/** Publications one run reads at most in each walk; the next run resumes where this one stopped. */
export const WALK_BUDGET = 2_000;
/** A group committed this long ago and still finishing belongs to a request that stopped right after its commit. */
export const FINISHING_MS = 2 * 60_000;
/** Groups rolled back (or finished) in one run at most (each is many writes); the next run takes the rest. */
const ROLLBACKS_PER_RUN = 50;
const PAGE = 100;
const RESEND_JOB = 'reconcile-resend';

export interface ReconciliationReport {
  rolled_back_groups: number;
  overdue_slots_fired: number;
  triggers_resent: number;
  held_released: number;
}

export interface ReconciliationOptions {
  /**
   * Every group still planning under another lease owner is dead: a local
   * server restarted on its DATA_DIR knows the process before it died, so it
   * does not wait for their leases to end.
   */
  othersAreDead?: boolean;
}

/**
 * The safety net, run every five minutes: nothing that could not run is
 * dropped, and what a stop half-way left is finished or undone from durable
 * state alone. Each walk reads pages to the end of what it must see (never a
 * fixed first page filtered in code), bounded per run, and a walk that stops
 * resumes on the next run.
 * 1. Groups of requests that died while `planning` (their lease ended, or
 *    their owner is known dead) are rolled back (GroupBooking.rollback, itself
 *    safe to interrupt and run again).
 *    Groups committed by a request that stopped right after its commit have
 *    what follows the commit finished (GroupBooking.finishCommitted).
 * 2. Publications still `scheduled` past their time (a schedule lost, or a
 *    dead-lettered firing) have their slots fired now; slots of groups not
 *    committed are passed over (their rollback or commit decides).
 * 3. `dispatching` publications whose trigger was not received are sent
 *    again (the consumer records each once, so a duplicate changes nothing);
 *    this walk resumes where the last run stopped.
 * 4. Held publications are released if the system runs again.
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
      cursors: JobCursorRepository;
      clock: Clock;
      ids: IdGenerator;
      /** This process: its own planning groups are dead only once their lease ended. */
      owner: string;
      /** Publications each walk reads in one run (WALK_BUDGET by default). */
      walkBudget?: number;
    },
  ) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
    this.budget = deps.walkBudget ?? WALK_BUDGET;
  }

  private readonly budget: number;

  async run(meta: RequestMeta, options: ReconciliationOptions = {}): Promise<ReconciliationReport> {
    const now = this.deps.clock.now().getTime();
    const rolledBack = await this.rollBackDead(now, meta, options);
    await this.finishCommitted(now);
    const fired = await this.fireOverdue(now, meta);
    const resent = await this.resendUnreceived(now);
    const released = (await this.deps.state.get()).status === 'running' ? await this.deps.dispatch.releaseHeld(meta) : 0;
    return { rolled_back_groups: rolledBack, overdue_slots_fired: fired, triggers_resent: resent, held_released: released };
  }

  private async rollBackDead(now: number, meta: RequestMeta, options: ReconciliationOptions): Promise<number> {
    const dead: PublicationGroup[] = [];
    let cursor: string | undefined;
    do {
      // Without othersAreDead, only leases that ended; with it, every planning group, sorted out by owner.
      const page = await this.deps.groups.listPlanning(PAGE, cursor, options.othersAreDead ? undefined : isoOf(now));
      dead.push(...page.items.filter((g) => isDead(g, now, this.deps.owner, options)));
      cursor = page.next_cursor ?? undefined;
    } while (cursor && dead.length < ROLLBACKS_PER_RUN);
    let rolledBack = 0;
    for (const group of dead.slice(0, ROLLBACKS_PER_RUN)) {
      const cancelled = await this.deps.booking.rollback(group.group_id, 'its request stopped before it finished');
      // Nothing rolled back (committed or finished meanwhile): nothing to record.
      if (cancelled === null) continue;
      rolledBack += 1;
      await this.audit.record(meta, {
        type: 'coordination.rolled_back',
        target: { type: group.kind, id: group.group_id },
        channelIds: group.channel_ids,
        details: { created_at: group.created_at, cancelled_publications: cancelled, original_request_id: group.request_id },
      });
    }
    return rolledBack;
  }

  /** Finishes what follows the commit of groups whose request stopped right after it (their preempt shadows). */
  private async finishCommitted(now: number): Promise<void> {
    const stopped = await this.deps.groups.listFinishing(isoOf(now - FINISHING_MS), ROLLBACKS_PER_RUN);
    for (const group of stopped) await this.deps.booking.finishCommitted(group);
  }

  /** Walks every overdue `scheduled` publication (up to the budget) and fires each slot once. */
  private async fireOverdue(now: number, meta: RequestMeta): Promise<number> {
    const slots = new Map<string, string>();
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await this.deps.publications.listByStatus('scheduled', Math.min(PAGE, this.budget - read), cursor, isoOf(now - OVERDUE_MS));
      for (const p of page.items) slots.set(p.slot_id, p.group_id);
      read += page.items.length;
      cursor = page.next_cursor ?? undefined;
    } while (cursor && read < this.budget);
    let fired = 0;
    for (const [slotId, groupId] of slots) {
      const fireAt = fireAtOfSlotId(slotId);
      if (!fireAt) continue;
      const result = await this.deps.dispatch.fire({ slot_id: slotId, group_id: groupId, fire_at: fireAt }, meta);
      if (result.outcome !== 'uncommitted') fired += 1;
    }
    return fired;
  }

  /**
   * Re-sends the triggers of `dispatching` publications not received for a
   * while: up to the budget a run, resuming at the cursor the last run left,
   * starting over once the walk reaches the end.
   */
  private async resendUnreceived(now: number): Promise<number> {
    let cursor = await this.deps.cursors.get(RESEND_JOB);
    let read = 0;
    let resent = 0;
    do {
      // A cursor that no longer fits the list (the release before changed it) starts the walk over.
      const size = Math.min(PAGE, this.budget - read);
      const page = await this.deps.publications.listByStatus('dispatching', size, cursor).catch((error: unknown) => {
        if (cursor === undefined || (error as { code?: string }).code !== 'invalid_cursor') throw error;
        cursor = undefined;
        return this.deps.publications.listByStatus('dispatching', size);
      });
      const lost = page.items.filter((p: Publication) => p.trigger_received_at === null && Date.parse(p.updated_at) < now - UNRECEIVED_MS);
      await this.deps.dispatch.resend(lost);
      resent += lost.length;
      read += page.items.length;
      cursor = page.next_cursor ?? undefined;
    } while (cursor && read < this.budget);
    await this.deps.cursors.put(RESEND_JOB, cursor ?? null, isoOf(now));
    return resent;
  }
}

function isDead(group: PublicationGroup, now: number, owner: string, options: ReconciliationOptions): boolean {
  if (options.othersAreDead && group.lease_owner !== owner) return true;
  // Groups written before leases existed: their creation time stands for it.
  return Date.parse(group.lease_until ?? group.created_at) < now;
}
