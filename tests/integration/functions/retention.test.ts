import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupKeys, publicationKeys } from '#shared/adapters/dynamodb/keys';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';
import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

type Fire = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ outcome: string }>;

/**
 * Retention end to end through the handlers: PUBLICATION_RETENTION_DAYS (not
 * its default) reaches the repositories through the composition root, and
 * every write a request or a firing makes leaves the expiry the rule says.
 */
const RETENTION_DAYS = 30;
const expiryAfter = (iso: string): number => Date.parse(iso) / 1000 + RETENTION_DAYS * 86_400;

describe('Retention of finished work, through the handlers (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  let fire: Fire;
  const clock = new FixedClock('2026-09-01T08:00:00.000Z');

  beforeAll(async () => {
    process.env.PUBLICATION_RETENTION_DAYS = String(RETENTION_DAYS);
    table = await embeddedTable('retention');
    api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: new RecordingTriggerQueue() });
    fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: Fire }).handler;
    for (const id of ['a', 'b']) {
      await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 0 } } });
    }
    for (const id of ['v1', 'v2']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterAll(async () => {
    delete process.env.PUBLICATION_RETENTION_DAYS;
    await table.close();
  });

  const itemAt = async (key: Record<string, string>) =>
    (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item ?? {};
  const expiryOfPublication = async (id: string) => (await itemAt(publicationKeys.key(id)))[TTL_ATTRIBUTE];

  /** A staggered wave of v1 and v2 on a and b: two slots 10 minutes apart. */
  async function bookWave(at: string) {
    const answer = await api.call('scheduleWave', {
      body: { video_ids: ['v1', 'v2'], channel_ids: ['a', 'b'], wave_config: { timing: 'staggered', scheduled_at: at, delay_seconds: 600 } },
    });
    expect(answer.status).toBe(201);
    const waveId = answer.body.wave_id as string;
    const wave = (await api.call('getWave', { params: { wave_id: waveId } })).body;
    const slots: SlotFiredEvent[] = wave.slots.map((s: any) => ({ slot_id: s.slot_id, group_id: waveId, fire_at: s.fire_at }));
    const publications = (await api.call('listPublications', { query: { group_id: waveId, limit: '50' } })).body.items as any[];
    return { waveId, lastAt: wave.last_at as string, slots, publications };
  }

  it('a scheduled wave expires the retention after its last slot; each slot after its own time; its publications carry none', async () => {
    const { waveId, lastAt, slots, publications } = await bookWave('2026-09-01T10:00:00Z');
    expect(slots).toHaveLength(2);
    expect((await itemAt(groupKeys.key(waveId)))[TTL_ATTRIBUTE]).toBe(expiryAfter(lastAt));
    expect(lastAt).toBe(slots[1]!.fire_at);
    for (const slot of slots) {
      expect((await itemAt(groupKeys.slot(waveId, slot.fire_at)))[TTL_ATTRIBUTE]).toBe(expiryAfter(slot.fire_at));
    }
    expect(publications).toHaveLength(4);
    for (const p of publications) expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
  });

  it('a cancelled publication expires the retention after its cancel; held and dispatching ones carry none', async () => {
    // Prepare
    const { slots, publications } = await bookWave('2026-09-02T10:00:00Z');
    const [first, second] = slots as [SlotFiredEvent, SlotFiredEvent];
    const inFirst = publications.filter((p) => p.slot_id === first.slot_id);
    const inSecond = publications.filter((p) => p.slot_id === second.slot_id);

    // Act & Assess: cancelled.
    clock.set('2026-09-01T09:12:34.000Z');
    const cancelled = inSecond[0];
    expect((await api.call('cancelPublication', { params: { publication_id: cancelled.publication_id }, body: {} })).status).toBe(200);
    expect(await expiryOfPublication(cancelled.publication_id)).toBe(expiryAfter('2026-09-01T09:12:34.000Z'));

    // Held (fired while paused), then dispatching (released on resume).
    await api.call('pause');
    clock.set(first.fire_at);
    expect((await fire(first, lambdaContext('fire-slot'))).outcome).toBe('held');
    for (const p of inFirst) expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    await api.call('resume');
    for (const p of inFirst) {
      expect((await api.call('getPublication', { params: { publication_id: p.publication_id } })).body.status).toBe('dispatching');
      expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    }

    // Dispatching (fired while running).
    clock.set(second.fire_at);
    expect((await fire(second, lambdaContext('fire-slot'))).outcome).toBe('dispatched');
    for (const p of inSecond.slice(1)) expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    expect(await expiryOfPublication(cancelled.publication_id)).toBe(expiryAfter('2026-09-01T09:12:34.000Z'));
  });

  it('a cancelled wave expires the retention after its cancel; its slots keep theirs', async () => {
    clock.set('2026-09-03T08:00:00.000Z');
    const { waveId, slots, publications } = await bookWave('2026-09-03T10:00:00Z');
    clock.set('2026-09-03T09:00:00.000Z');
    expect((await api.call('cancelWave', { params: { wave_id: waveId }, body: {} })).status).toBe(200);
    expect((await itemAt(groupKeys.key(waveId)))[TTL_ATTRIBUTE]).toBe(expiryAfter('2026-09-03T09:00:00.000Z'));
    for (const slot of slots) {
      expect((await itemAt(groupKeys.slot(waveId, slot.fire_at)))[TTL_ATTRIBUTE]).toBe(expiryAfter(slot.fire_at));
    }
    for (const p of publications) expect(await expiryOfPublication(p.publication_id)).toBe(expiryAfter('2026-09-03T09:00:00.000Z'));
  });
});
