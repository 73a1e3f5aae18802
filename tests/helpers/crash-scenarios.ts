import { afterAll, describe, expect, it } from 'vitest';
import type { RequestMeta } from '#shared/domain/activity';
import type { ChannelDefinition } from '#shared/domain/channel';
import { isoOf } from '#shared/domain/publication-group';
import type { BookingRequest } from '#shared/services/group-booking';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import { BOOKING_LEASE_MS } from '#shared/services/group-booking';
import { OVERDUE_MS, UNRECEIVED_MS } from '#shared/services/publication-reconciliation';
import { crashPointsOf, type ProcessLife, SimulatedCrash, serviceGraph, type ServiceGraph, type ServiceGraphOptions } from './crash-injection';
import { scanTable, startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from './embedded-table';
import { FixedClock } from './in-memory-ports';
import { checkInvariants, describeViolations, type InvariantOptions } from './invariants';
import { RecordingGitHub, RecordingProcessingQueue, RecordingSlotScheduler, RecordingTriggerQueue } from './recording-adapters';
import { channelDefinition, videoDefinition } from './sample-entities';

/**
 * Fault-injection scenarios: an operation crashed after each of its writes,
 * then recovered the way the platform recovers it (a client's retry, the
 * scheduler's retry, time passing with the reconciliation running), then held
 * to the guarantees (tests/helpers/invariants.ts) and to "fully done or fully
 * undone" (the scenario's own assessment).
 */

/** Saturday 2026-10-24, 20:00 UTC (22:00 in Paris, the evening before the clocks go back). */
export const T0 = '2026-10-24T20:00:00.000Z';
export const MINUTE = 60_000;
/** Time passing in a recovery: every staleness threshold of the reconciliation, and a minute more. */
export const RECOVERY_MS = Math.max(BOOKING_LEASE_MS, OVERDUE_MS, UNRECEIVED_MS) + MINUTE;
/** How often the reconciliation runs (the local default of RECONCILE_INTERVAL_SECONDS; an EventBridge rule in AWS). */
export const RECONCILE_INTERVAL_MS = 5 * MINUTE;

export const SETUP_META: RequestMeta = { actor: 'test:setup', request_id: 'req-setup' };
/** The request under test: its groups are found by this request id. */
export const OPERATION_META: RequestMeta = { actor: 'test:operator', request_id: 'req-under-test' };
const RECONCILE_META: RequestMeta = { actor: 'reconciliation', request_id: 'reconcile' };

/** The instant `minutes` after T0, as stored. */
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * MINUTE).toISOString();

/** A booking request: a coordination of v1, simultaneous at T0+60 on c1-c3 with shift, unless overridden. */
export function bookingRequest(overrides: Partial<BookingRequest> = {}): BookingRequest {
  return {
    kind: 'coordination',
    videoIds: ['v1'],
    channelIds: ['c1', 'c2', 'c3'],
    timing: 'simultaneous',
    scheduledAt: at(60),
    delaySeconds: undefined,
    staggerBy: 'channel',
    priority: 5,
    policy: 'shift',
    dryRun: false,
    timingFieldPrefix: '',
    ...overrides,
  };
}

/** Books, and once answered marks the answer's publications accepted; returns them. */
export async function book(world: GuaranteeWorld, graph: ServiceGraph, request: BookingRequest, meta: RequestMeta = SETUP_META) {
  const outcome = await graph.groupBooking.book(request, meta);
  if ('earlier' in outcome) throw new Error(`a booking found an earlier attempt's group ${outcome.earlier.group_id}, which these scenarios never retry`);
  world.accept(outcome.publications.map((p) => p.publication_id));
  return outcome;
}

/** Three channels (UTC and Europe/Paris), 30 minutes apart, three a day at most; and videos v0-v3. */
export const CHANNELS: Record<string, Partial<ChannelDefinition>> = {
  c1: { priority: 5, publishing: { timezone: 'UTC', slots: ['09:00', '18:00'], min_gap_minutes: 30, max_per_day: 3 } },
  c2: { priority: 6, publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 30, max_per_day: 3 } },
  c3: { priority: 4, publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 30, max_per_day: 3 } },
};
export const VIDEOS = ['v0', 'v1', 'v2', 'v3'];

/** The world one case runs in: a table, Scheduler, SQS and GitHub (which outlive processes), a clock, and what callers were answered. */
export class GuaranteeWorld {
  readonly clock = new FixedClock(T0);
  readonly scheduler = new RecordingSlotScheduler();
  readonly queue = new RecordingTriggerQueue(this.clock);
  readonly github = new RecordingGitHub(this.clock);
  readonly processing = new RecordingProcessingQueue();
  readonly accepted = new Set<string>();
  /** Indexes into `queue.triggers` of those the consumer took. */
  private readonly delivered = new Set<number>();
  private readonly processes: ServiceGraph[] = [];

