import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { recordCommands } from '#tests/helpers/expectations';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

type Listed = { publication_id: string; scheduled_at: string; channel_id: string; video_id: string; status: string; wave_id: string | null; coordination_id: string | null };

describe('GET /publications by group and by video (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const clock = new FixedClock('2026-08-01T10:00:00.000Z');
  const channels = ['g0', 'g1', 'g2'];
  let waveA: string;
  let waveB: string;
  /** Every DynamoDB command the composition root's client sent, by name. */
  let commands: string[] = [];

  /** Every page of a list, following next_cursor; each page checked to be a 200. */
  async function everyPage(query: Record<string, string>): Promise<{ items: Listed[]; pages: number }> {
    const items: Listed[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await api.call('listPublications', { query: { ...query, ...(cursor ? { cursor } : {}) } });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      items.push(...page.body.items);
      pages += 1;
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    return { items, pages };
  }

  const timeOrdered = (items: Listed[]) => items.every((p, i) => i === 0 || items[i - 1]!.scheduled_at <= p.scheduled_at);

  beforeAll(async () => {
    table = await embeddedTable('browse');
    api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: new RecordingTriggerQueue() });
    commands = recordCommands(api);
    for (const id of channels) await api.call('putChannel', { params: { channel_id: id }, body: { name: id } });
    // p0 keeps publications 30 minutes apart, so a higher-priority request can preempt there.
    await api.call('putChannel', { params: { channel_id: 'p0' }, body: { name: 'p0', publishing: { timezone: 'UTC', min_gap_minutes: 30 } } });
    await api.call('putChannel', { params: { channel_id: 'p1' }, body: { name: 'p1' } });
    for (const id of ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'low', 'high']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
    // Wave A: 4 videos x 3 channels, an hour apart; wave B on the same channels, half an hour off A's times.
    const a = await api.call('scheduleWave', {
      body: { video_ids: ['a0', 'a1', 'a2', 'a3'], channel_ids: channels, wave_config: { timing: 'staggered', delay_seconds: 3600, scheduled_at: '2026-08-02T00:00:00Z' } },
    });
    const b = await api.call('scheduleWave', {
      body: { video_ids: ['b0', 'b1'], channel_ids: channels, wave_config: { timing: 'staggered', delay_seconds: 3600, scheduled_at: '2026-08-02T00:30:00Z' } },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    waveA = a.body.wave_id;
    waveB = b.body.wave_id;
  });
  afterAll(async () => table.close());

  describe('group_id', () => {
    it("lists exactly a wave's publications, earliest first, across several pages, and nothing of another wave on the same channels", async () => {
      const { items, pages } = await everyPage({ group_id: waveA, limit: '5' });
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(items).toHaveLength(12);
      expect(new Set(items.map((p) => p.publication_id)).size).toBe(12);
      expect(items.every((p) => p.wave_id === waveA)).toBe(true);
      expect(timeOrdered(items)).toBe(true);
      expect(items.map((p) => p.scheduled_at)).toEqual(
        ['00', '01', '02', '03'].flatMap((h) => Array(3).fill(`2026-08-02T${h}:00:00.000Z`)),
      );
      // Within one time: by channel.
      expect(items.slice(0, 3).map((p) => p.channel_id)).toEqual(channels);
      const other = await everyPage({ group_id: waveB, limit: '100' });
      expect(other.items).toHaveLength(6);
      expect(other.items.every((p) => p.wave_id === waveB)).toBe(true);
    });

    it('combines with status: a cancelled publication is listed under cancelled, the others under scheduled', async () => {
      const first = (await everyPage({ group_id: waveA, channel_id: 'g1', limit: '1' })).items[0]!;
      expect((await api.call('cancelPublication', { params: { publication_id: first.publication_id }, body: {} })).status).toBe(200);
      const cancelled = await everyPage({ group_id: waveA, status: 'cancelled' });
      expect(cancelled.items.map((p) => p.publication_id)).toEqual([first.publication_id]);
      const scheduled = await everyPage({ group_id: waveA, status: 'scheduled', limit: '4' });
      expect(scheduled.items).toHaveLength(11);
      expect(scheduled.items.every((p) => p.status === 'scheduled')).toBe(true);
    });

    it('combines with channel_id, video_id and from/to (to exclusive)', async () => {
      const onG2 = await everyPage({ group_id: waveA, channel_id: 'g2', limit: '2' });
      expect(onG2.items.map((p) => [p.channel_id, p.video_id])).toEqual(['a0', 'a1', 'a2', 'a3'].map((v) => ['g2', v]));
      const ofA2 = await everyPage({ group_id: waveA, video_id: 'a2' });
      expect(ofA2.items.map((p) => p.channel_id)).toEqual(channels);
      const window = await everyPage({ group_id: waveA, from: '2026-08-02T01:00:00Z', to: '2026-08-02T03:00:00Z', limit: '2' });
      expect([...new Set(window.items.map((p) => p.scheduled_at))]).toEqual(['2026-08-02T01:00:00.000Z', '2026-08-02T02:00:00.000Z']);
      expect(window.items).toHaveLength(6);
    });

    it('lists nothing for a group that does not exist', async () => {
      const page = await api.call('listPublications', { query: { group_id: 'wave_01J0000000000000000000000A' } });
      expect(page.body).toEqual({ items: [], next_cursor: null });
    });
  });

  describe('video_id', () => {
    it("lists a video's publications earliest first, in pages, and combines with from/to, channel_id and status", async () => {
      const coordinated = await api.call('coordinatePublication', {
        body: { video_id: 'a1', channel_ids: ['g0'], timing: 'simultaneous', scheduled_at: '2026-08-01T12:00:00Z' },
      });
      expect(coordinated.status).toBe(201);
      const all = await everyPage({ video_id: 'a1', limit: '2' });
      expect(all.items.map((p) => p.scheduled_at)).toEqual([
        '2026-08-01T12:00:00.000Z',
        ...Array(3).fill('2026-08-02T01:00:00.000Z'),
      ]);
      expect(all.items[0]!.coordination_id).toBe(coordinated.body.coordination_id);
      expect(all.items.slice(1).every((p) => p.wave_id === waveA)).toBe(true);
      expect(all.pages).toBeGreaterThanOrEqual(2);

      const window = await everyPage({ video_id: 'a1', from: '2026-08-01T12:00:00Z', to: '2026-08-02T01:00:00Z' });
      expect(window.items.map((p) => p.coordination_id)).toEqual([coordinated.body.coordination_id]);
      const later = await everyPage({ video_id: 'a1', from: '2026-08-01T12:00:01Z' });
      expect(later.items).toHaveLength(3);
      const earlier = await everyPage({ video_id: 'a1', to: '2026-08-02T00:00:00Z' });
      expect(earlier.items).toHaveLength(1);
      const onG0 = await everyPage({ video_id: 'a1', channel_id: 'g0' });
      expect(onG0.items).toHaveLength(2);
      const cancelledOnes = await everyPage({ video_id: 'a1', status: 'cancelled' });
      expect(cancelledOnes.items).toEqual([]);
    });

    it('lists nothing for a video without publications', async () => {
      const page = await api.call('listPublications', { query: { video_id: 'b-none' } });
      expect(page.body).toEqual({ items: [], next_cursor: null });
    });
  });

  it('a preempted publication stays under its group and its video, in its new time order', async () => {
    // Low priority: p0 at 12:00, p1 at 12:10. Then a higher priority takes p0 at 12:00 and the low one moves to 12:30.
    const low = await api.call('coordinatePublication', {
      body: { video_id: 'low', channel_ids: ['p0', 'p1'], timing: 'staggered', delay_seconds: 600, scheduled_at: '2026-08-03T12:00:00Z', priority: 2 },
    });
    const before = await everyPage({ group_id: low.body.coordination_id });
    expect(before.items.map((p) => [p.channel_id, p.scheduled_at])).toEqual([
      ['p0', '2026-08-03T12:00:00.000Z'],
      ['p1', '2026-08-03T12:10:00.000Z'],
    ]);
    const high = await api.call('coordinatePublication', {
      body: { video_id: 'high', channel_ids: ['p0'], timing: 'simultaneous', scheduled_at: '2026-08-03T12:00:00Z', priority: 8, conflict_policy: 'preempt' },
    });
    expect(high.body.preempted).toEqual([expect.objectContaining({ channel_id: 'p0', to: '2026-08-03T12:30:00.000Z' })]);

    const expected = [
      ['p1', '2026-08-03T12:10:00.000Z'],
      ['p0', '2026-08-03T12:30:00.000Z'],
    ];
    const byGroup = await everyPage({ group_id: low.body.coordination_id, limit: '1' });
    expect(byGroup.items.map((p) => [p.channel_id, p.scheduled_at])).toEqual(expected);
    const byVideo = await everyPage({ video_id: 'low', limit: '1' });
    expect(byVideo.items.map((p) => [p.channel_id, p.scheduled_at])).toEqual(expected);
    expect(byVideo.items.map((p) => p.publication_id)).toEqual(byGroup.items.map((p) => p.publication_id));
    const inWindow = await everyPage({ video_id: 'low', from: '2026-08-03T12:30:00Z' });
    expect(inWindow.items.map((p) => p.channel_id)).toEqual(['p0']);
  });

  it('answers a sparse filter over many slots in short pages whose cursors miss nothing', async () => {
    // 30 slots of one publication each; only the last one's is cancelled.
    const videos = Array.from({ length: 30 }, (_, i) => `s${i}`);
    for (const id of videos) await api.call('createVideo', { body: { video_id: id, title: id } });
    const wave = await api.call('scheduleWave', {
      body: { video_ids: videos, channel_ids: ['g0'], wave_config: { timing: 'staggered', delay_seconds: 60, scheduled_at: '2026-08-05T00:00:00Z' } },
    });
    // Unfiltered, a page of 30 one-publication slots still fills: a page may make a Query per item, and some to spare.
    const full = await api.call('listPublications', { query: { group_id: wave.body.wave_id, limit: '30' } });
    expect(full.body.items).toHaveLength(30);
    const all = await everyPage({ group_id: wave.body.wave_id, limit: '30' });
    expect(all.items).toHaveLength(30);
    const last = all.items[29]!;
    await api.call('cancelPublication', { params: { publication_id: last.publication_id }, body: {} });

    const first = await api.call('listPublications', { query: { group_id: wave.body.wave_id, status: 'cancelled', limit: '1' } });
    expect(first.body.items).toEqual([]);
    expect(first.body.next_cursor).not.toBeNull();
    const found = await everyPage({ group_id: wave.body.wave_id, status: 'cancelled', limit: '1' });
    expect(found.items.map((p) => p.publication_id)).toEqual([last.publication_id]);
  });

  it('refuses a cursor of another list or another group, and ids of the wrong shape', async () => {
    const plain = await api.call('listPublications', { query: { limit: '1' } });
    const walk = await api.call('listPublications', { query: { group_id: waveA, limit: '1' } });
    const byVideo = await api.call('listPublications', { query: { video_id: 'a0', limit: '1' } });
    const refused: Record<string, string>[] = [
      { group_id: waveA, cursor: plain.body.next_cursor },
      { group_id: waveB, cursor: walk.body.next_cursor },
      { group_id: waveA, cursor: byVideo.body.next_cursor },
      { video_id: 'a0', cursor: walk.body.next_cursor },
      { cursor: walk.body.next_cursor },
    ];
    for (const query of refused) {
      const answer = await api.call('listPublications', { query });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_cursor');
    }
    const malformed: Record<string, string>[] = [{ group_id: 'pub_01J0000000000000000000000A' }, { group_id: 'wave_nope' }, { video_id: 'a b' }];
    for (const query of malformed) {
      const answer = await api.call('listPublications', { query });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
  });

  it('reads through Query only, then the items behind each page (BatchGetItem): never a Scan', async () => {
    commands.length = 0;
    await everyPage({ group_id: waveA, limit: '3' });
    await everyPage({ group_id: waveA, status: 'cancelled', channel_id: 'g1', video_id: 'a0' });
    await everyPage({ video_id: 'a1', limit: '1', from: '2026-08-01T00:00:00Z', to: '2026-09-01T00:00:00Z' });
    await everyPage({ video_id: 'a1', channel_id: 'g0', status: 'scheduled' });
    expect(commands.length).toBeGreaterThan(0);
    expect(new Set(commands)).toEqual(new Set(['QueryCommand', 'BatchGetItemCommand']));
  });
});
