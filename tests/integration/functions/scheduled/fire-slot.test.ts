import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';

type Fire = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ outcome: string; dispatched: number; held: number }>;

describe('functions/scheduled/fire-slot (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  let fire: Fire;
  const clock = new FixedClock('2026-08-01T10:00:00.000Z');
  const scheduler = new RecordingSlotScheduler();
  const queue = new RecordingTriggerQueue();

  beforeAll(async () => {
    table = await embeddedTable('fire');
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: Fire }).handler;
    for (const id of ['a', 'b', 'c']) {
      await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 0 } } });
    }
    for (const id of ['v1', 'v2', 'v3']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterAll(async () => table.close());

  /** Books a wave and returns its slots' events, earliest first. */
  async function bookWave(at: string, videos: string[], timing = 'simultaneous', delay?: number): Promise<SlotFiredEvent[]> {
    const answer = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: ['a', 'b', 'c'], wave_config: { timing, scheduled_at: at, ...(delay ? { delay_seconds: delay } : {}) } },
    });
    expect(answer.status).toBe(201);
    const wave = await api.call('getWave', { params: { wave_id: answer.body.wave_id } });
    return wave.body.slots.map((s: any) => ({ slot_id: s.slot_id, group_id: answer.body.wave_id, fire_at: s.fire_at }));
  }

  it('while running: moves the slot’s publications to dispatching and enqueues one trigger per channel', async () => {
    const [slot] = await bookWave('2026-08-01T11:00:00Z', ['v1', 'v2']);
    clock.set('2026-08-01T11:00:00.000Z');
    const sent = queue.triggers.length;
    const result = await fire(slot, lambdaContext('fire-slot'));
    expect(result).toMatchObject({ outcome: 'dispatched', dispatched: 6, held: 0 });
    const triggers = queue.triggers.slice(sent);
    expect(triggers.map((t) => t.channel_id).sort()).toEqual(['a', 'b', 'c']);
    expect(triggers.every((t) => t.publications.length === 2 && t.trigger_id === `${slot!.slot_id}/${t.channel_id}`)).toBe(true);
    const listed = await api.call('listPublications', { query: { status: 'dispatching', limit: '50' } });
    expect(listed.body.items).toHaveLength(6);
  });

  it('a slot fired twice, even at the same moment, dispatches nothing twice', async () => {
    const [slot] = await bookWave('2026-08-01T12:00:00Z', ['v3']);
    clock.set('2026-08-01T12:00:00.000Z');
    const sent = queue.triggers.length;
    const results = await Promise.all([fire(slot, lambdaContext()), fire(slot, lambdaContext()), fire(slot, lambdaContext())]);
    expect(results.reduce((n, r) => n + r.dispatched, 0)).toBe(3);
    const again = await fire(slot, lambdaContext());
    expect(again.dispatched).toBe(0);
    const ids = queue.triggers.slice(sent).flatMap((t) => t.publications.map((p) => p.publication_id));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });

  it('while paused: holds the publications; resume releases them in scheduled order', async () => {
    const slots = await bookWave('2026-08-01T13:00:00Z', ['v1', 'v2', 'v3'], 'staggered', 600);
    expect(slots).toHaveLength(3);
    await api.call('pause');
    for (const slot of [...slots].reverse()) {
      clock.set(slot.fire_at);
      expect((await fire(slot, lambdaContext())).outcome).toBe('held');
    }
    const status = await api.call('status');
    expect(status.body.held_publications).toBe(9);
    const sent = queue.triggers.length;
    expect((await api.call('resume')).status).toBe(200);
    const released = queue.triggers.slice(sent);
    expect(released.map((t) => t.slot_id)).toEqual([slots[0], slots[0], slots[0], slots[1], slots[1], slots[1], slots[2], slots[2], slots[2]].map((s) => s!.slot_id));
    expect((await api.call('status')).body.held_publications).toBe(0);
    const activity = await api.call('listActivity', { query: { type: 'publications.released' } });
    expect(activity.body.items[0].details).toEqual({ released: 9 });
  });

  it('invoked within the minute before its time: dispatches now, its triggers delayed to the slot’s second', async () => {
    const [slot] = await bookWave('2026-08-01T14:00:00Z', ['v1']);
    clock.set('2026-08-01T13:59:35.500Z');
    const sends = queue.sends.length;
    const result = await fire(slot, lambdaContext('fire-slot'));
    expect(result).toMatchObject({ outcome: 'dispatched', dispatched: 3 });
    expect(queue.delays.slice(sends)).toEqual([25]);
    expect(queue.sends.slice(sends).flat().map((t) => t.channel_id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('ignores a slot invoked more than a minute before its time, and a cancelled one', async () => {
    const [slot] = await bookWave('2026-08-02T09:00:00Z', ['v1']);
    clock.set('2026-08-02T08:50:00.000Z');
    expect((await fire(slot, lambdaContext())).outcome).toBe('not_due');
    const listed = await api.call('listPublications', { query: { from: '2026-08-02T09:00:00Z', to: '2026-08-02T09:00:01Z' } });
    await Promise.all(listed.body.items.map((p: any) => api.call('cancelPublication', { params: { publication_id: p.publication_id }, body: {} })));
    clock.set('2026-08-02T09:00:00.000Z');
    expect((await fire(slot, lambdaContext())).outcome).toBe('skipped');
  });

  it('drops an event that is not a slot without throwing', async () => {
    expect((await fire({ hello: 'world' }, lambdaContext())).outcome).toBe('invalid');
  });
});