  constructor(readonly table: EmbeddedTable) {}

  /** A new process over the world: it dies after `crashAfter` writes (or before the write `dieBefore` names). */
  process(crashAfter = Infinity, dieBefore?: ServiceGraphOptions['dieBefore']): ServiceGraph {
    const graph = serviceGraph(this.table, {
      clock: this.clock,
      scheduler: this.scheduler,
      queue: this.queue,
      github: this.github,
      processing: this.processing,
      crashAfter,
      dieBefore,
    });
    this.processes.push(graph);
    return graph;
  }

  /** Registers channels c1-c3 and videos v0-v3, and starts the system. */
  async register(graph: ServiceGraph): Promise<void> {
    for (const [id, overrides] of Object.entries(CHANNELS)) {
      await graph.channelRegistry.put(id, channelDefinition({ name: id, github: null, ...overrides }), SETUP_META);
    }
    for (const id of VIDEOS) await graph.videoCatalog.create(id, videoDefinition({ title: id }));
    await graph.systemControl.control('start', SETUP_META);
  }

  /** Marks publication ids as accepted: an answer carrying them reached the caller. */
  accept(ids: Iterable<string | null>): void {
    for (const id of ids) if (id) this.accepted.add(id);
  }

  /** Every trigger sent, with when SQS makes it visible (its send plus its delay). */
  private sent(): { index: number; trigger: PipelineTrigger; visibleAt: number }[] {
    const all: { index: number; trigger: PipelineTrigger; visibleAt: number }[] = [];
    this.queue.sends.forEach((batch, i) => {
      const visibleAt = (this.queue.sentAt[i] ?? 0) + (this.queue.delays[i] ?? 0) * 1000;
      for (const trigger of batch) all.push({ index: all.length, trigger, visibleAt });
    });
    return all;
  }

  /** When the next trigger sent with a delay becomes visible, if one waits. */
  nextDelivery(): number | undefined {
    const waiting = this.sent().filter((s) => !this.delivered.has(s.index)).map((s) => s.visibleAt);
    return waiting.length > 0 ? Math.min(...waiting) : undefined;
  }

  /**
   * The SQS consumer, the dispatcher (functions/queue/pipeline-triggers.ts),
   * receives every trigger sent and visible since it last ran: each once
   * (SQS redelivery is the consumer's own concern, tested elsewhere), once
   * its delay is over (a paced or waiting trigger comes back later).
   */
  async deliverTriggers(graph: ServiceGraph): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime();
      const next = this.sent().find((s) => !this.delivered.has(s.index) && s.visibleAt <= now);
      if (!next) return;
      this.delivered.add(next.index);
      await graph.pipelineDispatch.receive(next.trigger, 1);
    }
  }

  /**
   * Time passes until `until`: each schedule fires at its time (Scheduler
   * invokes the slot target, then deletes the schedule, ActionAfterCompletion
   * DELETE), and the consumer takes what the slot sent.
   */
  async runUntil(graph: ServiceGraph, until: number): Promise<void> {
    // The consumer runs all along: what was sent before time moves is taken at once.
    await this.deliverTriggers(graph);
    for (;;) {
      const due = [...this.scheduler.schedules.values()]
        .filter((s) => Date.parse(s.fire_at) <= until)
        .sort((a, b) => Date.parse(a.fire_at) - Date.parse(b.fire_at))[0];
      const visible = this.nextDelivery();
      if (visible !== undefined && visible <= until && (!due || visible < Date.parse(due.fire_at))) {
        // A delayed trigger comes back before the next schedule fires.
        if (visible > this.clock.now().getTime()) this.clock.set(isoOf(visible));
        await this.deliverTriggers(graph);
        continue;
      }
      if (!due) break;
      if (Date.parse(due.fire_at) > this.clock.now().getTime()) this.clock.set(due.fire_at);
      await graph.slotDispatch.fire({ slot_id: due.slot_id, group_id: due.group_id, fire_at: due.fire_at });
      this.scheduler.schedules.delete(due.slot_id);
      await this.deliverTriggers(graph);
    }
    if (until > this.clock.now().getTime()) this.clock.set(isoOf(until));
  }

  /**
   * The recovery that needs no caller: time passes, twice beyond every
   * staleness threshold, with the reconciliation running on its schedule
   * (every five minutes, as RECONCILE_INTERVAL_SECONDS defaults to), schedules
   * firing on the way and the consumer taking what was sent. The early runs
   * see a dead request's group before it is stale: they must leave it alone.
   */
  async reconcile(graph: ServiceGraph): Promise<void> {
    const end = this.clock.now().getTime() + 2 * RECOVERY_MS;
    while (this.clock.now().getTime() < end) {
      await this.runUntil(graph, Math.min(end, this.clock.now().getTime() + RECONCILE_INTERVAL_MS));
      await graph.publicationReconciliation.run(RECONCILE_META);
      // The same job runs the runs' part (functions/scheduled/reconcile-publications.ts).
      await graph.runReconciliation.run();
      await this.deliverTriggers(graph);
    }
  }

  /** Time runs past every publication and schedule there is, with the reconciliation after. */
  async drain(graph: ServiceGraph): Promise<void> {
    const items = await scanTable(this.table);
    const times = [
      ...items.filter((i) => i.entity === 'publication').map((i) => Date.parse(String(i.scheduled_at))),
      ...[...this.scheduler.schedules.values()].map((s) => Date.parse(s.fire_at)),
      this.clock.now().getTime(),
    ];
    await this.runUntil(graph, Math.max(...times) + MINUTE);
    await this.reconcile(graph);
  }

  async violations(options?: InvariantOptions): Promise<string[]> {
    return describeViolations(await checkInvariants(this, { triggersMayRepeat: true, ...options }));
  }

  /** Publications, groups and ledgers as stored now. */
  async view(): Promise<TableView> {
    return tableView(await scanTable(this.table));
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.close()));
  }
}

