import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LedgerBooking } from '#shared/domain/channel-ledger';
import type { Publication } from '#shared/domain/publication';
import { slotIdOf, type PublicationGroup, type Slot } from '#shared/domain/publication-group';
import type { SlotSchedule } from '#shared/ports/slot-scheduler';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { GroupBooking } from '#shared/services/group-booking';
import { PublicationReconciliation } from '#shared/services/publication-reconciliation';
import { SlotDispatch } from '#shared/services/slot-dispatch';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

/**
 * Regression tests of the commit protocol (docs/architecture.md), one per
 * wrong state found by trying the system adversarially: each sets up the
 * durable state a crash or a race leaves, and checks what follows.
 */

const T0 = '2026-09-01T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const DEAD_WAVE = 'wave_01JDEAD0000000000000000000';

/** A scheduler whose calls can be made to fail, or to run something first (a concurrent request landing mid-booking). */
class ScriptedScheduler extends RecordingSlotScheduler {
  failRemove = false;
  beforeEnsure: ((slots: readonly SlotSchedule[]) => Promise<void>) | undefined;
  override async ensure(slots: readonly SlotSchedule[]) {
    const hook = this.beforeEnsure;
    this.beforeEnsure = undefined;
    if (hook) await hook(slots);
    return super.ensure(slots);
  }
  override async remove(slotIds: readonly string[]) {
    if (this.failRemove) throw new Error('the process died here');
    return super.remove(slotIds);
  }
}

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<Record<string, unknown>>;

