import { describe, expect, it } from 'vitest';
import { crashPointsOf, serviceGraph, SimulatedCrash } from '#tests/helpers/crash-injection';
import { scanTable, useTablePerTest, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { video } from '#tests/helpers/sample-entities';

/** The fault injector the guarantee tests stand on: it must crash exactly where told, and stay dead. */
describe('Function: serviceGraph (crash injection, against dynalite)', () => {
  let table: EmbeddedTable;
  useTablePerTest((t) => {
    table = t;
  });
  const clock = new FixedClock('2026-10-24T20:00:00.000Z');
  const graphOf = (crashAfter: number, scheduler = new RecordingSlotScheduler(), queue = new RecordingTriggerQueue()) =>
    serviceGraph(table, { clock, scheduler, queue, crashAfter });
  const videoIds = async () => (await scanTable(table)).filter((i) => i.entity === 'video').map((i) => i.video_id);

  it('counts every write, a conditional write that failed included, and no read', async () => {
    // Prepare
    const graph = graphOf(Infinity);

    // Act
    await graph.repositories.videos.create(video('v1', '2026-10-24T20:00:00.000Z'));
    const again = await graph.repositories.videos.create(video('v1', '2026-10-24T20:00:00.000Z'));
    await graph.repositories.videos.get('v1');
    await graph.repositories.activity.append([]);
    await graph.repositories.ledgers.replace('c1', 0, [], '2026-10-24T20:00:00.000Z');

    // Assess
    expect(again).toBe(false);
    expect(graph.life.writes).toBe(3);
    expect(graph.life.log.map((w) => `${w.command} ${w.target}`)).toEqual([
      'PutItem VIDEO#v1|VIDEO',
      'PutItem VIDEO#v1|VIDEO',
      'UpdateItem CHANNEL#c1|LEDGER',
    ]);
    await graph.close();
  });

  it('lets the N-th write land, then fails it and every later call, reads included', async () => {
    // Prepare
    const graph = graphOf(2);
    await graph.repositories.videos.create(video('v1', '2026-10-24T20:00:00.000Z'));

    // Act
    const second = graph.repositories.videos.create(video('v2', '2026-10-24T20:00:00.000Z'));

    // Assess
    await expect(second).rejects.toBeInstanceOf(SimulatedCrash);
    await expect(graph.repositories.videos.get('v1')).rejects.toBeInstanceOf(SimulatedCrash);
    await expect(graph.repositories.videos.create(video('v3', '2026-10-24T20:00:00.000Z'))).rejects.toBeInstanceOf(SimulatedCrash);
    expect(graph.life.dead).toBe(true);
    expect(await videoIds()).toEqual(['v1', 'v2']);
    await graph.close();
  });

  it('never lets a write begun after the fatal one reach the store, however many run at once', async () => {
    // Prepare
    const graph = graphOf(3);

    // Act
    const results = await Promise.allSettled(
      ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'].map((id) => graph.repositories.videos.create(video(id, '2026-10-24T20:00:00.000Z'))),
    );
    await graph.life.settled();

    // Assess
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SimulatedCrash)).toBe(true);
    expect(await videoIds()).toEqual(['v1', 'v2', 'v3']);
    await graph.close();
  });

  it('counts schedules and sends with the table writes, and they die with the process', async () => {
    // Prepare
    const scheduler = new RecordingSlotScheduler();
    const queue = new RecordingTriggerQueue();
    const graph = graphOf(2, scheduler, queue);
    const slot = { slot_id: 'coord_1-20261024T210000Z', group_id: 'coord_1', fire_at: '2026-10-24T21:00:00.000Z' };
    const trigger = { trigger_id: 't1', channel_id: 'c1', slot_id: null, publications: [], priority: 'normal' as const, enqueued_at: '2026-10-24T20:00:00.000Z' };

    // Act
    await graph.repositories.videos.create(video('v1', '2026-10-24T20:00:00.000Z'));
    const ensured = graph.scheduler.ensure([slot]);

    // Assess
    await expect(ensured).rejects.toBeInstanceOf(SimulatedCrash);
    expect([...scheduler.schedules.keys()]).toEqual([slot.slot_id]);
    await expect(graph.queue.send([trigger])).rejects.toBeInstanceOf(SimulatedCrash);
    expect(queue.triggers).toEqual([]);
    expect(graph.life.describeWrite(2)).toBe(`#2 CreateSchedule ${slot.slot_id}`);
    await graph.close();
  });
});

describe('Function: crashPointsOf', () => {
  it('tries every write of an operation of at most 60', () => {
    expect(crashPointsOf(3)).toEqual([1, 2, 3]);
    expect(crashPointsOf(60)).toHaveLength(60);
  });

  it('samples a longer one every ceil(W/60)-th write, and always its last five', () => {
    // Act
    const points = crashPointsOf(130);

    // Assess
    expect(points.slice(0, 3)).toEqual([3, 6, 9]);
    expect(points.slice(-5)).toEqual([126, 127, 128, 129, 130]);
    expect(new Set(points).size).toBe(points.length);
  });
});