export interface StoredPublication {
  publication_id: string;
  group_id: string;
  video_id: string;
  channel_id: string;
  scheduled_at: string;
  status: string;
  slot_id: string;
  trigger_received_at: string | null;
}

export interface TableView {
  publications: StoredPublication[];
  groups: { group_id: string; status: string; request_id: string; kind: string; video_id: string | null }[];
  /** Bookings per channel, as stored (`publication_id|at_ms|priority|group_id`). */
  ledgers: Map<string, string[]>;
  channels: Set<string>;
  videos: { video_id: string; status: string }[];
}

export function tableView(items: Record<string, unknown>[]): TableView {
  return {
    publications: items.filter((i) => i.entity === 'publication') as unknown as StoredPublication[],
    groups: items.filter((i) => i.entity === 'group') as unknown as TableView['groups'],
    ledgers: new Map(items.filter((i) => i.entity === 'ledger').map((i) => [String(i.channel_id), (i.bookings as string[] | undefined) ?? []])),
    channels: new Set(items.filter((i) => i.entity === 'channel').map((i) => String(i.channel_id))),
    videos: items.filter((i) => i.entity === 'video') as unknown as TableView['videos'],
  };
}

export const LIVE = ['scheduled', 'held', 'dispatching', 'dispatched', 'succeeded'];

/**
 * One operation under crashes. `prepare` builds the world it runs on (with a
 * process that never dies); `act` is the operation, in a process that may;
 * `recover` is what callers and the platform do next, in a new process (a
 * retry of the same call, the scheduler's retry), before time passes with the
 * reconciliation; `assess` lists what is not fully done or fully undone.
 */
export interface CrashScenario<S> {
  prepare(world: GuaranteeWorld, graph: ServiceGraph): Promise<S>;
  act(world: GuaranteeWorld, graph: ServiceGraph, state: S): Promise<void>;
  recover?(world: GuaranteeWorld, graph: ServiceGraph, state: S, crashed: boolean): Promise<void>;
  assess(world: GuaranteeWorld, state: S, view: TableView): string[] | Promise<string[]>;
  invariants?: InvariantOptions;
}

export interface CrashCaseResult {
  /** Writes the operation made before it finished or died. */
  writes: number;
  crashed: boolean;
  /** The write the crash followed (`#3 UpdateItem PUB#...|PUB`). */
  crashPoint: string;
  /** Every write of the operation, in order. */
  log: ProcessLife['log'];
  /** Violations and assessments after the recovery, then after the drain; empty when all holds. */
  problems: string[];
}

/**
 * Runs one case on a fresh table: prepare, act with a crash after
 * `crashAfter` writes (Infinity: a clean run, which measures the writes),
 * recover, reconcile, assess; then let all time pass and check again.
 */