describe('The commit protocol, against the states crashes and races leave (dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  let clock: FixedClock;
  let scheduler: ScriptedScheduler;
  let queue: RecordingTriggerQueue;
  const reconcile = async () => ((await import('#functions/scheduled/reconcile-publications')) as unknown as { handler: Handler }).handler({}, lambdaContext('reconcile'));

  beforeEach(async () => {
    // Fresh modules: a handler keeps the idempotency store (and its client) of the table it first met.
    vi.resetModules();
    table = await embeddedTable('commit');
    clock = new FixedClock(T0);
    scheduler = new ScriptedScheduler();
    queue = new RecordingTriggerQueue();
    api = await bootRoutes(table, { clock, slotScheduler: scheduler, triggerQueue: queue });
    for (const id of ['c1', 'c2']) {
      await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 30, max_per_day: 5 } } });
    }
    for (const id of ['v1', 'v2', 'v3']) await api.call('createVideo', { body: { video_id: id, title: id } });
    await api.call('start');
  });
  afterEach(async () => table.close());

  /** What a request that died after writing its bookings, publications, slots and schedules, but before its commit, leaves. */
  async function aBookingThatDiedBeforeItsCommit(times: string[]): Promise<Publication[]> {
    const { groupRepository, ledgerRepository, publicationRepository } = api.root;
    const group: PublicationGroup = {
      group_id: DEAD_WAVE, kind: 'wave', status: 'planning', channel_ids: ['c1'], video_id: null, video_count: times.length,
      timing: 'staggered', stagger_by: 'video', scheduled_at: times[0] as string, delay_seconds: 1800, priority: 5, conflict_policy: 'shift',
      total_publications: 0, slot_count: 0, first_at: null, last_at: null, schedules_created: 0, created_at: T0, updated_at: T0,
      cancelled_at: null, actor: 'test', request_id: 'dead-request', lease_owner: 'proc_dead', lease_until: at(10),
      cancel_requested_at: null, rollback_started_at: null, status_reason: null,
    };
    await groupRepository().create(group);
    const publications: Publication[] = times.map((time, i) => ({
      publication_id: `pub_01JDEAD000000000000000000${i}`, group_id: DEAD_WAVE, group_kind: 'wave', video_id: `v${i + 1}`, channel_id: 'c1',
      scheduled_at: time, requested_at: time, shifted_from: null, priority: 5, status: 'scheduled', slot_id: slotIdOf(DEAD_WAVE, time),
      run_id: null, status_reason: null, trigger_received_at: null, created_at: T0, updated_at: T0,
    }));
    const bookings: LedgerBooking[] = publications.map((p) => ({ publication_id: p.publication_id, at: Date.parse(p.scheduled_at), priority: 5, group_id: DEAD_WAVE }));
    expect(await ledgerRepository().replace('c1', (await ledgerRepository().get('c1')).version, bookings, T0)).toBe(true);
    await publicationRepository().putMany(publications);
    const slots: Slot[] = publications.map((p) => ({
      slot_id: p.slot_id, group_id: DEAD_WAVE, fire_at: p.scheduled_at, status: 'pending', publication_count: 1, dispatched: 0, held: 0, fired_at: null,
    }));
    await groupRepository().putSlots(slots);
    await scheduler.ensure(slots);
    return publications;
  }

  const statusesOf = async (ids: string[]) => (await Promise.all(ids.map((id) => api.root.publicationRepository().get(id)))).map((p) => p?.status);

  it('fires nothing of a request that died before its commit, then rolls it back whole once its lease ends (finding 2)', async () => {
    // Prepare
    const publications = await aBookingThatDiedBeforeItsCommit([at(5), at(35)]);
    const ids = publications.map((p) => p.publication_id);

    // Act: past the first slot's time and the overdue threshold, the lease not yet ended
    clock.set(at(8));
    const early = await reconcile();
    const fire = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: Handler }).handler;
    const firing = fire({ slot_id: publications[0]?.slot_id, group_id: DEAD_WAVE, fire_at: at(5) }, lambdaContext('fire-slot'));

    // Assess
    expect(early).toMatchObject({ rolled_back_groups: 0, overdue_slots_fired: 0 });
    await expect(firing).rejects.toThrow('not committed');
    expect(queue.triggers).toEqual([]);
    expect(await statusesOf(ids)).toEqual(['scheduled', 'scheduled']);

    // Act: the lease has ended
    clock.set(at(11));
    const late = await reconcile();

    // Assess
    expect(late).toMatchObject({ rolled_back_groups: 1 });
    expect(queue.triggers).toEqual([]);
    expect(await statusesOf(ids)).toEqual(['cancelled', 'cancelled']);
    expect((await api.root.ledgerRepository().get('c1')).bookings).toEqual([]);
    expect(scheduler.schedules.size).toBe(0);
    expect((await api.root.groupRepository().get(DEAD_WAVE))?.status).toBe('failed');
  });

  it.each([
    ['its schedules are deleted', (s: ScriptedScheduler) => (s.failRemove = true)],
    ['the bookings are lifted (the group is not yet marked failed)', undefined],
  ])('finishes a rollback that died when %s, when run again: nothing stays scheduled (finding 4)', async (_, breakIt) => {
    // Prepare
    const publications = await aBookingThatDiedBeforeItsCommit([at(60), at(90), at(120)]);
    const root = api.root;
    const groups = root.groupRepository();
    const dying = breakIt
      ? groups
      : Object.assign(Object.create(groups) as typeof groups, { finishRollback: async () => Promise.reject(new Error('the process died here')) });
    breakIt?.(scheduler);
    const booking = new GroupBooking({
      channels: root.channelRepository(), videos: root.videoRepository(), ledgers: root.ledgerRepository(), bookkeeping: root.ledgerBookkeeping(),
      publications: root.publicationRepository(), groups: dying, state: root.systemStateRepository(), scheduler, activity: root.activityLog(),
      dispatch: root.slotDispatch(), clock, ids: root.ids(), owner: 'proc_dead',
    });

    // Act
    await expect(booking.rollback(DEAD_WAVE, 'its request stopped')).rejects.toThrow('the process died here');
    scheduler.failRemove = false;
    clock.set(at(11));
    const report = await reconcile();

    // Assess
    expect(report).toMatchObject({ rolled_back_groups: 1 });
    expect(await statusesOf(publications.map((p) => p.publication_id))).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(scheduler.schedules.size).toBe(0);
    expect((await root.ledgerRepository().get('c1')).bookings).toEqual([]);
    expect((await root.groupRepository().get(DEAD_WAVE))?.status).toBe('failed');
  });

  it('never moves a booking of a request still in flight: preempt shifts around it instead (finding 5)', async () => {
    // Prepare: a request in flight booked c1 at 12:00 with priority 1 and has not written its publication yet
    const { groupRepository, ledgerRepository } = api.root;
    const inFlight = { ...(await aBookingThatDiedBeforeItsCommit([at(120)])).at(0) } as Publication;
    await api.root.publicationRepository().deleteMany([inFlight.publication_id]);
    const ledger = await ledgerRepository().get('c1');
    await ledgerRepository().replace('c1', ledger.version, ledger.bookings.map((b) => ({ ...b, priority: 1 })), T0);
    await groupRepository().getSlot(DEAD_WAVE, at(120));

    // Act
    const answer = await api.call('coordinatePublication', {
      body: { video_id: 'v3', channel_ids: ['c1'], timing: 'simultaneous', scheduled_at: at(120), priority: 9, conflict_policy: 'preempt' },
    });

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body.preempted).toEqual([]);
    expect(answer.body.publications[0].scheduled_at).not.toBe(at(120));
    expect((await ledgerRepository().get('c1')).bookings.find((b) => b.publication_id === inFlight.publication_id)?.at).toBe(Date.parse(at(120)));
  });

  it('a cancel that lands while the wave is being booked wins: the commit fails and everything written is undone (finding 6)', async () => {
    // Prepare: the cancel arrives between the booking's writes (when it creates its schedules)
    let cancelled: Awaited<ReturnType<RouteCaller['call']>> | undefined;
    scheduler.beforeEnsure = async (slots) => {
      cancelled = await api.call('cancelWave', { params: { wave_id: slots[0]?.group_id as string }, body: { reason: 'changed our mind' } });
    };

    // Act
    const booked = await api.call('scheduleWave', {
      body: { video_ids: ['v1', 'v2'], channel_ids: ['c1', 'c2'], wave_config: { timing: 'staggered', delay_seconds: 3600, scheduled_at: at(60) } },
    });

    // Assess
    expect(booked.status).toBe(409);
    expect(booked.body.error.code).toBe('booking_cancelled');
    expect(cancelled?.status).toBe(200);
    const waveId = booked.body.error.details.group_id as string;
    expect((await api.call('getWave', { params: { wave_id: waveId } })).body.status).toBe('cancelled');
    const left = await api.call('listPublications', { query: { group_id: waveId } });
    expect(left.body.items.map((p: Publication) => p.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect((await api.root.ledgerRepository().getMany(['c1', 'c2'])).get('c1')?.bookings).toEqual([]);
    expect(scheduler.schedules.size).toBe(0);
  });

  it('a cancel of a wave whose request died while booking undoes it at once, and it ends cancelled (finding 6)', async () => {
    // Prepare
    const publications = await aBookingThatDiedBeforeItsCommit([at(60), at(90)]);
    clock.set(at(11));

    // Act
    const cancelled = await api.call('cancelWave', { params: { wave_id: DEAD_WAVE }, body: {} });

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled_publications: 2 });
    expect(await statusesOf(publications.map((p) => p.publication_id))).toEqual(['cancelled', 'cancelled']);
    expect((await api.call('getWave', { params: { wave_id: DEAD_WAVE } })).body).toMatchObject({ status: 'cancelled', cancelled_at: at(11) });
    expect(scheduler.schedules.size).toBe(0);
  });

  it('a channel deletion that lands while a booking writes to the channel is refused as busy, and the booking completes (finding 6)', async () => {
    // Prepare
    let deletion: Awaited<ReturnType<RouteCaller['call']>> | undefined;
    scheduler.beforeEnsure = async () => {
      deletion = await api.call('deleteChannel', { params: { channel_id: 'c2' }, query: { force: 'true' } });
    };

    // Act
    const booked = await api.call('scheduleWave', {
      body: { video_ids: ['v1'], channel_ids: ['c1', 'c2'], wave_config: { timing: 'simultaneous', scheduled_at: at(60) } },
    });

    // Assess
    expect(deletion?.status).toBe(409);
    expect((deletion?.body as { error: { code: string } }).error.code).toBe('channel_busy');
    expect(booked.status).toBe(201);
    expect((await api.call('getChannel', { params: { channel_id: 'c2' } })).status).toBe(200);
  });

  it('a booking on a channel whose deletion closed its ledger is refused, and writes nothing that stays (finding 6)', async () => {
    // Prepare: the deletion closed the ledger; the channel item is not gone yet
    const ledger = await api.root.ledgerRepository().get('c2');
    await api.root.ledgerRepository().close('c2', ledger.version, T0);

    // Act
    const booked = await api.call('coordinatePublication', { body: { video_id: 'v1', channel_ids: ['c1', 'c2'], timing: 'simultaneous', scheduled_at: at(60) } });

    // Assess
    expect(booked.status).toBe(422);
    expect(booked.body.error.details.channel_ids).toEqual(['c2']);
    expect((await api.root.ledgerRepository().get('c1')).bookings).toEqual([]);
  });

  it('a resume that lands while a slot fires and holds is followed by a release: nothing stays held while running (finding 8)', async () => {
    // Prepare
    const booked = await api.call('scheduleWave', { body: { video_ids: ['v1'], channel_ids: ['c1', 'c2'], wave_config: { timing: 'simultaneous', scheduled_at: at(60) } } });
    await api.call('pause');
    const root = api.root;
    const real = root.systemStateRepository();
    let reads = 0;
    // The firing reads `paused`; right after that read, the resume lands (and its release finds nothing held yet).
    const racing: SystemStateRepository = {
      get: async () => {
        const state = await real.get();
        if (++reads === 1) await api.call('resume');
        return state;
      },
      applyTransition: (write) => real.applyTransition(write),
    };
    const dispatch = new SlotDispatch({
      publications: root.publicationRepository(), groups: root.groupRepository(), state: racing, queue, activity: root.activityLog(), clock, ids: root.ids(),
    });
    clock.set(at(60));

    // Act
    const fired = await dispatch.fire({ slot_id: slotIdOf(booked.body.wave_id, at(60)), group_id: booked.body.wave_id, fire_at: at(60) });

    // Assess
    expect(fired.outcome).toBe('held');
    expect((await real.get()).status).toBe('running');
    expect((await api.call('listPublications', { query: { status: 'held' } })).body.items).toEqual([]);
    expect((await api.call('listPublications', { query: { status: 'dispatching' } })).body.items).toHaveLength(2);
  });

  it('a slot a preempt left empty shows cancelled with no publications, and loses its schedule (finding 8)', async () => {
    // Prepare
    const low = await api.call('coordinatePublication', { body: { video_id: 'v1', channel_ids: ['c1'], timing: 'simultaneous', scheduled_at: at(120), priority: 1 } });

    // Act
    const high = await api.call('coordinatePublication', {
      body: { video_id: 'v2', channel_ids: ['c1'], timing: 'simultaneous', scheduled_at: at(120), priority: 9, conflict_policy: 'preempt' },
    });

    // Assess
    expect(high.body.preempted).toHaveLength(1);
    const view = await api.call('getCoordination', { params: { coordination_id: low.body.coordination_id } });
    const old = view.body.slots.find((s: Slot) => s.fire_at === at(120));
    const moved = view.body.slots.find((s: Slot) => s.fire_at === high.body.preempted[0].to);
    expect(old).toMatchObject({ status: 'cancelled', publication_count: 0 });
    expect(moved).toMatchObject({ status: 'pending', publication_count: 1 });
    expect(scheduler.schedules.has(old.slot_id)).toBe(false);
    expect(scheduler.schedules.has(moved.slot_id)).toBe(true);
  });

  it('a booking that outlives the time its answer can wait answers 202 planning, goes on, and commits (finding 1)', async () => {
    // Prepare: the schedules take 1.5 s to create, and the function has 2.4 s left (0.4 s once the answer margin is kept)
    scheduler.beforeEnsure = () => new Promise((resolve) => setTimeout(resolve, 1_500));
    const body = { video_ids: ['v1', 'v2'], channel_ids: ['c1', 'c2'], wave_config: { timing: 'simultaneous', scheduled_at: at(60) } };

    // Act
    const answer = await api.call('scheduleWave', { body, headers: { 'idempotency-key': 'slow-wave' } }, { remainingTimeMs: 2_400 });
    const whileWriting = await api.call('getWave', { params: { wave_id: answer.body.wave_id } });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await api.call('getWave', { params: { wave_id: answer.body.wave_id } });
    const retry = await api.call('scheduleWave', { body, headers: { 'idempotency-key': 'slow-wave' } });

    // Assess
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toMatchObject({ status: 'planning', message: expect.stringContaining('GET') });
    expect(whileWriting.body.status).toBe('planning');
    expect(after.body).toMatchObject({ status: 'scheduled', total_publications: 4 });
    // The 202 was not kept as the key's answer: the retry finds the booking where it is now, and books nothing more.
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ wave_id: answer.body.wave_id, status: 'scheduled' });
    expect((await api.call('listWaves')).body.items).toHaveLength(1);
  });

  it('a preempted publication cancelled before it could be moved leaves no schedule armed for it at its new time', async () => {
    // Prepare: the low-priority publication is cancelled just as the preempting booking readies its new slot
    const low = await api.call('coordinatePublication', { body: { video_id: 'v1', channel_ids: ['c1'], timing: 'simultaneous', scheduled_at: at(120), priority: 1 } });
    const lowId = low.body.publications[0].publication_id as string;
    scheduler.beforeEnsure = async () => {
      expect((await api.call('cancelPublication', { params: { publication_id: lowId }, body: {} })).status).toBe(200);
    };

    // Act
    const high = await api.call('coordinatePublication', {
      body: { video_id: 'v2', channel_ids: ['c1'], timing: 'simultaneous', scheduled_at: at(120), priority: 9, conflict_policy: 'preempt' },
    });

    // Assess
    expect(high.status).toBe(201);
    const movedTo = high.body.preempted[0]?.to as string;
    expect(movedTo).toBeDefined();
    expect(scheduler.schedules.has(slotIdOf(low.body.coordination_id, movedTo))).toBe(false);
    expect((await api.root.publicationRepository().get(lowId))?.status).toBe('cancelled');
  });

  it('fires a slot due at booking time from the publications it just wrote, not from an index that may lag', async () => {
    // Prepare: a slot index that has not caught up (as a GSI may not have, in AWS, right after the write)
    const root = api.root;
    const real = root.publicationRepository();
    const lagging = Object.assign(Object.create(real) as typeof real, {
      listBySlot: async () => ({ items: [], next_cursor: null }),
    });
    const dispatch = new SlotDispatch({ publications: lagging, groups: root.groupRepository(), state: root.systemStateRepository(), queue, activity: root.activityLog(), clock, ids: root.ids() });
    const booking = new GroupBooking({
      channels: root.channelRepository(), videos: root.videoRepository(), ledgers: root.ledgerRepository(), bookkeeping: root.ledgerBookkeeping(),
      publications: lagging, groups: root.groupRepository(), state: root.systemStateRepository(), scheduler, activity: root.activityLog(),
      dispatch, clock, ids: root.ids(), owner: 'proc_test',
    });

    // Act: scheduled_at absent, so now
    const outcome = await booking.book(
      { kind: 'coordination', videoIds: ['v1'], channelIds: ['c1', 'c2'], timing: 'simultaneous', staggerBy: 'channel', priority: 5, policy: 'shift', dryRun: false, timingFieldPrefix: '' },
      { actor: 'test', request_id: 'now' },
    );

    // Assess
    expect('earlier' in outcome).toBe(false);
    const ids = 'publications' in outcome ? outcome.publications.map((p) => p.publication_id as string) : [];
    expect(await statusesOf(ids)).toEqual(['dispatching', 'dispatching']);
    expect(queue.triggers.flatMap((t) => t.publications.map((p) => p.publication_id)).sort()).toEqual([...ids].sort());
  });

  it('sends again every trigger never received, past pages of received ones, resuming across runs (finding 3)', async () => {
    // Prepare: one slot of 30 publications on a channel without a gap, fired; its first 20 triggers arrived, 10 were lost
    await api.call('putChannel', { params: { channel_id: 'wide' }, body: { name: 'wide', publishing: { timezone: 'UTC' } } });
    const videos = Array.from({ length: 30 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    for (const id of videos) await api.call('createVideo', { body: { video_id: id, title: id } });
    const wave = await api.call('scheduleWave', { body: { video_ids: videos, channel_ids: ['wide'], wave_config: { timing: 'simultaneous', scheduled_at: at(1) } } });
    clock.set(at(1));
    await api.root.slotDispatch().fire({ slot_id: slotIdOf(wave.body.wave_id, at(1)), group_id: wave.body.wave_id, fire_at: at(1) });
    const dispatching = (await api.call('listPublications', { query: { status: 'dispatching', limit: '100' } })).body.items as Publication[];
    expect(dispatching).toHaveLength(30);
    for (const p of dispatching.slice(0, 20)) await api.root.publicationRepository().markTriggerReceived(p.publication_id, at(2));
    const lost = new Set(dispatching.slice(20).map((p) => p.publication_id));
    const root = api.root;
    // A small budget, so that the walk needs several runs to reach the lost ones.
    const reconciliation = new PublicationReconciliation({
      publications: root.publicationRepository(), groups: root.groupRepository(), state: root.systemStateRepository(), booking: root.groupBooking(),
      dispatch: root.slotDispatch(), activity: root.activityLog(), cursors: root.jobCursorRepository(), clock, ids: root.ids(), owner: 'proc_test', walkBudget: 8,
    });
    clock.set(at(20));
    const sentBefore = queue.triggers.length;

    // Act
    const reports = [];
    for (let run = 0; run < 5; run++) reports.push(await reconciliation.run({ actor: 'reconciler', request_id: `run-${run}` }));

    // Assess
    const resent = queue.triggers.slice(sentBefore).flatMap((t) => t.publications.map((p) => p.publication_id));
    expect(new Set(resent)).toEqual(lost);
    expect(reports.slice(0, 4).reduce((sum, r) => sum + r.triggers_resent, 0)).toBe(10);
  });
});
