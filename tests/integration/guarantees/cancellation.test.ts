import {
  at,
  book,
  bookingRequest,
  crashMatrix,
  fileDynamo,
  LIVE,
  OPERATION_META,
  type CrashScenario,
} from '#tests/helpers/crash-scenarios';

/**
 * SPEC "Guarantees" for cancellations: a cancel that crashes half-way and is
 * retried (same call) leaves the publications cancelled, their bookings
 * lifted and the schedules of emptied slots deleted; nothing else moves.
 */

/** One publication of a staggered coordination (c2 at T0+60, c1 at T0+90, c3 at T0+120): its slot is its own. */
const onePublication: CrashScenario<{ cancelled: string; kept: string[] }> = {
  prepare: async (world, graph) => {
    await world.register(graph);
    const outcome = await book(world, graph, bookingRequest({ timing: 'staggered', delaySeconds: 1800 }));
    const onC1 = outcome.publications.find((p) => p.channel_id === 'c1');
    return {
      cancelled: onC1?.publication_id ?? '',
      kept: outcome.publications.filter((p) => p !== onC1).map((p) => p.publication_id ?? ''),
    };
  },
  act: async (_world, graph, { cancelled }) => {
    await graph.publicationCancellation.cancelPublication(cancelled, 'operator changed plans', OPERATION_META);
  },
  recover: async (_world, graph, { cancelled }, crashed) => {
    if (crashed) await graph.publicationCancellation.cancelPublication(cancelled, 'operator changed plans', OPERATION_META);
  },
  assess: (_world, { cancelled, kept }, view) => {
    const problems: string[] = [];
    const target = view.publications.find((p) => p.publication_id === cancelled);
    if (target?.status !== 'cancelled') problems.push(`${cancelled} is ${target?.status ?? 'gone'}, not cancelled`);
    for (const p of view.publications.filter((p) => kept.includes(p.publication_id) && !LIVE.includes(p.status))) {
      problems.push(`${p.publication_id} was not to be cancelled but is ${p.status}`);
    }
    return problems;
  },
};

/** A whole wave: v1 and v2 on c1-c3, staggered by video (T0+60 and T0+90), 6 publications in 2 slots. */
const wholeWave: CrashScenario<{ waveId: string }> = {
  prepare: async (world, graph) => {
    await world.register(graph);
    const outcome = await book(
      world,
      graph,
      bookingRequest({ kind: 'wave', videoIds: ['v1', 'v2'], timing: 'staggered', delaySeconds: 1800, staggerBy: 'video', scheduledAt: at(60) }),
    );
    // v0 on c1 at T0+150, another group's: the cancel leaves it alone.
    await book(world, graph, bookingRequest({ videoIds: ['v0'], channelIds: ['c1'], scheduledAt: at(150) }));
    return { waveId: outcome.group_id ?? '' };
  },
  act: async (_world, graph, { waveId }) => {
    await graph.publicationCancellation.cancelGroup('wave', waveId, 'wave called off', OPERATION_META);
  },
  recover: async (_world, graph, { waveId }, crashed) => {
    if (crashed) await graph.publicationCancellation.cancelGroup('wave', waveId, 'wave called off', OPERATION_META);
  },
  assess: (_world, { waveId }, view) => {
    const problems: string[] = [];
    const group = view.groups.find((g) => g.group_id === waveId);
    if (group?.status !== 'cancelled') problems.push(`wave ${waveId} is ${group?.status ?? 'gone'}, not cancelled`);
    for (const p of view.publications.filter((p) => p.group_id === waveId && p.status !== 'cancelled')) {
      problems.push(`${p.publication_id} of the cancelled wave is ${p.status}`);
    }
    for (const p of view.publications.filter((p) => p.group_id !== waveId && !LIVE.includes(p.status))) {
      problems.push(`${p.publication_id} of another group is ${p.status}`);
    }
    return problems;
  },
};

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'PublicationCancellation', [
  ['cancelling one publication', onePublication],
  ['cancelling a whole wave', wholeWave],
]);
