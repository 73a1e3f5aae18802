import { NotFound } from '#shared/domain/errors';
import { at, book, bookingRequest, crashMatrix, fileDynamo, LIVE, OPERATION_META, type CrashScenario } from '#tests/helpers/crash-scenarios';

/**
 * SPEC "Guarantees" for DELETE /channels/{id}?force=true: a deletion that
 * crashes half-way and is retried (same call; a 404 means the first one got
 * as far as the delete) leaves the channel gone with nothing pending on it,
 * its bookings lifted and the schedules of slots it emptied deleted, and the
 * other channels' publications untouched.
 */
const forcedDeletion: CrashScenario<void> = {
  prepare: async (world, graph) => {
    await world.register(graph);
    // v1 and v2 on c1-c3 at T0+60 (v2 shifted to T0+90); v3 on c2 alone at T0+150, a slot only c2 holds.
    await book(world, graph, bookingRequest({ kind: 'wave', videoIds: ['v1', 'v2'], staggerBy: 'video', scheduledAt: at(60) }));
    await book(world, graph, bookingRequest({ videoIds: ['v3'], channelIds: ['c2'], scheduledAt: at(150) }));
  },
  act: async (_world, graph) => {
    await graph.channelRemoval.delete('c2', true, OPERATION_META);
  },
  recover: async (_world, graph, _state, crashed) => {
    if (!crashed) return;
    await graph.channelRemoval.delete('c2', true, OPERATION_META).catch((error: unknown) => {
      if (!(error instanceof NotFound)) throw error;
    });
  },
  invariants: { deletedChannels: ['c2'] },
  assess: (_world, _state, view) => {
    const problems: string[] = [];
    if (view.channels.has('c2')) problems.push('channel c2 still exists');
    for (const p of view.publications.filter((p) => p.channel_id !== 'c2' && !LIVE.includes(p.status))) {
      problems.push(`${p.publication_id} on ${p.channel_id} is ${p.status}`);
    }
    return problems;
  },
};

const dynamo = await fileDynamo();
await crashMatrix(dynamo, 'ChannelRemoval.delete', [['deleting a channel with pending publications (force)', forcedDeletion]]);
