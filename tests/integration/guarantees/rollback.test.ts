import { BOOKING_LEASE_MS } from '#shared/services/group-booking';
import {
  at,
  book,
  bookingDoneOrUndone,
  bookingRequest,
  crashMatrix,
  fileDynamo,
  groupsOfOperation,
  MINUTE,
  OPERATION_META,
  type CrashScenario,
  type GuaranteeWorld,
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
