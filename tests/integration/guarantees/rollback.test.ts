import { describe, expect, it } from 'vitest';
import { BOOKING_LEASE_MS } from '#shared/services/group-booking';
import {
  at,
  book,
  bookingDoneOrUndone,
  bookingRequest,
  crashMatrix,
  fileDynamo,
  GuaranteeWorld,
  groupsOfOperation,
  MINUTE,
  OPERATION_META,
  type CrashScenario,
} from '#tests/helpers/crash-scenarios';
import type { BookingRequest } from '#shared/services/group-booking';

/**
 * SPEC "Guarantees": a rollback, itself interrupted, finishes when retried.
 * A booking dies just before it would commit (everything of it written but
 * the group still `planning`); once stale, the reconciliation rolls it back
 * and is crashed after each of its writes; the next runs must finish the
 * rollback: the group failed, nothing of it live, booked or scheduled.
 */

/** The second write to a group item is its commit (the first creates it): the booking dies instead. */
const beforeCommit = (write: { target: string }, log: readonly { target: string }[]) =>
  write.target.endsWith('|GROUP') && log.some((r) => r.target === write.target);

async function leavePlanning(world: GuaranteeWorld, request: BookingRequest): Promise<void> {
  const dying = world.process(Infinity, beforeCommit);
  await dying.groupBooking.book(request, OPERATION_META).then(
    () => {
      throw new Error('the booking was to die before its commit');
    },
    () => undefined,
  );
  await dying.life.settled();
  const [group] = groupsOfOperation(await world.view());
  if (group?.status !== 'planning') throw new Error(`the booking left its group ${group?.status ?? 'unwritten'}, not planning`);
  world.clock.advance(BOOKING_LEASE_MS + MINUTE);
}

function rolledBack(world: GuaranteeWorld, view: Awaited<ReturnType<GuaranteeWorld['view']>>, publications: number): string[] {
  const problems = bookingDoneOrUndone(world, view, publications);
  for (const group of groupsOfOperation(view).filter((g) => g.status !== 'failed')) problems.push(`group ${group.group_id} is ${group.status}, not failed`);
  return problems;
}

/** A wave (v1, v2 on c1-c3 at T0+60, shifted around v0 on c1 and c2) left planning. */
const planningWave: CrashScenario<void> = {
  prepare: async (world, graph) => {
    await world.register(graph);
    await book(world, graph, bookingRequest({ videoIds: ['v0'], channelIds: ['c1', 'c2'], scheduledAt: at(60) }));
    await leavePlanning(world, bookingRequest({ kind: 'wave', videoIds: ['v1', 'v2'], staggerBy: 'video', scheduledAt: at(60) }));
  },
  act: async (_world, graph) => {
    await graph.publicationReconciliation.run({ actor: 'reconciliation', request_id: 'reconcile-under-test' });
  },
  assess: (world, _state, view) => rolledBack(world, view, 6),
};

/** A priority-8 coordination on c1 and c2 at T0+60 that preempted v0 (priority 2) there, left planning. */
const planningPreempt: CrashScenario<{ preempted: string[] }> = {
  prepare: async (world, graph) => {
    await world.register(graph);
    const existing = await book(world, graph, bookingRequest({ videoIds: ['v0'], channelIds: ['c1', 'c2'], scheduledAt: at(60), priority: 2 }));
    await leavePlanning(world, bookingRequest({ channelIds: ['c1', 'c2'], scheduledAt: at(60), priority: 8, policy: 'preempt' }));
    return { preempted: existing.publications.map((p) => p.publication_id ?? '') };
  },
  act: async (_world, graph) => {
    await graph.publicationReconciliation.run({ actor: 'reconciliation', request_id: 'reconcile-under-test' });
  },
  assess: (world, { preempted }, view) => {
    const problems = rolledBack(world, view, 2);
    for (const p of view.publications.filter((p) => preempted.includes(p.publication_id) && p.scheduled_at !== at(60))) {
      problems.push(`preempted ${p.publication_id} on ${p.channel_id} left at ${p.scheduled_at} by a rolled-back booking (was ${at(60)})`);
    }
    return problems;
  },
};

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'GroupBooking.rollback (by the reconciliation)', [
  ['rolling back a wave left planning', planningWave],
  ['rolling back a preempting coordination left planning', planningPreempt],
]);

describe('a slot a rolled-back preempt moved a publication back into', () => {
  it('keeps its schedule while it holds a pending publication, when a later preempt moves the same publication away again', async () => {
    // Given: v0 on c1 and c2 at T0+60 (one slot of two); a preempt on c1 left planning, then rolled back (v0 on c1 moved back)
    const world = new GuaranteeWorld(await dynamo.createTable('moved-back'));
    try {
      const graph = world.process();
      await world.register(graph);
      await book(world, graph, bookingRequest({ videoIds: ['v0'], channelIds: ['c1', 'c2'], scheduledAt: at(60), priority: 2 }));
      await leavePlanning(world, bookingRequest({ videoIds: ['v1'], channelIds: ['c1'], scheduledAt: at(60), priority: 8, policy: 'preempt' }));
      await graph.publicationReconciliation.run({ actor: 'reconciliation', request_id: 'reconcile-under-test' });

      // When: another preempt on c1 at T0+60 moves v0 on c1 away again, and commits
      await book(world, graph, bookingRequest({ videoIds: ['v2'], channelIds: ['c1'], scheduledAt: at(60), priority: 8, policy: 'preempt' }));

      // Then: v0 on c2 is still scheduled at T0+60, and its slot still fires
      const view = await world.view();
      const left = view.publications.find((p) => p.video_id === 'v0' && p.channel_id === 'c2');
      expect(left?.status).toBe('scheduled');
      expect(world.scheduler.schedules.has(left?.slot_id ?? '')).toBe(true);
      expect(await world.violations()).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
