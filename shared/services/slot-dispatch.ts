import type { RequestMeta } from '#shared/domain/activity';
import { isoOf } from '#shared/domain/publication-group';
import { triggerPriorityOf, type Publication } from '#shared/domain/publication';
import { mapConcurrent } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SlotFiredEvent } from '#shared/ports/slot-scheduler';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { MAX_TRIGGER_BYTES, MAX_TRIGGER_DELAY_SECONDS, type PipelineTrigger, type TriggerQueue } from '#shared/ports/trigger-queue';
import { AuditRecorder } from './audit-recorder';

/** Publications read a page at a time from a slot or a status. */
const PAGE_SIZE = 100;
/** Conditional status changes in flight at once. */
const UPDATE_CONCURRENCY = 16;
/** Triggers a SendMessageBatch carries at most. */
const SEND_BATCH = 10;
/**
 * EventBridge Scheduler fires within the minute of a slot: a firing up to
 * this early is the slot's own (its triggers are delayed to its second);
 * anything earlier is refused.
 */
export const EARLY_LIMIT_MS = 60_000;

export interface SlotDispatchDeps {
  publications: PublicationRepository;
  groups: PublicationGroupRepository;
  state: SystemStateRepository;
  queue: TriggerQueue;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
}

export interface FireResult {
  slot_id: string;
  /**
   * skipped: cancelled, rolled back, or nothing left to send; not_due:
   * invoked more than a minute before its time; uncommitted: its group's
   * request is still booking (or died doing so), so nothing of it may fire yet.
   */
  outcome: 'dispatched' | 'held' | 'skipped' | 'not_due' | 'uncommitted';
  dispatched: number;
  held: number;
}

/**
 * What happens when a slot's time comes, and when held work may go.
 *
 * Firing a slot: reads its publications page by page (through the slot
 * index). While the system runs, each `scheduled` one is moved to
 * `dispatching` by a conditional write and only the publications a call
 * moved are enqueued, one trigger per channel, in parts when one message
 * could not hold them all (SendMessageBatch, up to 10 a call):
 * a slot fired twice, even at once, dispatches nothing twice. While paused or
 * stopped, they become `held` instead. Held publications are released on
 * start and resume, in scheduled order.
 *
 * Nothing waits for a slot's second: Scheduler fires within its minute, so a
 * firing up to a minute early moves the publications now and has the queue
 * deliver their triggers at the slot's second (SQS DelaySeconds, rounded up,
 * so never early). A trigger delivered while paused is held by its consumer.
 */
