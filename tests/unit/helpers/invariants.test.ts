import { describe, expect, it } from 'vitest';
import { channelKeys, groupKeys, ledgerKeys, publicationKeys, systemStateKeys } from '#shared/adapters/dynamodb/keys';
import type { Publication } from '#shared/domain/publication';
import { slotIdOf, type PublicationGroup } from '#shared/domain/publication-group';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import { invariantViolations, type InvariantOptions, type WorldSnapshot } from '#tests/helpers/invariants';
import { publication, publicationGroup } from '#tests/helpers/sample-entities';

/**
 * The checker every guarantee test relies on: a checker that cannot fail
 * proves nothing, so each invariant is shown to catch its own violation,
 * and only its own, on a small world built by hand.
 */

const NOW = '2026-03-20T12:00:00.000Z';
const GROUP = 'coord_01J00000000000000000000000';
const ms = (iso: string) => Date.parse(iso);

function channelItem(channelId: string, publishing: { timezone: string; min_gap_minutes: number; max_per_day: number | null }) {
  return { ...channelKeys.item(channelId), entity: 'channel', channel_id: channelId, status: 'active', publishing: { slots: [], ...publishing } };
}

function groupItem(overrides: Partial<PublicationGroup> = {}) {
  const group = publicationGroup({ group_id: GROUP, channel_ids: ['c1'], ...overrides });
  return { ...groupKeys.key(group.group_id), entity: 'group', ...group };
}

function publicationItem(id: string, scheduledAt: string, overrides: Partial<Publication> = {}) {
  const p = publication({
    publication_id: id,
    group_id: GROUP,
    video_id: `video-${id}`,
    channel_id: 'c1',
    scheduled_at: scheduledAt,
    requested_at: scheduledAt,
    slot_id: slotIdOf(overrides.group_id ?? GROUP, scheduledAt),
    ...overrides,
  });
  return { ...publicationKeys.item(p), entity: 'publication', ...p };
}

function ledgerItem(channelId: string, bookings: [id: string, at: string, group?: string][]) {
  return {
    ...ledgerKeys.key(channelId),
    entity: 'ledger',
    channel_id: channelId,
    version: 1,
    bookings: bookings.map(([id, at, group]) => `${id}|${ms(at)}|5|${group ?? GROUP}`),
  };
}

const systemItem = (status: string) => ({ ...systemStateKeys.key(), entity: 'system_state', status });

function trigger(...publicationIds: string[]): PipelineTrigger {
  return {
    trigger_id: `t-${publicationIds.join('-')}`,
    channel_id: 'c1',
    slot_id: null,
    publications: publicationIds.map((id) => ({ publication_id: id, video_id: `video-${id}` })),
    priority: 'normal',
    enqueued_at: NOW,
  };
}

/**
 * A world where every guarantee holds: channel c1 (UTC, 30 minutes apart, 2 a
 * day), one scheduled group with two scheduled publications at 18:00 and
 * 19:00, booked in the ledger, each slot with its schedule; the system runs.
 */
function soundWorld(): WorldSnapshot {
  return {
    items: [
      channelItem('c1', { timezone: 'UTC', min_gap_minutes: 30, max_per_day: 2 }),
      groupItem(),
      publicationItem('p1', '2026-03-20T18:00:00.000Z'),
      publicationItem('p2', '2026-03-20T19:00:00.000Z'),
      ledgerItem('c1', [
        ['p1', '2026-03-20T18:00:00.000Z'],
        ['p2', '2026-03-20T19:00:00.000Z'],
      ]),
      systemItem('running'),
    ],
    schedules: [
      { slot_id: slotIdOf(GROUP, '2026-03-20T18:00:00.000Z'), group_id: GROUP, fire_at: '2026-03-20T18:00:00.000Z' },
      { slot_id: slotIdOf(GROUP, '2026-03-20T19:00:00.000Z'), group_id: GROUP, fire_at: '2026-03-20T19:00:00.000Z' },
    ],
    triggers: [],
    now: ms(NOW),
    accepted: ['p1', 'p2'],
  };
}

/** The sound world with items replaced (by key) or added, and other fields overridden. */
function worldWith(items: Record<string, unknown>[], overrides: Partial<WorldSnapshot> = {}): WorldSnapshot {
  const base = soundWorld();
  const keyOf = (item: Record<string, unknown>) => `${String(item.pk)}|${String(item.sk)}`;
  const replaced = new Map(items.map((item) => [keyOf(item), item]));
  return {
    ...base,
    items: [...base.items.filter((item) => !replaced.has(keyOf(item))), ...items],
    ...overrides,
  };
}

