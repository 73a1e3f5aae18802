import { afterEach, vi } from 'vitest';
import { crashInjection, type ServiceGraph } from '#tests/helpers/crash-injection';
import {
  at,
  book,
  bookingDoneOrUndone,
  bookingRequest,
  crashMatrix,
  fileDynamo,
  type CrashScenario,
  type GuaranteeWorld,
} from '#tests/helpers/crash-scenarios';
import { bootRoutes } from '#tests/helpers/route-harness';

/**
 * SPEC "Guarantees": a retry with the same Idempotency-Key never books or
 * dispatches again, even when the first request crashed or is still running.
 * POST /coordinate-publication runs in-process (handler, middy stack,
 * Powertools idempotency records and all) in a process that dies after each
 * of its writes; the client retries with the same key at once (the request
 * may still be running), then again once the Lambda's time has run out
 * (Powertools lets an expired in-progress key run again); then time passes
 * with the reconciliation. At most one coordination comes of it, whole:
 * committed, or rolled back; every answer names that one.
 */

/** What the Lambda's context gives the request (tests/helpers/api-gateway-event.ts lambdaContext): its in-progress window. */
const LAMBDA_REMAINING_MS = 30_000;
const KEY = 'retry-key-0001';
const BODY = { video_id: 'v1', channel_ids: ['c1', 'c2', 'c3'], timing: 'simultaneous', scheduled_at: at(5) };

interface RetryState {
  /** Every coordination the caller was answered with (201 booked, 202 a retry's earlier attempt). */
  answered: string[];
  /** Statuses the caller saw, in order. */
  statuses: number[];
}

/**
 * A cold start of the coordinate-publication function in `process`: fresh
 * modules (composition root, handler, idempotency store), its DynamoDB client
 * and its scheduler and queue seen through the process's life.
 */
async function coldStart(world: GuaranteeWorld, process: ServiceGraph) {
  vi.resetModules();
  const api = await bootRoutes(world.table, {
    clock: world.clock,
    slotScheduler: process.scheduler,
    triggerQueue: process.queue,
  });
  api.root.dynamoClient().middlewareStack.add(crashInjection(process.life), { step: 'initialize', name: 'crashInjection' });
  return api;
}

async function post(world: GuaranteeWorld, process: ServiceGraph, state: RetryState): Promise<void> {
  const api = await coldStart(world, process);
  const answer = await api.call('coordinatePublication', { body: BODY, headers: { 'idempotency-key': KEY } });
  if (process.life.dead) return; // the caller saw no answer, or a 5xx from a dying process
  state.statuses.push(answer.status);
  if (answer.status === 201) {
    state.answered.push(answer.body.coordination_id);
    world.accept((answer.body.publications as { publication_id: string }[]).map((p) => p.publication_id));
  }
  if (answer.status === 202) state.answered.push(answer.body.coordination_id);
}

const coordinationRetried: CrashScenario<RetryState> = {
  prepare: async (world, graph) => {
    await world.register(graph);
    // v0 on c1 and c2 at T0+5: the coordination shifts there, and its slot on c3 is due within the reconciliation's window.
    await book(world, graph, bookingRequest({ videoIds: ['v0'], channelIds: ['c1', 'c2'], scheduledAt: at(5) }));
    return { answered: [], statuses: [] };
  },
  act: (world, graph, state) => post(world, graph, state),
  recover: async (world, graph, state, crashed) => {
    if (!crashed) return;
    await post(world, graph, state);
    vi.setSystemTime(Date.now() + LAMBDA_REMAINING_MS + 1_000);
    await post(world, graph, state);
  },
  // One attempt, whatever the crash: the retries are answered with its group (202) or its replayed answer (201),
  // never a second booking; the attempt itself ends committed whole, or rolled back whole by the reconciliation.
  assess: (world, state, view) => {
    const groups = view.groups.filter((g) => g.video_id === 'v1');
    const problems = bookingDoneOrUndone(world, view, 3, groups);
    const seen = `(statuses seen: ${state.statuses.join(', ')})`;
    if (groups.length > 1) problems.push(`${groups.length} coordinations of v1 for one Idempotency-Key ${seen}`);
    if (new Set(state.answered).size > 1) problems.push(`the caller was answered ${new Set(state.answered).size} different coordinations ${seen}`);
    const committed = groups.filter((g) => g.status === 'scheduled');
    if (committed.length === 0 && groups.some((g) => g.status !== 'failed')) problems.push(`the attempt is neither committed nor rolled back ${seen}`);
    for (const id of state.answered) if (!groups.some((g) => g.group_id === id)) problems.push(`the caller was answered ${id}, which is not the attempt ${seen}`);
    return problems;
  },
};

afterEach(() => {
  vi.useRealTimers();
});

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'POST /coordinate-publication with an Idempotency-Key', [['a coordination retried with the same key', coordinationRetried]]);