export class SlotDispatch {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: SlotDispatchDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  /**
   * Fires a slot. `known`: its publications as the caller just wrote them (a
   * booking firing a slot already due): read through the slot index instead,
   * they could be missed by an index that has not caught up yet (in AWS,
   * GSIs are eventually consistent).
   */
  async fire(
    event: SlotFiredEvent,
    meta: RequestMeta = { actor: 'scheduler', request_id: event.slot_id },
    known?: readonly Publication[],
  ): Promise<FireResult> {
    const [slot, group] = await Promise.all([this.deps.groups.getSlot(event.group_id, event.fire_at), this.deps.groups.get(event.group_id)]);
    if (slot?.status === 'cancelled') return { slot_id: event.slot_id, outcome: 'skipped', dispatched: 0, held: 0 };
    // What is not committed never fires: the commit (or the rollback) decides, and a later firing acts on it.
    if (group?.status === 'planning') return { slot_id: event.slot_id, outcome: 'uncommitted', dispatched: 0, held: 0 };
    // Only a committed group fires: one rolled back (failed) or cancelled has nothing to send.
    if (group?.status !== 'scheduled') return { slot_id: event.slot_id, outcome: 'skipped', dispatched: 0, held: 0 };
    // Scheduler fires within the minute of the slot: the triggers wait out the seconds in the queue; anything earlier is refused.
    const now = this.deps.clock.now().getTime();
    if (Date.parse(event.fire_at) - now > EARLY_LIMIT_MS) return { slot_id: event.slot_id, outcome: 'not_due', dispatched: 0, held: 0 };
    const delay = { delaySeconds: delaySecondsUntil(event.fire_at, now) };

    const state = await this.deps.state.get();
    const hold = state.status !== 'running';
    const at = isoOf(now);
    const triggers = new TriggerBuffer(event.slot_id, at);
    const outbox: PipelineTrigger[] = [];
    const channels = new Set<string>();
    let dispatched = 0;
    let held = 0;
    let cursor: string | undefined;
    do {
      // Known publications are one page in the slot index's order (by channel), so triggers group the same way.
      const page = known
        ? { items: [...known].sort((a, b) => (a.channel_id < b.channel_id ? -1 : a.channel_id > b.channel_id ? 1 : 0)), next_cursor: null }
        : await this.deps.publications.listBySlot(event.slot_id, PAGE_SIZE, cursor);
      const due = page.items.filter((p) => p.status === 'scheduled');
      const moved = (
        await mapConcurrent(due, UPDATE_CONCURRENCY, (p) =>
          this.deps.publications.changeStatus(p, {
            from: ['scheduled'],
            to: hold ? 'held' : 'dispatching',
            at,
            reason: hold ? `system ${state.status} when its slot fired` : null,
          }),
        )
      ).filter((p): p is Publication => p !== null);
      moved.forEach((p) => channels.add(p.channel_id));
      if (hold) {
        held += moved.length;
      } else {
        dispatched += moved.length;
        triggers.add(moved);
        // The slot index is ordered by channel: every channel before the page's last is complete.
        outbox.push(...triggers.takeAllBut(page.items[page.items.length - 1]?.channel_id));
        // Only whole batches go now, so a slot costs about ceil(triggers / 10) SendMessageBatch calls
        // (more when large triggers make the queue send fewer a call).
        await this.deps.queue.send(outbox.splice(0, outbox.length - (outbox.length % SEND_BATCH)), delay);
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    await this.deps.queue.send([...outbox, ...triggers.takeAllBut(undefined)], delay);

    if (slot) await this.deps.groups.markSlotFired(event.group_id, event.fire_at, { at, dispatched, held });
    // A start or resume that came while this firing held work may have released before it held: release again.
    if (hold && held > 0 && (await this.deps.state.get()).status === 'running') await this.releaseHeld(meta);
    if (dispatched + held > 0) {
      await this.audit.record(meta, {
        type: hold ? 'publications.held' : 'slot.fired',
        target: { type: 'slot', id: event.slot_id },
        channelIds: [...channels],
        details: {
          slot_id: event.slot_id,
          fire_at: event.fire_at,
          ...(hold ? { held, system_status: state.status } : { dispatched, triggers: channels.size }),
        },
      });
    }
    return { slot_id: event.slot_id, outcome: hold ? 'held' : dispatched > 0 ? 'dispatched' : 'skipped', dispatched, held };
  }

  /**
   * Sends held publications on, earliest scheduled first, one trigger per
   * slot and channel, while the system is running; one held by a firing
   * before its second goes out delayed to it. Returns how many went.
   */
  async releaseHeld(meta: RequestMeta): Promise<number> {
    let released = 0;
    const channels = new Set<string>();
    let cursor: string | undefined;
    do {
      if ((await this.deps.state.get()).status !== 'running') break;
      const page = await this.deps.publications.listByStatus('held', PAGE_SIZE, cursor);
      const now = this.deps.clock.now().getTime();
      const at = isoOf(now);
      const moved = (
        await mapConcurrent(page.items, UPDATE_CONCURRENCY, (p) =>
          this.deps.publications.changeStatus(p, { from: ['held'], to: 'dispatching', at, reason: null }),
        )
      ).filter((p): p is Publication => p !== null);
      // Held by a firing a few seconds early, then released at once: still never early. A slot's publications share one time.
      const byDelay = new Map<number, Publication[]>();
      for (const p of moved) {
        const delaySeconds = delaySecondsUntil(p.scheduled_at, now);
        const same = byDelay.get(delaySeconds);
        if (same) same.push(p);
        else byDelay.set(delaySeconds, [p]);
      }
      for (const [delaySeconds, publications] of byDelay) await this.deps.queue.send(triggersOf(publications, at), { delaySeconds });
      moved.forEach((p) => channels.add(p.channel_id));
      released += moved.length;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    if (released > 0) {
      await this.audit.record(meta, {
        type: 'publications.released',
        target: { type: 'system', id: 'orchestration' },
        channelIds: [...channels],
        details: { released },
      });
    }
    return released;
  }

  /** Sends the triggers of publications that are `dispatching` again (their first send may have been lost), with no delay: they are long due. */
  async resend(publications: Publication[]): Promise<void> {
    await this.deps.queue.send(triggersOf(publications, isoOf(this.deps.clock.now().getTime())));
  }
}

/**
 * Whole seconds from `now` (epoch ms) to `at`, rounded up so a trigger is
 * never received before its time; 0 once it has come. Capped at the queue's
 * longest delay, which a firing (at most a minute early) never reaches.
 */
export function delaySecondsUntil(at: string, now: number): number {
  return Math.min(MAX_TRIGGER_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(at) - now) / 1000)));
}

