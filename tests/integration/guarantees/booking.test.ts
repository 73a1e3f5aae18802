import {
  at,
  book,
  bookingDoneOrUndone,
  bookingRequest,
  crashMatrix,
  fileDynamo,
  groupsOfOperation,
  OPERATION_META,
  type CrashScenario,
  type GuaranteeWorld,
} from '#tests/helpers/crash-scenarios';
import type { ServiceGraph } from '#tests/helpers/crash-injection';

/**
 * SPEC "Guarantees": an interrupted booking is completed or rolled back whole
 * by the reconciliation, and nothing of it fires meanwhile. Each booking is
 * crashed after each of its writes; its first slots are due within the
 * reconciliation's staleness window, so a slot of an uncommitted booking that
 * fires meanwhile shows as a live publication of a failed group.
 */

/** v0, already booked on c1 and c2 at T0+`minutes`: the booking under test shifts around it, or preempts it. */
async function bookExisting(world: GuaranteeWorld, graph: ServiceGraph, priority: number, minutes: number): Promise<string[]> {
  await world.register(graph);
  const outcome = await book(world, graph, bookingRequest({ videoIds: ['v0'], channelIds: ['c1', 'c2'], scheduledAt: at(minutes), priority }));
  return outcome.publications.map((p) => p.publication_id ?? '');
}

/** Two videos on three channels at T0+5, shifted around v0 (6 publications in 3 slots, the first due at T0+5). */
const waveWithShifts: CrashScenario<void> = {
  prepare: async (world, graph) => {
    await bookExisting(world, graph, 5, 5);
  },
  act: async (world, graph) => {
    await book(
      world,
      graph,
      bookingRequest({ kind: 'wave', videoIds: ['v1', 'v2'], scheduledAt: at(5), staggerBy: 'video', timingFieldPrefix: 'wave_config.' }),
      OPERATION_META,
    );
  },
  assess: (world, _state, view) => bookingDoneOrUndone(world, view, 6),
};

/** One video on three channels at T0+5, shifted on the two v0 holds (3 publications in 2 slots). */
const coordinationWithShifts: CrashScenario<void> = {
  prepare: async (world, graph) => {
    await bookExisting(world, graph, 5, 5);
  },
  act: async (world, graph) => {
    await book(world, graph, bookingRequest({ scheduledAt: at(5) }), OPERATION_META);
  },
  assess: (world, _state, view) => bookingDoneOrUndone(world, view, 3),
};

/**
 * A priority-8 coordination on c1 and c2 at T0+10 that preempts v0's
 * priority-2 publications there (moved to T0+40). Undone, a preempted
 * publication must be back at (or never have left) its time.
 */
const coordinationWithPreempt: CrashScenario<{ preempted: string[] }> = {
  prepare: async (world, graph) => ({ preempted: await bookExisting(world, graph, 2, 10) }),
  act: async (world, graph) => {
    await book(world, graph, bookingRequest({ channelIds: ['c1', 'c2'], scheduledAt: at(10), priority: 8, policy: 'preempt' }), OPERATION_META);
  },
  assess: (world, { preempted }, view) => {
    const problems = bookingDoneOrUndone(world, view, 2);
    const committed = groupsOfOperation(view).some((g) => g.status === 'scheduled');
    for (const moved of view.publications.filter((p) => preempted.includes(p.publication_id))) {
      if (!committed && moved.scheduled_at !== at(10)) {
        problems.push(`preempted ${moved.publication_id} on ${moved.channel_id} moved to ${moved.scheduled_at} by a booking that did not commit (was ${at(10)})`);
      }
    }
    return problems;
  },
};

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'GroupBooking.book', [
  ['a wave (shift)', waveWithShifts],
  ['a coordination (shift)', coordinationWithShifts],
  ['a coordination with preempt moving lower-priority publications', coordinationWithPreempt],
]);
