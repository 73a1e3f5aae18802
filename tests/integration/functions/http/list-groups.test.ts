import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicationGroup } from '#shared/domain/publication-group';
import type { RouteId } from '#shared/routes';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { recordCommands } from '#tests/helpers/expectations';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import { publicationGroup } from '#tests/helpers/sample-entities';

describe('GET /waves and GET /coordinations (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock('2026-10-01T10:00:00.000Z');
  const waves: string[] = [];
  const coordinations: string[] = [];
  let commands: string[] = [];

  /** Every page of a list, following next_cursor. */
  async function everyPage(id: RouteId, query: Record<string, string>): Promise<{ items: any[]; pages: number }> {
    const items: any[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await api.call(id, { query: { ...query, ...(cursor ? { cursor } : {}) } });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      items.push(...page.body.items);
      pages += 1;
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    return { items, pages };
  }

  /** A group item as a request that died (planning) or failed (rolled back) leaves it. */
  const unfinished = (groupId: string, kind: PublicationGroup['kind'], status: 'planning' | 'failed', createdAt: string) =>
    publicationGroup({ group_id: groupId, kind, status, video_id: kind === 'coordination' ? 'lv' : null, created_at: createdAt, updated_at: createdAt });

  beforeAll(async () => {
    table = await embeddedTable('groups');
    api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: new RecordingTriggerQueue() });
    commands = recordCommands(api);
    await api.call('putChannel', { params: { channel_id: 'l0' }, body: { name: 'l0' } });
    await api.call('createVideo', { body: { video_id: 'lv', title: 'lv' } });
    await api.call('start');
    // Alternating, a minute apart: wave, coordination, wave, ... so each list must keep only its kind.
    for (let i = 0; i < 5; i++) {
      const at = `2026-10-0${2 + i}T12:00:00Z`;
      const wave = await api.call('scheduleWave', { body: { video_ids: ['lv'], channel_ids: ['l0'], wave_config: { timing: 'simultaneous', scheduled_at: at } } });
      waves.push(wave.body.wave_id);
      clock.advance(60_000);
      const coordination = await api.call('coordinatePublication', {
        body: { video_id: 'lv', channel_ids: ['l0'], timing: 'simultaneous', scheduled_at: `2026-10-0${2 + i}T18:00:00Z` },
      });
      coordinations.push(coordination.body.coordination_id);
      clock.advance(60_000);
    }
    await api.call('cancelWave', { params: { wave_id: waves[1]! }, body: {} });
    await api.call('cancelWave', { params: { wave_id: waves[3]! }, body: {} });
    await api.call('cancelCoordination', { params: { coordination_id: coordinations[2]! }, body: {} });
    // Newer than all of them: a request still being written (planning), and one rolled back (failed).
    const groups = api.root.groupRepository();
    await groups.create(unfinished('wave_01J0000000000000000000000P', 'wave', 'planning', '2026-10-01T11:00:00.000Z'));
    await groups.create(unfinished('wave_01J0000000000000000000000F', 'wave', 'failed', '2026-10-01T11:00:01.000Z'));
    await groups.create(unfinished('coord_01J0000000000000000000000P', 'coordination', 'planning', '2026-10-01T11:00:00.000Z'));
    await groups.create(unfinished('coord_01J0000000000000000000000F', 'coordination', 'failed', '2026-10-01T11:00:01.000Z'));
  });
  afterAll(async () => table.close());

  it('lists waves newest first, in pages, without their slots, in every status, and nothing of the other kind', async () => {
    const { items, pages } = await everyPage('listWaves', { limit: '2' });
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(items.map((w) => w.wave_id)).toEqual(['wave_01J0000000000000000000000F', 'wave_01J0000000000000000000000P', ...[...waves].reverse()]);
    expect(items.every((w) => !('slots' in w))).toBe(true);
    expect(items[2]).toEqual({
      wave_id: waves[4],
      status: 'scheduled',
      status_reason: null,
      video_count: 1,
      channel_ids: ['l0'],
      timing: 'simultaneous',
      stagger_by: 'video',
      scheduled_at: '2026-10-06T12:00:00.000Z',
      delay_seconds: null,
      priority: 5,
      conflict_policy: 'shift',
      total_publications: 1,
      first_at: '2026-10-06T12:00:00.000Z',
      last_at: '2026-10-06T12:00:00.000Z',
      schedules_created: 1,
      created_at: '2026-10-01T10:08:00.000Z',
      cancelled_at: null,
    });
    // A summary is the view by id without its slots.
    const { slots: _slots, ...byId } = (await api.call('getWave', { params: { wave_id: waves[4]! } })).body;
    expect(items[2]).toEqual(byId);
  });

  it('lists coordinations newest first, in pages, with their video', async () => {
    const { items } = await everyPage('listCoordinations', { limit: '3' });
    expect(items.map((c) => c.coordination_id)).toEqual(['coord_01J0000000000000000000000F', 'coord_01J0000000000000000000000P', ...[...coordinations].reverse()]);
    expect(items.every((c) => c.video_id === 'lv' && !('slots' in c) && !('wave_id' in c))).toBe(true);
    const { slots: _slots, ...byId } = (await api.call('getCoordination', { params: { coordination_id: coordinations[0]! } })).body;
    expect(items[items.length - 1]).toEqual(byId);
  });

  it('filters by status, still newest first and in pages', async () => {
    const cancelledWaves = await everyPage('listWaves', { status: 'cancelled', limit: '1' });
    expect(cancelledWaves.items.map((w) => [w.wave_id, w.status])).toEqual([
      [waves[3], 'cancelled'],
      [waves[1], 'cancelled'],
    ]);
    const scheduledWaves = await everyPage('listWaves', { status: 'scheduled', limit: '2' });
    expect(scheduledWaves.items.map((w) => w.wave_id)).toEqual([waves[4], waves[2], waves[0]]);
    const cancelledCoordinations = await everyPage('listCoordinations', { status: 'cancelled' });
    expect(cancelledCoordinations.items.map((c) => c.coordination_id)).toEqual([coordinations[2]]);
  });

  it('lists the groups still being written and those rolled back by their status', async () => {
    expect((await everyPage('listWaves', { status: 'planning' })).items.map((w) => w.wave_id)).toEqual(['wave_01J0000000000000000000000P']);
    expect((await everyPage('listCoordinations', { status: 'failed' })).items.map((c) => c.coordination_id)).toEqual(['coord_01J0000000000000000000000F']);
  });

  it('refuses a status groups never have, and a cursor of the other list', async () => {
    for (const status of ['nope', 'booked']) {
      const answer = await api.call('listWaves', { query: { status } });
      expect(answer.status, status).toBe(400);
    }
    const page = await api.call('listWaves', { query: { limit: '1' } });
    const crossed = await api.call('listCoordinations', { query: { cursor: page.body.next_cursor } });
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.code).toBe('invalid_cursor');
  });

  it('answers by id the groups still being written and those rolled back, with their status', async () => {
    expect((await api.call('getWave', { params: { wave_id: 'wave_01J0000000000000000000000P' } })).body.status).toBe('planning');
    expect((await api.call('getCoordination', { params: { coordination_id: 'coord_01J0000000000000000000000F' } })).body.status).toBe('failed');
  });

  it('reads through Query only: never a Scan', async () => {
    commands.length = 0;
    await everyPage('listWaves', { limit: '2' });
    await everyPage('listCoordinations', { status: 'cancelled', limit: '1' });
    expect(commands.length).toBeGreaterThan(0);
    expect(new Set(commands)).toEqual(new Set(['QueryCommand']));
  });
});