/**
 * The triggers of `publications`: one for each (slot, channel), earliest
 * first, in the order first met; a group too large for one message goes out
 * in parts (see triggerPartsOf).
 */
export function triggersOf(publications: Publication[], at: string): PipelineTrigger[] {
  const byKey = new Map<string, Publication[]>();
  for (const p of [...publications].sort((a, b) => (a.scheduled_at < b.scheduled_at ? -1 : a.scheduled_at > b.scheduled_at ? 1 : 0))) {
    const key = triggerKeyOf(p.slot_id, p.channel_id);
    const group = byKey.get(key);
    if (group) group.push(p);
    else byKey.set(key, [p]);
  }
  return [...byKey].flatMap(([key, group]) => triggerPartsOf(key, group, at));
}

/** What a (slot, channel) group's trigger is named after. */
function triggerKeyOf(slotId: string, channelId: string): string {
  return `${slotId}/${channelId}`;
}

/** Room kept in a part's size for its `#<part>` suffix, which is only known once the group is split. */
const PART_SUFFIX_ROOM = '#999999'.length;

/**
 * One (slot, channel) group's triggers, in its order: one trigger named
 * `key` when its JSON stays within MAX_TRIGGER_BYTES, or else consecutive
 * parts named `key#1`, `key#2`, ..., each filled up to the bound. Sizes are
 * the bytes of the JSON as sent (a trigger's envelope plus each publication's
 * JSON and the commas between them), not an estimate per item, so a group of
 * any size and id lengths fits. The same group in the same order always
 * makes the same parts.
 */
export function triggerPartsOf(key: string, group: Publication[], at: string): PipelineTrigger[] {
  const whole = toTrigger(key, group, at);
  if (bytesOf(whole) <= MAX_TRIGGER_BYTES) return [whole];
  // The envelope of a part with no publications, its id as long as a part's can be.
  const envelope = bytesOf({ ...whole, trigger_id: key + '#'.padEnd(PART_SUFFIX_ROOM, '9'), publications: [] });
  const parts: Publication[][] = [];
  let current: Publication[] = [];
  let bytes = envelope;
  for (const p of group) {
    const size = bytesOf(entryOf(p));
    // The comma before it, unless it opens the part.
    if (current.length > 0 && bytes + 1 + size > MAX_TRIGGER_BYTES) {
      parts.push(current);
      current = [];
      bytes = envelope;
    }
    bytes += size + (current.length > 0 ? 1 : 0);
    current.push(p);
  }
  if (current.length > 0) parts.push(current);
  return parts.map((part, i) => toTrigger(`${key}#${i + 1}`, part, at));
}

function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function entryOf(p: Publication): PipelineTrigger['publications'][number] {
  return { publication_id: p.publication_id, video_id: p.video_id };
}

function toTrigger(triggerId: string, group: Publication[], at: string): PipelineTrigger {
  const first = group[0] as Publication;
  return {
    trigger_id: triggerId,
    channel_id: first.channel_id,
    slot_id: first.slot_id,
    publications: group.map(entryOf),
    // Each part carries its own publications' priority: a high one is not slowed by the normal ones of its group.
    priority: triggerPriorityOf(group.reduce((max, p) => Math.max(max, p.priority), Number.NEGATIVE_INFINITY)),
    enqueued_at: at,
  };
}

/** Collects one slot's dispatched publications per channel until a channel is complete. */
class TriggerBuffer {
  private readonly byChannel = new Map<string, Publication[]>();

  constructor(
    private readonly slotId: string,
    private readonly at: string,
  ) {}

  add(publications: Publication[]): void {
    for (const p of publications) {
      const group = this.byChannel.get(p.channel_id);
      if (group) group.push(p);
      else this.byChannel.set(p.channel_id, [p]);
    }
  }

  /** The triggers of every buffered channel except `open` (whose publications may continue on the next page). */
  takeAllBut(open: string | undefined): PipelineTrigger[] {
    const ready = [...this.byChannel].filter(([channel]) => channel !== open);
    ready.forEach(([channel]) => this.byChannel.delete(channel));
    return ready.flatMap(([channel, group]) => triggerPartsOf(triggerKeyOf(this.slotId, channel), group, this.at));
  }
}
