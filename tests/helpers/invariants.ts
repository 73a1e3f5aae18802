import { isShadow, LEDGER_KEEP_PAST_MS } from '#shared/domain/channel-ledger';
import { localDayOf } from '#shared/domain/planner/local-time';
import type { PublicationStatus } from '#shared/domain/publication';
import type { TableContext } from '#shared/adapters/dynamodb/document-client';
import type { Clock } from '#shared/ports/clock';
import type { SlotSchedule } from '#shared/ports/slot-scheduler';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import { scanTable } from './embedded-table';

/**
 * The booking's guarantees (SPEC "Guarantees") as checks on a whole world at
 * rest: the table read by a Scan, the schedules the scheduler holds, the
 * triggers the queue was sent, the clock, and what the API accepted. Every
 * fault-injection and concurrency test asks this one module, so a guarantee
 * is written down once and every test holds the system to the same reading.
 *
 * Run it when nothing is in flight: a booking half-way through is allowed
 * transient states (a shadow booking, a group `planning`) that these reject.
 */

export const INVARIANTS = [
  'accepted_exist_once',
  'live_only_if_committed',
  'gap_and_cap',
  'no_pending_on_deleted_channel',
  'ledger_agrees',
  'scheduled_has_schedule',
  'dispatched_once',
  'nothing_held_while_running',
  'one_workflow_run_per_trigger',
  'one_final_state_per_run',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Violation {
  invariant: InvariantName;
  detail: string;
}

/** Publications that hold (or held) a channel's time: they count against its gap and daily cap. */
export const LIVE_STATUSES: readonly PublicationStatus[] = ['scheduled', 'held', 'dispatching', 'dispatched', 'succeeded'];
/** Publications that have not gone out: cancellable, blocking a channel's deletion. */
export const PENDING_STATUSES_CHECKED: readonly PublicationStatus[] = ['scheduled', 'held'];
/** Publications a trigger must have carried. */
export const SENT_STATUSES: readonly PublicationStatus[] = ['dispatching', 'dispatched', 'succeeded', 'failed'];

export interface InvariantOptions {
  /**
   * A publication may appear in more than one sent trigger (a trigger re-sent
   * by the reconciliation, or sent again after a pause): the consumer records
   * it once. Off by default: then every sent publication is in exactly one.
   */
  triggersMayRepeat?: boolean;
  /** Channels known to be deleted, besides those the table shows (referenced, with no channel item). */
  deletedChannels?: readonly string[];
}

/** Everything the checks read, already collected: what the unit tests build by hand. */
export interface WorldSnapshot {
  /** Every item of the table, as stored. */
  items: readonly Record<string, unknown>[];
  /** The schedules the scheduler holds now. */
  schedules: readonly SlotSchedule[];
  /** Every trigger ever sent to the queue. */
  triggers: readonly PipelineTrigger[];
  /** The clock's now, epoch milliseconds. */
  now: number;
  /** Publication ids that answers 201/202 returned to callers. */
  accepted: readonly string[];
  /** The workflow runs GitHub started, each with the inputs of its dispatch, when the world has a GitHub. */
  workflowRuns?: readonly WorkflowRunSeen[];
}

/** A workflow run as GitHub holds it: what the run checks need. */
export interface WorkflowRunSeen {
  github_run_id: number;
  inputs: Record<string, string>;
}

/** A running world: read whole by `checkInvariants`. */
export interface World {
  table: TableContext;
  scheduler: { readonly schedules: ReadonlyMap<string, SlotSchedule> };
  queue: { readonly triggers: readonly PipelineTrigger[] };
  clock: Clock;
  accepted: Iterable<string>;
  /** GitHub, when the world has one (the dispatcher's). */
  github?: { readonly runs: readonly WorkflowRunSeen[] };
}

/** Reads the whole world (a Scan: tests only) and returns every violation found, none when the guarantees hold. */
export async function checkInvariants(world: World, options: InvariantOptions = {}): Promise<Violation[]> {
  return invariantViolations(
    {
      items: await scanTable(world.table),
      schedules: [...world.scheduler.schedules.values()],
      triggers: world.queue.triggers,
      now: world.clock.now().getTime(),
      accepted: [...world.accepted],
      ...(world.github ? { workflowRuns: world.github.runs } : {}),
    },
    options,
  );
}

/** The violations in a collected world, in a stable order (by invariant, then detail). */
export function invariantViolations(snapshot: WorldSnapshot, options: InvariantOptions = {}): Violation[] {
  const world = readWorld(snapshot);
  const violations = [
    ...acceptedExistOnce(world),
    ...liveOnlyIfCommitted(world),
    ...gapAndCap(world),
    ...noPendingOnDeletedChannel(world, options.deletedChannels ?? []),
    ...ledgerAgrees(world),
    ...scheduledHasSchedule(world),
    ...dispatchedOnce(world, options.triggersMayRepeat ?? false),
    ...nothingHeldWhileRunning(world),
    ...oneWorkflowRunPerTrigger(world),
    ...oneFinalStatePerRun(world),
  ];
  return violations.sort((a, b) =>
    a.invariant === b.invariant ? compare(a.detail, b.detail) : INVARIANTS.indexOf(a.invariant) - INVARIANTS.indexOf(b.invariant),
  );
}

/** One line a violation (`invariant: detail`): what a failing test prints. */
export function describeViolations(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.invariant}: ${v.detail}`);
}

// ---- the world as the checks read it ----

interface StoredPublication {
  publication_id: string;
  group_id: string;
  video_id: string;
  channel_id: string;
  scheduled_at: string;
  at: number;
  status: PublicationStatus;
  slot_id: string;
}

interface StoredGroup {
  group_id: string;
  status: string;
  total_publications: number;
  first_at: string | null;
  committed_at: string | null;
}

interface StoredChannel {
  channel_id: string;
  timezone: string;
  min_gap_minutes: number;
  max_per_day: number | null;
}

interface StoredBooking {
  publication_id: string;
  at: number;
  group_id: string;
}

interface StoredRun {
  run_id: string;
  channel_id: string;
  route: string;
  status: string;
  trigger_id: string;
  publications: { publication_id: string; video_id: string }[];
}

interface StoredActivity {
  activity_id: string;
  type: string;
  target_id: string;
}

interface ReadWorld {
  runs: Map<string, StoredRun>;
  /** Activity entries (one each, whatever its per-channel copies). */
  activity: Map<string, StoredActivity>;
  /** Run ids counted in each channel's daily statistics, once per counted day item. */
  countedRuns: string[];
  /** Publications counted by the channels' day items and by the overall day items (every channel's), summed. */
  countedTotals: { channels: number; overall: number };
  workflowRuns: readonly WorkflowRunSeen[] | null;
  publications: Map<string, StoredPublication>;
  groups: Map<string, StoredGroup>;
  channels: Map<string, StoredChannel>;
  ledgers: Map<string, StoredBooking[]>;
  systemStatus: string | null;
  schedules: readonly SlotSchedule[];
  triggers: readonly PipelineTrigger[];
  now: number;
  accepted: readonly string[];
}

function readWorld(snapshot: WorldSnapshot): ReadWorld {
  const world: ReadWorld = {
    runs: new Map(),
    activity: new Map(),
    countedRuns: [],
    countedTotals: { channels: 0, overall: 0 },
    workflowRuns: snapshot.workflowRuns ?? null,
    publications: new Map(),
    groups: new Map(),
    channels: new Map(),
    ledgers: new Map(),
    systemStatus: null,
    schedules: snapshot.schedules,
    triggers: snapshot.triggers,
    now: snapshot.now,
    accepted: snapshot.accepted,
  };
  for (const item of snapshot.items) {
    switch (item.entity) {
      case 'publication': {
        const p = item as unknown as StoredPublication;
        world.publications.set(p.publication_id, { ...p, at: Date.parse(p.scheduled_at) });
        break;
      }
      case 'group':
        world.groups.set(String(item.group_id), {
          group_id: String(item.group_id),
          status: String(item.status),
          total_publications: Number(item.total_publications ?? 0),
          first_at: (item.first_at as string | null | undefined) ?? null,
          committed_at: (item.committed_at as string | null | undefined) ?? null,
        });
        break;
      case 'channel': {
        const publishing = (item.publishing ?? {}) as Record<string, unknown>;
        world.channels.set(String(item.channel_id), {
          channel_id: String(item.channel_id),
          timezone: String(publishing.timezone ?? 'UTC'),
          min_gap_minutes: Number(publishing.min_gap_minutes ?? 0),
          max_per_day: publishing.max_per_day === null || publishing.max_per_day === undefined ? null : Number(publishing.max_per_day),
        });
        break;
      }
      case 'pipeline_run':
        world.runs.set(String(item.run_id), item as unknown as StoredRun);
        break;
      case 'activity': {
        const target = (item.target ?? {}) as { id?: string };
        world.activity.set(String(item.activity_id), { activity_id: String(item.activity_id), type: String(item.type), target_id: String(target.id ?? '') });
        break;
      }
      case 'channel_day_statistics':
        world.countedRuns.push(...[...((item.counted_runs as Iterable<string> | undefined) ?? [])]);
        world.countedTotals.channels += Number(item.total ?? 0);
        break;
      case 'overall_day_statistics':
        world.countedTotals.overall += Number(item.total ?? 0);
        break;
      case 'ledger':
        world.ledgers.set(String(item.channel_id), ((item.bookings as string[] | undefined) ?? []).map(decodeBooking));
        break;
      default:
        if (item.pk === 'SYSTEM' && item.sk === 'STATE') world.systemStatus = String(item.status);
    }
  }
  return world;
}

/** The ledger's stored form (`publication_id|at_ms|priority|group_id`, shared/adapters/dynamodb/ledger-repository.ts). */
function decodeBooking(text: string): StoredBooking {
  const [publication_id = '', at = '0', , group_id = ''] = text.split('|');
  return { publication_id, at: Number(at), group_id };
}

const iso = (ms: number) => new Date(ms).toISOString();
const isLive = (p: StoredPublication) => LIVE_STATUSES.includes(p.status);
const isPending = (p: StoredPublication) => PENDING_STATUSES_CHECKED.includes(p.status);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function byChannel(publications: Iterable<StoredPublication>): Map<string, StoredPublication[]> {
  const grouped = new Map<string, StoredPublication[]>();
  for (const p of publications) {
    const list = grouped.get(p.channel_id);
    if (list) list.push(p);
    else grouped.set(p.channel_id, [p]);
  }
  return grouped;
}

/**
 * Whether a group's booking committed: `scheduled`, or `cancelled` after
 * having been scheduled. A group's commit is what fills in its totals (or,
 * should the commit record it, `committed_at`); a group cancelled while still
 * planning has none of them.
 */
export function wasCommitted(group: Pick<StoredGroup, 'status' | 'total_publications' | 'first_at' | 'committed_at'>): boolean {
  if (group.status === 'scheduled') return true;
  return group.status === 'cancelled' && (group.committed_at !== null || group.total_publications > 0 || group.first_at !== null);
}

// ---- the checks ----

function acceptedExistOnce(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  for (const id of new Set(world.accepted)) {
    if (!world.publications.has(id)) violations.push({ invariant: 'accepted_exist_once', detail: `accepted publication ${id} does not exist` });
  }
  const seen = new Map<string, string>();
  for (const p of world.publications.values()) {
    if (!isLive(p)) continue;
    const key = `${p.group_id}/${p.video_id}/${p.channel_id}`;
    const first = seen.get(key);
    if (first) {
      violations.push({ invariant: 'accepted_exist_once', detail: `${first} and ${p.publication_id} are both live for ${key}` });
    } else {
      seen.set(key, p.publication_id);
    }
  }
  return violations;
}

function liveOnlyIfCommitted(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  for (const p of world.publications.values()) {
    if (!isLive(p)) continue;
    const group = world.groups.get(p.group_id);
    if (!group) {
      violations.push({ invariant: 'live_only_if_committed', detail: `${p.publication_id} is ${p.status} but its group ${p.group_id} does not exist` });
    } else if (!wasCommitted(group)) {
      violations.push({
        invariant: 'live_only_if_committed',
        detail: `${p.publication_id} is ${p.status} but its group ${p.group_id} is ${group.status}${group.status === 'cancelled' ? ' (never scheduled)' : ''}`,
      });
    }
  }
  return violations;
}

function gapAndCap(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  for (const [channelId, publications] of byChannel([...world.publications.values()].filter(isLive))) {
    const channel = world.channels.get(channelId);
    if (!channel) continue; // a deleted channel: see no_pending_on_deleted_channel
    const sorted = publications.sort((a, b) => a.at - b.at || compare(a.publication_id, b.publication_id));
    const gapMs = channel.min_gap_minutes * 60_000;
    for (let i = 1; i < sorted.length; i++) {
      const [before, after] = [sorted[i - 1] as StoredPublication, sorted[i] as StoredPublication];
      if (after.at - before.at < gapMs) {
        violations.push({
          invariant: 'gap_and_cap',
          detail: `${channelId}: ${before.publication_id} at ${before.scheduled_at} and ${after.publication_id} at ${after.scheduled_at} are ${(after.at - before.at) / 60_000} min apart (min_gap_minutes ${channel.min_gap_minutes})`,
        });
      }
    }
    if (channel.max_per_day === null) continue;
    const perDay = new Map<number, StoredPublication[]>();
    for (const p of sorted) {
      const day = localDayOf(channel.timezone, p.at);
      perDay.set(day, [...(perDay.get(day) ?? []), p]);
    }
    for (const [day, list] of perDay) {
      if (list.length > channel.max_per_day) {
        violations.push({
          invariant: 'gap_and_cap',
          detail: `${channelId}: ${list.length} publications on local day ${iso(day * 86_400_000).slice(0, 10)} (${channel.timezone}), max_per_day ${channel.max_per_day}: ${list.map((p) => p.publication_id).join(', ')}`,
        });
      }
    }
  }
  return violations;
}

function noPendingOnDeletedChannel(world: ReadWorld, deleted: readonly string[]): Violation[] {
  const known = new Set(deleted);
  return [...world.publications.values()]
    .filter((p) => isPending(p) && (known.has(p.channel_id) || !world.channels.has(p.channel_id)))
    .map((p) => ({
      invariant: 'no_pending_on_deleted_channel' as const,
      detail: `${p.publication_id} is ${p.status} on deleted channel ${p.channel_id}`,
    }));
}

function ledgerAgrees(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  const oldest = world.now - LEDGER_KEEP_PAST_MS;
  // Bookings older than the ledger keeps are pruned by any write: only recent or future ones must be there.
  const pendingByChannel = byChannel([...world.publications.values()].filter((p) => isPending(p) && p.at >= oldest));
  for (const [channelId, pending] of pendingByChannel) {
    const bookings = world.ledgers.get(channelId) ?? [];
    for (const p of pending) {
      if (!bookings.some((b) => b.publication_id === p.publication_id && b.at === p.at)) {
        const elsewhere = bookings.find((b) => b.publication_id === p.publication_id);
        violations.push({
          invariant: 'ledger_agrees',
          detail: `${p.status} ${p.publication_id} at ${p.scheduled_at} on ${channelId} has no booking${elsewhere ? ` (booked at ${iso(elsewhere.at)})` : ''}`,
        });
      }
    }
  }
  for (const [channelId, bookings] of world.ledgers) {
    for (const b of bookings) {
      if (isShadow(b.publication_id)) {
        violations.push({ invariant: 'ledger_agrees', detail: `${channelId}: shadow booking ${b.publication_id} at ${iso(b.at)} left over` });
        continue;
      }
      if (b.at < oldest) continue;
      const p = world.publications.get(b.publication_id);
      // A publication that failed went out: its time was used, and its booking rightly stays.
      const holdsIt = p && p.channel_id === channelId && p.at === b.at && (isLive(p) || p.status === 'failed');
      if (!holdsIt) {
        violations.push({
          invariant: 'ledger_agrees',
          detail: `${channelId}: booking ${b.publication_id} at ${iso(b.at)} (group ${b.group_id}) ${
            p ? `belongs to a publication ${p.status} at ${p.scheduled_at} on ${p.channel_id}` : 'belongs to no publication'
          }`,
        });
      }
    }
  }
  return violations;
}

function scheduledHasSchedule(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  const scheduleIds = new Set(world.schedules.map((s) => s.slot_id));
  const scheduledSlots = new Set<string>();
  for (const p of world.publications.values()) {
    if (p.status !== 'scheduled') continue;
    scheduledSlots.add(p.slot_id);
    if (p.at > world.now && !scheduleIds.has(p.slot_id)) {
      violations.push({ invariant: 'scheduled_has_schedule', detail: `${p.publication_id} at ${p.scheduled_at} has no schedule for its slot ${p.slot_id}` });
    }
  }
  for (const s of world.schedules) {
    if (Date.parse(s.fire_at) > world.now && !scheduledSlots.has(s.slot_id)) {
      violations.push({ invariant: 'scheduled_has_schedule', detail: `schedule ${s.slot_id} at ${s.fire_at} has no scheduled publication` });
    }
  }
  return violations;
}

function dispatchedOnce(world: ReadWorld, mayRepeat: boolean): Violation[] {
  const violations: Violation[] = [];
  const sent = new Map<string, number>();
  for (const trigger of world.triggers) {
    for (const { publication_id } of trigger.publications) sent.set(publication_id, (sent.get(publication_id) ?? 0) + 1);
  }
  for (const p of world.publications.values()) {
    const times = sent.get(p.publication_id) ?? 0;
    if (SENT_STATUSES.includes(p.status) && times === 0) {
      violations.push({ invariant: 'dispatched_once', detail: `${p.publication_id} is ${p.status} but no trigger carried it` });
    }
    if (times > 1 && !mayRepeat) {
      violations.push({ invariant: 'dispatched_once', detail: `${p.publication_id} (${p.status}) was sent in ${times} triggers` });
    }
    // Sent yet still waiting for its slot: the slot would send it a second time.
    if (times > 0 && p.status === 'scheduled') {
      violations.push({ invariant: 'dispatched_once', detail: `${p.publication_id} was sent but is still scheduled` });
    }
  }
  for (const id of sent.keys()) {
    if (!world.publications.has(id)) violations.push({ invariant: 'dispatched_once', detail: `a trigger carried ${id}, which does not exist` });
  }
  return violations;
}

function nothingHeldWhileRunning(world: ReadWorld): Violation[] {
  if (world.systemStatus !== 'running') return [];
  return [...world.publications.values()]
    .filter((p) => p.status === 'held')
    .map((p) => ({ invariant: 'nothing_held_while_running' as const, detail: `${p.publication_id} is held while the system runs` }));
}

const FINAL_RUN_STATUSES = ['succeeded', 'failed'];

/**
 * One workflow run per trigger (issue 9): each publication is carried by at
 * most one run (a trigger delivered twice, re-sent, or split, becomes the
 * same runs); GitHub started at most one workflow run for each of our runs,
 * and none for a run we do not have; a GitHub-routed run that left `queued`
 * for `dispatched`, `in_progress` or `succeeded` has its workflow run.
 */
function oneWorkflowRunPerTrigger(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  const carriedBy = new Map<string, string>();
  for (const run of world.runs.values()) {
    for (const { publication_id } of run.publications) {
      const other = carriedBy.get(publication_id);
      if (other && other !== run.run_id) {
        violations.push({ invariant: 'one_workflow_run_per_trigger', detail: `${publication_id} is carried by runs ${other} and ${run.run_id}` });
      }
      carriedBy.set(publication_id, run.run_id);
    }
  }
  if (world.workflowRuns === null) return violations;
  const started = new Map<string, number>();
  for (const w of world.workflowRuns) started.set(w.inputs.run_id ?? '', (started.get(w.inputs.run_id ?? '') ?? 0) + 1);
  for (const [runId, times] of started) {
    if (!world.runs.has(runId)) violations.push({ invariant: 'one_workflow_run_per_trigger', detail: `GitHub ran a workflow for ${runId || 'no run id'}, which is no run of ours` });
    if (times > 1) violations.push({ invariant: 'one_workflow_run_per_trigger', detail: `GitHub started ${times} workflow runs for ${runId}` });
  }
  for (const run of world.runs.values()) {
    const shouldHaveOne = run.route === 'github_actions' && ['dispatched', 'in_progress', 'succeeded'].includes(run.status);
    if (shouldHaveOne && !started.has(run.run_id)) {
      violations.push({ invariant: 'one_workflow_run_per_trigger', detail: `${run.run_id} is ${run.status} but GitHub never started its workflow` });
    }
  }
  return violations;
}

/**
 * One final state per run (issue 9): a finished run's publications finished
 * with it (none left dispatching or dispatched, and the same outcome as the
 * run's), it is counted once in the daily statistics, and one activity entry
 * tells how it ended, never two (nor a success and a failure).
 */
function oneFinalStatePerRun(world: ReadWorld): Violation[] {
  const violations: Violation[] = [];
  const counted = new Map<string, number>();
  for (const id of world.countedRuns) counted.set(id, (counted.get(id) ?? 0) + 1);
  const endings = new Map<string, StoredActivity[]>();
  for (const entry of world.activity.values()) {
    if (entry.type !== 'pipeline.succeeded' && entry.type !== 'pipeline.failed') continue;
    endings.set(entry.target_id, [...(endings.get(entry.target_id) ?? []), entry]);
  }
  const { channels, overall } = world.countedTotals;
  if (channels !== overall) {
    violations.push({ invariant: 'one_final_state_per_run', detail: `the channels' day statistics count ${channels} publications, the overall ones ${overall}` });
  }
  for (const [runId, entries] of endings) {
    if (entries.length > 1) violations.push({ invariant: 'one_final_state_per_run', detail: `${runId} has ${entries.length} ending entries (${entries.map((e) => e.type).join(', ')})` });
  }
  for (const run of world.runs.values()) {
    const times = counted.get(run.run_id) ?? 0;
    if (times > 1) violations.push({ invariant: 'one_final_state_per_run', detail: `${run.run_id} is counted ${times} times in the daily statistics` });
    if (!FINAL_RUN_STATUSES.includes(run.status)) continue;
    const ending = endings.get(run.run_id)?.[0];
    if (ending && ending.type !== `pipeline.${run.status}`) {
      violations.push({ invariant: 'one_final_state_per_run', detail: `${run.run_id} is ${run.status} but its activity says ${ending.type}` });
    }
    for (const { publication_id } of run.publications) {
      const p = world.publications.get(publication_id);
      if (!p) continue;
      if (p.status === 'dispatching' || p.status === 'dispatched' || p.status === 'held') {
        violations.push({ invariant: 'one_final_state_per_run', detail: `${publication_id} is ${p.status} though its run ${run.run_id} is ${run.status}` });
      } else if (run.status === 'succeeded' && p.status !== 'succeeded') {
        violations.push({ invariant: 'one_final_state_per_run', detail: `${publication_id} is ${p.status} though its run ${run.run_id} succeeded` });
      }
    }
  }
  return violations;
}
