import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publicationKeys } from '#shared/adapters/dynamodb/keys';
import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { startInterruptibleDynamo, type InterruptedWrites } from '#tests/helpers/interrupted-dynalite';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import type { EmbeddedDynamo } from '#tests/helpers/embedded-table';

type Fire = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ outcome: string; dispatched: number; held: number }>;
const STATUSES = ['scheduled', 'held', 'dispatching', 'dispatched', 'succeeded', 'failed', 'cancelled'] as const;

/**
 * The local server killed inside dynalite's writes (index entries written
 * before the item): a publication whose item was never written, and one
 * whose status change reached its index entries only. The API answers
 * every publication as its item says, wherever it is listed, fires it once,
 * and cancels it.
 */
describe('publications whose index entries outlived their writes (local server, dynalite)', () => {
  let dynamo: EmbeddedDynamo & { interrupted: InterruptedWrites };
  let table: EmbeddedTable;
  let api: RouteCaller;
  let fire: Fire;
  const clock = new FixedClock('2026-08-01T10:00:00.000Z');
  const queue = new RecordingTriggerQueue();
  let hour = 10;
  /** This test's wave: its slot, and its publications by channel (`a` lost its item, `b` has entries ahead of it, `c` is whole). */
  let slot: SlotFiredEvent;
  let byChannel: Record<'a' | 'b' | 'c', string>;

  beforeAll(async () => {
    dynamo = await startInterruptibleDynamo();
    table = await dynamo.createTable('lost-writes');
    api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: queue });
    fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: Fire }).handler;
    for (const id of ['a', 'b', 'c']) {
      expect((await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 0 } } })).status).toBe(201);
    }
    expect((await api.call('createVideo', { body: { video_id: 'v1', title: 'v1' } })).status).toBe(201);
    expect((await api.call('start')).status).toBe(200);
  });
  afterAll(async () => dynamo.close());

  beforeEach(async () => {
    // Prepare: a wave of one video on a, b and c, at its own hour, committed; then the two interrupted writes.
    clock.set('2026-08-01T09:00:00.000Z');
    hour += 1;
    const at = `2026-08-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const booked = await api.call('scheduleWave', { body: { video_ids: ['v1'], channel_ids: ['a', 'b', 'c'], wave_config: { timing: 'simultaneous', scheduled_at: at } } });
    expect(booked.status).toBe(201);
    const wave = await api.call('getWave', { params: { wave_id: booked.body.wave_id } });
    slot = { slot_id: wave.body.slots[0].slot_id, group_id: booked.body.wave_id, fire_at: wave.body.slots[0].fire_at };
    const listed = await api.call('listPublications', { query: { group_id: booked.body.wave_id, limit: '10' } });
    byChannel = Object.fromEntries(listed.body.items.map((p: any) => [p.channel_id, p.publication_id])) as typeof byChannel;
    const stored = (id: string) => dynamo.interrupted.storedItem(table.tableName, publicationKeys.key(id));

    const a = await stored(byChannel.a);
    await dynamo.interrupted.removeItemOnly(table.tableName, publicationKeys.key(byChannel.a));
    expect(a).not.toBeNull();
    const b = (await stored(byChannel.b))!;
    const dispatching = { ...b, status: 'dispatching', updated_at: at };
    await dynamo.interrupted.indexWritesOnly(table.tableName, { ...dispatching, ...publicationKeys.item(dispatching as never) });
    expect(await stored(byChannel.a)).toBeNull();
    expect((await stored(byChannel.b))?.status).toBe('scheduled');
  });

  it('GET /publications lists each publication once, as GET /publications/{id} answers it, in the status it has', async () => {
    // Act
    const all = await api.call('listPublications', { query: { limit: '100', video_id: 'v1' } });
    const unfiltered = await api.call('listPublications', { query: { limit: '100' } });
    const perStatus = Object.fromEntries(
      await Promise.all(STATUSES.map(async (status) => [status, (await api.call('listPublications', { query: { limit: '100', status } })).body.items])),
    );

    // Assess
    const ours = Object.values(byChannel);
    const mine = (items: any[]) => items.filter((p) => ours.includes(p.publication_id));
    expect(mine(all.body.items).map((p) => p.publication_id).sort()).toEqual([...ours].sort());
    expect(mine(unfiltered.body.items)).toEqual(mine(all.body.items));
    for (const listed of mine(unfiltered.body.items)) {
      const one = await api.call('getPublication', { params: { publication_id: listed.publication_id } });
      expect(one.status).toBe(200);
      expect(one.body).toEqual(listed);
    }
    // Each in exactly one status list, the one its item has: scheduled (b's change to dispatching never reached its item).
    for (const id of ours) {
      expect(STATUSES.filter((status) => perStatus[status].some((p: any) => p.publication_id === id))).toEqual(['scheduled']);
    }
  });

  it('the slot firing dispatches every publication of the slot once, the written-back one included; fired again, none', async () => {
    // Prepare
    clock.set(slot.fire_at);
    const sent = queue.triggers.length;

    // Act
    const first = await fire(slot, lambdaContext('fire-slot'));
    const again = await fire(slot, lambdaContext('fire-slot'));

    // Assess
    expect(first).toMatchObject({ outcome: 'dispatched', dispatched: 3 });
    expect(again.dispatched).toBe(0);
    const dispatched = queue.triggers.slice(sent).flatMap((t) => t.publications.map((p) => p.publication_id));
    expect(dispatched.sort()).toEqual(Object.values(byChannel).sort());
    for (const id of Object.values(byChannel)) {
      expect((await api.call('getPublication', { params: { publication_id: id } })).body.status).toBe('dispatching');
    }
  });

  it('cancelling the wave cancels every publication of it, the written-back one included', async () => {
    // Act
    const cancelled = await api.call('cancelWave', { params: { wave_id: slot.group_id }, body: {} });

    // Assess
    expect(cancelled.status).toBe(200);
    for (const id of Object.values(byChannel)) {
      const one = await api.call('getPublication', { params: { publication_id: id } });
      expect(one.status).toBe(200);
      expect(one.body.status).toBe('cancelled');
    }
    const listed = await api.call('listPublications', { query: { limit: '100', status: 'scheduled', video_id: 'v1' } });
    expect(listed.body.items.filter((p: any) => Object.values(byChannel).includes(p.publication_id))).toEqual([]);
  });

  it('after a list, POST /publications/{id}/cancel cancels the publication whose item had been lost', async () => {
    // Prepare
    expect((await api.call('getPublication', { params: { publication_id: byChannel.a } })).status).toBe(404);
    await api.call('listPublications', { query: { limit: '100', status: 'scheduled' } });

    // Act
    const cancelled = await api.call('cancelPublication', { params: { publication_id: byChannel.a }, body: {} });

    // Assess
    expect(cancelled.status).toBe(200);
    expect((await api.call('getPublication', { params: { publication_id: byChannel.a } })).body.status).toBe('cancelled');
  });
});