const namesOf = (world: WorldSnapshot, options?: InvariantOptions) => invariantViolations(world, options).map((v) => v.invariant);

describe('Function: invariantViolations', () => {
  it('finds nothing wrong in a sound world', () => {
    // Act
    const violations = invariantViolations(soundWorld());

    // Assess
    expect(violations).toEqual([]);
  });

  describe('accepted_exist_once', () => {
    it('reports an accepted publication that does not exist', () => {
      // Prepare
      const world = worldWith([], { accepted: ['p1', 'p2', 'p9'] });

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([{ invariant: 'accepted_exist_once', detail: 'accepted publication p9 does not exist' }]);
    });

    it('reports two live publications of one group for one video on one channel, not a cancelled one beside a live one', () => {
      // Prepare
      const twin = publicationItem('p3', '2026-03-20T21:00:00.000Z', { video_id: 'video-p1' });
      const booked = ledgerItem('c1', [
        ['p1', '2026-03-20T18:00:00.000Z'],
        ['p2', '2026-03-20T19:00:00.000Z'],
        ['p3', '2026-03-20T21:00:00.000Z'],
      ]);
      const schedule = { slot_id: twin.slot_id, group_id: GROUP, fire_at: twin.scheduled_at };
      const world = worldWith([twin, booked], { schedules: [...soundWorld().schedules, schedule] });
      const cancelledTwin = worldWith([{ ...twin, status: 'cancelled' }]);

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations.map((v) => v.invariant)).toEqual(['accepted_exist_once', 'gap_and_cap']);
      expect(violations[0]?.detail).toContain('p1 and p3 are both live');
      expect(invariantViolations(cancelledTwin)).toEqual([]);
    });
  });

  describe('live_only_if_committed', () => {
    it.for(['planning', 'failed'])('reports live publications of a group that is %s', (status) => {
      // Prepare
      const world = worldWith([groupItem({ status: status as PublicationGroup['status'] })]);

      // Act
      const names = namesOf(world);

      // Assess
      expect(names).toEqual(['live_only_if_committed', 'live_only_if_committed']);
    });

    it('reports live publications of a group that does not exist', () => {
      // Prepare
      const world = worldWith([]);
      const items = world.items.filter((item) => item.entity !== 'group');

      // Act
      const violations = invariantViolations({ ...world, items });

      // Assess
      expect(violations.map((v) => v.detail)).toEqual([
        `p1 is scheduled but its group ${GROUP} does not exist`,
        `p2 is scheduled but its group ${GROUP} does not exist`,
      ]);
    });

    it('tells a group cancelled after it was scheduled (fine) from one cancelled while still planning (not)', () => {
      // Prepare
      const afterScheduled = worldWith([groupItem({ status: 'cancelled' })]);
      const whilePlanning = worldWith([groupItem({ status: 'cancelled', total_publications: 0, slot_count: 0, first_at: null, last_at: null })]);

      // Act
      const names = namesOf(whilePlanning);

      // Assess
      expect(invariantViolations(afterScheduled)).toEqual([]);
      expect(names).toEqual(['live_only_if_committed', 'live_only_if_committed']);
    });

    it('does not mind a failed group whose publications were all cancelled', () => {
      // Prepare
      const world = worldWith(
        [
          groupItem({ status: 'failed' }),
          publicationItem('p1', '2026-03-20T18:00:00.000Z', { status: 'cancelled' }),
          publicationItem('p2', '2026-03-20T19:00:00.000Z', { status: 'cancelled' }),
          ledgerItem('c1', []),
        ],
        { schedules: [] },
      );

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([]);
    });
  });

  describe('gap_and_cap', () => {
    it('reports two live publications closer than min_gap_minutes, whatever their status', () => {
      // Prepare
      const close = publicationItem('p2', '2026-03-20T18:20:00.000Z', { status: 'dispatching' });
      const world = worldWith([close, ledgerItem('c1', [['p1', '2026-03-20T18:00:00.000Z'], ['p2', '2026-03-20T18:20:00.000Z']])], {
        triggers: [trigger('p2')],
        schedules: soundWorld().schedules.slice(0, 1),
      });

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([
        {
          invariant: 'gap_and_cap',
          detail: 'c1: p1 at 2026-03-20T18:00:00.000Z and p2 at 2026-03-20T18:20:00.000Z are 20 min apart (min_gap_minutes 30)',
        },
      ]);
    });

    it('counts the daily cap per local day of the channel time zone, not per UTC day', () => {
      // Prepare: 23:10Z, 23:40Z and 00:20Z are 00:10, 00:40 and 01:20 on 21 March in Paris (UTC+1)
      const paris = { timezone: 'Europe/Paris', min_gap_minutes: 30, max_per_day: 2 };
      const times = ['2026-03-20T23:10:00.000Z', '2026-03-20T23:40:00.000Z', '2026-03-21T00:20:00.000Z'];
      const publications = times.map((t, i) => publicationItem(`p${i + 1}`, t));
      const schedules = times.map((t) => ({ slot_id: slotIdOf(GROUP, t), group_id: GROUP, fire_at: t }));
      const ledger = ledgerItem('c1', times.map((t, i) => [`p${i + 1}`, t]));
      const inParis = worldWith([channelItem('c1', paris), ...publications, ledger], { schedules, accepted: [] });
      const inUtc = worldWith([channelItem('c1', { ...paris, timezone: 'UTC' }), ...publications, ledger], { schedules, accepted: [] });

      // Act
      const violations = invariantViolations(inParis);

      // Assess
      expect(violations).toEqual([
        { invariant: 'gap_and_cap', detail: 'c1: 3 publications on local day 2026-03-21 (Europe/Paris), max_per_day 2: p1, p2, p3' },
      ]);
      expect(invariantViolations(inUtc)).toEqual([]);
    });

    it('leaves cancelled and failed publications out of the gap and the cap', () => {
      // Prepare
      const world = worldWith([
        publicationItem('p3', '2026-03-20T18:10:00.000Z', { status: 'cancelled' }),
        publicationItem('p4', '2026-03-20T18:20:00.000Z', { status: 'cancelled' }),
      ]);

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([]);
    });
  });

  describe('no_pending_on_deleted_channel', () => {
    it('reports publications still pending on a channel that has no item any more, or is named deleted', () => {
      // Prepare
      const deleted = worldWith([]);
      const items = deleted.items.filter((item) => item.entity !== 'channel');

      // Act
      const violations = invariantViolations({ ...deleted, items });

      // Assess
      expect(violations.map((v) => v.detail)).toEqual(['p1 is scheduled on deleted channel c1', 'p2 is scheduled on deleted channel c1']);
      expect(namesOf(soundWorld(), { deletedChannels: ['c1'] })).toEqual(['no_pending_on_deleted_channel', 'no_pending_on_deleted_channel']);
    });

    it('does not mind publications of a deleted channel that were cancelled or went out', () => {
      // Prepare
      const world = worldWith(
        [
          publicationItem('p1', '2026-03-20T18:00:00.000Z', { status: 'cancelled' }),
          publicationItem('p2', '2026-03-20T11:00:00.000Z', { status: 'dispatched' }),
          ledgerItem('c1', [['p2', '2026-03-20T11:00:00.000Z']]),
        ],
        { schedules: [], triggers: [trigger('p2')] },
      );

      // Act
      const violations = invariantViolations({ ...world, items: world.items.filter((item) => item.entity !== 'channel') });

      // Assess
      expect(violations).toEqual([]);
    });
  });

  describe('ledger_agrees', () => {
    it('reports a pending publication with no booking, or booked at another time', () => {
      // Prepare
      const world = worldWith([ledgerItem('c1', [['p1', '2026-03-20T18:30:00.000Z']])]);

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([
        { invariant: 'ledger_agrees', detail: 'c1: booking p1 at 2026-03-20T18:30:00.000Z (group coord_01J00000000000000000000000) belongs to a publication scheduled at 2026-03-20T18:00:00.000Z on c1' },
        { invariant: 'ledger_agrees', detail: 'scheduled p1 at 2026-03-20T18:00:00.000Z on c1 has no booking (booked at 2026-03-20T18:30:00.000Z)' },
        { invariant: 'ledger_agrees', detail: 'scheduled p2 at 2026-03-20T19:00:00.000Z on c1 has no booking' },
      ]);
    });

    it('reports a recent booking whose publication was cancelled or never written, not one older than the ledger keeps', () => {
      // Prepare
      const world = worldWith([
        publicationItem('p3', '2026-03-20T20:00:00.000Z', { status: 'cancelled' }),
        publicationItem('p4', '2026-03-17T08:00:00.000Z', { status: 'cancelled' }),
        ledgerItem('c1', [
          ['p1', '2026-03-20T18:00:00.000Z'],
          ['p2', '2026-03-20T19:00:00.000Z'],
          ['p3', '2026-03-20T20:00:00.000Z'],
          ['p4', '2026-03-17T08:00:00.000Z'],
          ['p5', '2026-03-20T21:00:00.000Z'],
        ]),
      ]);

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations.map((v) => v.detail)).toEqual([
        'c1: booking p3 at 2026-03-20T20:00:00.000Z (group coord_01J00000000000000000000000) belongs to a publication cancelled at 2026-03-20T20:00:00.000Z on c1',
        'c1: booking p5 at 2026-03-20T21:00:00.000Z (group coord_01J00000000000000000000000) belongs to no publication',
      ]);
    });

    it('reports a shadow booking left over', () => {
      // Prepare
      const world = worldWith([
        ledgerItem('c1', [
          ['p1', '2026-03-20T18:00:00.000Z'],
          ['p2', '2026-03-20T19:00:00.000Z'],
          ['p2~was', '2026-03-20T18:30:00.000Z'],
        ]),
      ]);

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([{ invariant: 'ledger_agrees', detail: 'c1: shadow booking p2~was at 2026-03-20T18:30:00.000Z left over' }]);
    });
  });

  describe('scheduled_has_schedule', () => {
    it('reports a future scheduled publication whose slot has no schedule, not one whose time has passed', () => {
      // Prepare
      const lost = worldWith([], { schedules: soundWorld().schedules.slice(1) });
      const passed = worldWith([], { schedules: soundWorld().schedules.slice(1), now: ms('2026-03-20T18:30:00.000Z') });

      // Act
      const violations = invariantViolations(lost);

      // Assess
      expect(violations).toEqual([
        {
          invariant: 'scheduled_has_schedule',
          detail: `p1 at 2026-03-20T18:00:00.000Z has no schedule for its slot ${slotIdOf(GROUP, '2026-03-20T18:00:00.000Z')}`,
        },
      ]);
      expect(invariantViolations(passed)).toEqual([]);
    });

    it('reports a future schedule whose slot has no scheduled publication left', () => {
      // Prepare
      const orphan = { slot_id: slotIdOf(GROUP, '2026-03-20T22:00:00.000Z'), group_id: GROUP, fire_at: '2026-03-20T22:00:00.000Z' };
      const world = worldWith([], { schedules: [...soundWorld().schedules, orphan] });

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([
        { invariant: 'scheduled_has_schedule', detail: `schedule ${orphan.slot_id} at 2026-03-20T22:00:00.000Z has no scheduled publication` },
      ]);
    });
  });

  describe('dispatched_once', () => {
    const dispatched = () =>
      worldWith([publicationItem('p1', '2026-03-20T11:00:00.000Z', { status: 'dispatching' }), ledgerItem('c1', [['p1', '2026-03-20T11:00:00.000Z'], ['p2', '2026-03-20T19:00:00.000Z']])], {
        schedules: soundWorld().schedules.slice(1),
      });

    it('reports a publication gone out that no trigger carried', () => {
      // Act
      const violations = invariantViolations(dispatched());

      // Assess
      expect(violations).toEqual([{ invariant: 'dispatched_once', detail: 'p1 is dispatching but no trigger carried it' }]);
    });

    it('reports a publication sent twice, unless the scenario allows re-sent triggers', () => {
      // Prepare
      const world = { ...dispatched(), triggers: [trigger('p1'), trigger('p1')] };

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations).toEqual([{ invariant: 'dispatched_once', detail: 'p1 (dispatching) was sent in 2 triggers' }]);
      expect(invariantViolations(world, { triggersMayRepeat: true })).toEqual([]);
      expect(invariantViolations({ ...world, triggers: [trigger('p1')] })).toEqual([]);
    });

    it('reports a trigger carrying a publication still scheduled, or one that does not exist', () => {
      // Prepare
      const world = worldWith([], { triggers: [trigger('p2', 'p9')] });

      // Act
      const violations = invariantViolations(world);

      // Assess
      expect(violations.map((v) => v.detail)).toEqual(['a trigger carried p9, which does not exist', 'p2 was sent but is still scheduled']);
    });
  });

  describe('nothing_held_while_running', () => {
    const held = (status: string) =>
      worldWith([publicationItem('p1', '2026-03-20T11:00:00.000Z', { status: 'held' }), ledgerItem('c1', [['p1', '2026-03-20T11:00:00.000Z'], ['p2', '2026-03-20T19:00:00.000Z']]), systemItem(status)], {
        schedules: soundWorld().schedules.slice(1),
      });

    it('reports a publication held while the system runs', () => {
      // Act
      const violations = invariantViolations(held('running'));

      // Assess
      expect(violations).toEqual([{ invariant: 'nothing_held_while_running', detail: 'p1 is held while the system runs' }]);
    });

    it.for(['paused', 'stopped'])('does not mind publications held while the system is %s', (status) => {
      // Act
      const violations = invariantViolations(held(status));

      // Assess
      expect(violations).toEqual([]);
    });
  });
});
