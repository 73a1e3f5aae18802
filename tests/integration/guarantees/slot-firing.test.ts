import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';
import type { ServiceGraph } from '#tests/helpers/crash-injection';
import {
  at,
  book,
  bookingRequest,
  crashMatrix,
  fileDynamo,
  OPERATION_META,
  SETUP_META,
  type CrashScenario,
  type GuaranteeWorld,
} from '#tests/helpers/crash-scenarios';

/**
 * SPEC "Guarantees", exactly once: a slot target that crashes half-way is
 * invoked again by Scheduler (the same event), and what it still misses is
 * the reconciliation's; every publication of the slot goes out in exactly one
 * trigger, none is left held while the system runs, none is dropped.
 */

interface FiringState {
  event: SlotFiredEvent;
  /** The publications of the slot fired. */
  slotPublications: string[];
}

/** v1 and v2 on c1-c3 at T0+60 (v2 shifted to T0+90): the T0+60 slot holds three publications, one a channel. */
async function prepareDueSlot(world: GuaranteeWorld, graph: ServiceGraph): Promise<FiringState> {
  await world.register(graph);
  const outcome = await book(world, graph, bookingRequest({ kind: 'wave', videoIds: ['v1', 'v2'], staggerBy: 'video', scheduledAt: at(60) }));
  const schedule = [...world.scheduler.schedules.values()].find((s) => s.fire_at === at(60));
  if (!schedule) throw new Error('the wave has no slot at T0+60');
  world.clock.set(at(60));
  return {
    event: { slot_id: schedule.slot_id, group_id: schedule.group_id, fire_at: schedule.fire_at },
    slotPublications: outcome.publications.filter((p) => p.scheduled_at === at(60)).map((p) => p.publication_id ?? ''),
  };
}

/** Scheduler invokes the slot target; once it answers, Scheduler deletes the one-time schedule. */
async function invoke(world: GuaranteeWorld, graph: ServiceGraph, event: SlotFiredEvent): Promise<void> {
  await graph.slotDispatch.fire(event);
  world.scheduler.schedules.delete(event.slot_id);
}

/** Every publication of the slot went out and its trigger was received. */
function slotWentOut({ slotPublications }: FiringState, view: Awaited<ReturnType<GuaranteeWorld['view']>>): string[] {
  return view.publications
    .filter((p) => slotPublications.includes(p.publication_id) && (p.status !== 'dispatched' || p.trigger_received_at === null))
    .map((p) => `${p.publication_id} of the fired slot is ${p.status}${p.status === 'dispatching' ? ', its trigger never dispatched' : ''}`);
}

const whileRunning: CrashScenario<FiringState> = {
  prepare: prepareDueSlot,
  act: (world, graph, { event }) => invoke(world, graph, event),
  recover: async (world, graph, { event }, crashed) => {
    if (crashed) await invoke(world, graph, event);
  },
  assess: (_world, state, view) => slotWentOut(state, view),
};

const whilePausedThenResumed: CrashScenario<FiringState> = {
  prepare: async (world, graph) => {
    const state = await prepareDueSlot(world, graph);
    await graph.systemControl.control('pause', SETUP_META);
    return state;
  },
  act: (world, graph, { event }) => invoke(world, graph, event),
  recover: async (world, graph, { event }, crashed) => {
    if (crashed) await invoke(world, graph, event);
    await graph.systemControl.control('resume', OPERATION_META);
  },
  assess: (_world, state, view) => slotWentOut(state, view),
};

/** The slot fired while paused (its publications held); the resume that releases them crashes. */
const resumeReleasingHeld: CrashScenario<FiringState> = {
  prepare: async (world, graph) => {
    const state = await prepareDueSlot(world, graph);
    await graph.systemControl.control('pause', SETUP_META);
    await invoke(world, graph, state.event);
    return state;
  },
  act: async (_world, graph) => {
    await graph.systemControl.control('resume', OPERATION_META);
  },
  recover: async (_world, graph, _state, crashed) => {
    if (crashed) await graph.systemControl.control('resume', OPERATION_META);
  },
  assess: (_world, state, view) => slotWentOut(state, view),
};

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'SlotDispatch', [
  ['firing a due slot while running', whileRunning],
  ['firing a due slot while paused, then resuming', whilePausedThenResumed],
  ['resuming, which releases the held slot', resumeReleasingHeld],
]);