export async function runCrashCase<S>(dynamo: EmbeddedDynamo, scenario: CrashScenario<S>, crashAfter: number): Promise<CrashCaseResult> {
  const world = new GuaranteeWorld(await dynamo.createTable('guarantees'));
  try {
    const state = await scenario.prepare(world, world.process());
    const victim = world.process(crashAfter);
    let crashed = false;
    try {
      await scenario.act(world, victim, state);
    } catch (error) {
      if (!(error instanceof SimulatedCrash) && !victim.life.dead) throw error;
      crashed = true;
    }
    // An operation that swallowed the crash still died with its process.
    crashed ||= victim.life.dead;
    await victim.life.settled();

    const recovery = world.process();
    await scenario.recover?.(world, recovery, state, crashed);
    await world.reconcile(recovery);
    const problems = [
      ...(await world.violations(scenario.invariants)),
      ...(await scenario.assess(world, state, await world.view())),
    ].map((p) => `after recovery: ${p}`);

    await world.drain(recovery);
    const drained = await world.view();
    const dropped = drained.publications
      .filter((p) => p.status === 'scheduled' && Date.parse(p.scheduled_at) < world.clock.now().getTime())
      .map((p) => `${p.publication_id} still scheduled at ${p.scheduled_at}, long past (dropped)`);
    // After the drain, only what is new: a problem the recovery left is listed once.
    const afterRecovery = new Set(problems.map((p) => p.slice('after recovery: '.length)));
    problems.push(
      ...[...(await world.violations(scenario.invariants)), ...dropped, ...(await scenario.assess(world, state, drained))]
        .filter((p) => !afterRecovery.has(p))
        .map((p) => `after drain: ${p}`),
    );
    return {
      writes: victim.life.writes,
      crashed,
      crashPoint: crashed ? victim.life.describeWrite(crashAfter) : 'none',
      log: victim.life.log,
      problems: [...new Set(problems)],
    };
  } finally {
    await world.close();
  }
}

/** The groups the request under test created. */
export function groupsOfOperation(view: TableView) {
  return view.groups.filter((g) => g.request_id === OPERATION_META.request_id);
}

/**
 * A booking fully done (its group scheduled, with all `expected` publications
 * live) or fully undone (its group failed, or never written, owning no live
 * publication, no booking and no schedule). Never left planning.
 */
export function bookingDoneOrUndone(world: GuaranteeWorld, view: TableView, expected: number, groups = groupsOfOperation(view)): string[] {
  const problems: string[] = [];
  for (const group of groups) {
    const own = view.publications.filter((p) => p.group_id === group.group_id);
    const live = own.filter((p) => LIVE.includes(p.status));
    const bookings = [...view.ledgers].flatMap(([channel, list]) =>
      list.filter((b) => b.split('|')[3] === group.group_id).map((b) => `${channel}:${b.split('|')[0]}`),
    );
    const schedules = [...world.scheduler.schedules.keys()].filter((id) => id.startsWith(`${group.group_id}-`));
    if (group.status === 'scheduled' || group.status === 'cancelled') {
      if (live.length !== expected) problems.push(`group ${group.group_id} is ${group.status} with ${live.length} of ${expected} publications live`);
    } else if (group.status === 'planning') {
      problems.push(`group ${group.group_id} is still planning`);
    } else {
      if (live.length > 0) problems.push(`group ${group.group_id} is ${group.status} but owns live ${live.map((p) => `${p.publication_id} (${p.status})`).join(', ')}`);
      if (bookings.length > 0) problems.push(`group ${group.group_id} is ${group.status} but still books ${bookings.join(', ')}`);
      if (schedules.length > 0) problems.push(`group ${group.group_id} is ${group.status} but still has schedules ${schedules.join(', ')}`);
    }
  }
  return problems;
}

/**
 * Declares the crash matrix of one operation (call at a test file's top
 * level, with top-level await): each scenario is run clean once to measure
 * its writes W, then one test per crash point (crashPointsOf(W)), each on a
 * fresh table. The counts are in the describe titles and logged once.
 */
export async function crashMatrix(dynamo: EmbeddedDynamo, operation: string, scenarios: [name: string, scenario: CrashScenario<any>][]): Promise<void> {
  const measured: { name: string; scenario: CrashScenario<any>; clean: CrashCaseResult; points: number[] }[] = [];
  for (const [name, scenario] of scenarios) {
    const clean = await runCrashCase(dynamo, scenario, Infinity);
    measured.push({ name, scenario, clean, points: crashPointsOf(clean.writes) });
  }
  console.info(`${operation} crash points: ${measured.map((m) => `${m.name}: ${m.clean.writes} writes, ${m.points.length} points`).join('; ')}`);

  describe(`${operation} under crashes`, () => {
    for (const { name, scenario, clean, points } of measured) {
      describe(`${name}: ${clean.writes} writes, ${points.length} crash points`, () => {
        it('holds every guarantee when nothing crashes', () => {
          expect(clean.problems, clean.problems.join('\n')).toHaveLength(0);
        });

        it.for(points)('is fully done or fully undone after a crash after write %i and the recovery', async (n) => {
          // Act
          const result = await runCrashCase(dynamo, scenario, n);

          // Assess
          expect(result.crashed).toBe(true);
          expect(result.problems, `crash after ${result.crashPoint}:\n${result.problems.join('\n')}`).toHaveLength(0);
        });
      });
    }
  });
}

/** A dynalite for the file, closed after its tests. */
export async function fileDynamo(): Promise<EmbeddedDynamo> {
  const dynamo = await startEmbeddedDynamo();
  afterAll(async () => dynamo.close());
  return dynamo;
}
