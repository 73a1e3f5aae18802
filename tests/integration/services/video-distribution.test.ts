import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_WINDOW_MS } from '#shared/domain/distribution';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes } from '#tests/helpers/route-harness';
import { META } from '#tests/helpers/sample-entities';

/**
 * VideoDistribution and the booking of explicit pairs, on dynalite: what the
 * route tests cannot stage (a claim held by another call, a video available
 * again while a publication of it is live, a pair left without a free slot by
 * a concurrent booking).
 */

const NOW = '2026-06-01T06:00:00.000Z';
const NO_FILTERS = { tags_any: [], tags_none: [], languages: [], categories: [], min_duration_seconds: null, max_duration_seconds: null };
/** No filters; two free slots in the next 24 h (10:00 and 14:00 UTC; the cap of 2 holds 20:00 back). */
const GENERAL = { name: 'general', filters: null, publishing: { timezone: 'UTC', slots: ['10:00', '14:00', '20:00'], min_gap_minutes: 120, max_per_day: 2 } };
const FRENCH = { name: 'fr', filters: { ...NO_FILTERS, languages: ['fr'] }, publishing: { timezone: 'UTC', slots: ['09:00'], min_gap_minutes: 0, max_per_day: 1 } };

describe('Class: VideoDistribution (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => dynamo.close());

  async function world(videos: { video_id: string; language?: string }[]) {
    const table = await dynamo.createTable('distribution-service');
    const clock = new FixedClock(NOW);
    const api = await bootRoutes(table, { clock, slotScheduler: new RecordingSlotScheduler(), triggerQueue: new RecordingTriggerQueue() });
    expect((await api.call('putChannel', { params: { channel_id: 'general' }, body: GENERAL })).status).toBe(201);
    expect((await api.call('putChannel', { params: { channel_id: 'fr' }, body: FRENCH })).status).toBe(201);
    // A second apart: the catalogue's order (oldest first) is the list's.
    for (const v of videos) {
      expect((await api.call('createVideo', { body: { title: v.video_id, ...v } })).status).toBe(201);
      clock.advance(1000);
    }
    clock.set(NOW);
    expect((await api.call('start')).status).toBe(200);
    return { clock, api, root: api.root };
  }

  describe('Method: distribute', () => {
    it('skips a video another distribution holds (in_distribution), lifts its own claims, and takes the video once the other claim ended', async () => {
      // Prepare
      const { clock, root } = await world([{ video_id: 'held' }, { video_id: 'free' }, { video_id: 'spare' }]);
      const until = new Date(clock.now().getTime() + 10 * 60_000).toISOString();
      expect(await root.videoRepository().claimForDistribution('held', { owner: 'dist_other', until, now: NOW })).toBe(true);

      // Act: first the French channel alone, which takes none of them; then, the other claim over, every channel.
      const first = await root.videoDistribution().distribute({ dry_run: false, limit: 10, channel_ids: ['fr'] }, META);
      const between = (await root.videoRepository().listAvailable(10)).items.map((v) => [v.video_id, v.claimed_until]);
      clock.advance(10 * 60_000);
      const second = await root.videoDistribution().distribute({ dry_run: false, limit: 10 }, META);

      // Assess
      if (!('report' in first) || !('report' in second)) throw new Error('expected reports');
      expect(first.report.total_distributed).toBe(0);
      expect(first.report.skipped).toEqual([
        { video_id: 'held', reason: 'in_distribution', channel_id: null },
        { video_id: 'free', reason: 'no_matching_channel', channel_id: null },
        { video_id: 'spare', reason: 'no_matching_channel', channel_id: null },
      ]);
      // Its own claims lifted at its end; the other call's still there.
      expect(between).toEqual([['held', until], ['free', null], ['spare', null]]);
      // Oldest first into the general channel's two free slots.
      expect(second.report.assignments.map((a) => `${a.video_id}>${a.channel_id}:${a.reason}`)).toEqual(['held>general:schedule', 'free>general:schedule']);
      expect(second.report.skipped).toEqual([{ video_id: 'spare', reason: 'no_free_slot', channel_id: null }]);
    });

    it('never gives a video to a channel it has a live publication on, even when the video reads available', async () => {
      // Prepare: booked on fr, then counted back to available (as a process stopping between the commit and the count leaves it).
      const { api, root } = await world([{ video_id: 'again', language: 'fr' }]);
      const booked = await api.call('coordinatePublication', { body: { video_id: 'again', channel_ids: ['fr'], timing: 'independent' } });
      expect(booked.status, booked.raw).toBe(201);
      await root.videoRepository().removePending('again', 1, NOW);
      expect((await root.videoRepository().get('again'))?.status).toBe('available');

      // Act
      const answer = await root.videoDistribution().distribute({ dry_run: false, limit: 10 }, META);

      // Assess: fr already has it, so it goes to the channel without filters instead.
      if (!('report' in answer)) throw new Error('expected a report');
      expect(answer.report.skipped).toEqual([{ video_id: 'again', reason: 'already_on_channel', channel_id: 'fr' }]);
      expect(answer.report.assignments.map((a) => `${a.video_id}>${a.channel_id}:${a.reason}`)).toEqual(['again>general:schedule']);
    });
  });

  describe('Method: GroupBooking.book with pairs', () => {
    it('leaves out a pair that finds no free slot within its channel\'s horizon, reporting it, and books the rest', async () => {
      // Prepare: three videos for a channel with two free slots in the next 24 h, as a stale plan would ask.
      const { root } = await world([{ video_id: 'p1' }, { video_id: 'p2' }, { video_id: 'p3' }]);
      const pairs = ['p1', 'p2', 'p3'].map((video_id) => ({ video_id, channel_id: 'general' }));

      // Act
      const outcome = await root.groupBooking().book(
        {
          kind: 'wave',
          videoIds: ['p1', 'p2', 'p3'],
          channelIds: ['general'],
          timing: 'independent',
          staggerBy: 'video',
          priority: 0,
          policy: 'shift',
          dryRun: false,
          timingFieldPrefix: '',
          pairs,
          horizonByChannel: new Map([['general', SCHEDULE_WINDOW_MS]]),
        },
        META,
      );

      // Assess
      if ('earlier' in outcome) throw new Error('expected a booking');
      expect(outcome.publications.map((p) => `${p.video_id}@${p.scheduled_at}`)).toEqual(['p1@2026-06-01T10:00:00.000Z', 'p2@2026-06-01T14:00:00.000Z']);
      expect(outcome.conflicts).toEqual([expect.objectContaining({ channel_id: 'general', video_id: 'p3', reason: 'no_free_time', resolution: 'rejected' })]);
      expect((await root.groupRepository().get(outcome.group_id!))?.status).toBe('scheduled');
      expect((await root.videoRepository().get('p3'))?.status).toBe('available');
    });
  });
});
