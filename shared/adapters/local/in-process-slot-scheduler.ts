import { logger } from '#shared/logger';
import { systemClock, type Clock } from '#shared/ports/clock';
import type { SlotFiredEvent, SlotSchedule, SlotScheduler, EnsureResult } from '#shared/ports/slot-scheduler';

/**
 * Where an in-process adapter keeps its state between runs (under `npm start`,
 * a JSON file in DATA_DIR). Saves take a reader, not a value, so that many
 * changes in a row cost one write of the latest state.
 */
export interface SnapshotStore<T> {
  load(): Promise<T | undefined>;
  /** Writes the state soon; nobody waits for it (a change that may be lost in a crash, such as a completed delivery). */
  scheduleSave(read: () => T): void;
  /**
   * Writes the state and resolves once it (or a later one) is on disk, or
   * rejects if that write failed: what the AWS call this adapter stands in
   * for promises when it answers (a created schedule, a sent message
   * survives a crash of the caller right after).
   */
  save(read: () => T): Promise<void>;
  /** Resolves once every scheduled save is on disk. */
  flush(): Promise<void>;
}

/** The slot target: functions/scheduled/fire-slot.ts's handler, with the event Scheduler would deliver. */
export type FireSlot = (event: SlotFiredEvent) => Promise<void>;

/** A schedule that has not completed: due at `next_attempt_at` (its fire_at, or a retry's time). */
export interface PendingSchedule {
  slot: SlotSchedule;
  /** Failed deliveries so far. */
  attempts: number;
  next_attempt_at: string;
}

/** A slot whose target kept failing: kept, like Scheduler's dead-letter queue, for an operator to look at. */
export interface DeadLetterSlot {
  event: SlotFiredEvent;
  attempts: number;
  failed_at: string;
  error: string;
}

export interface SlotSchedulerSnapshot {
  version: 1;
  schedules: PendingSchedule[];
  dead_letters: DeadLetterSlot[];
}

export interface SlotRetryPolicy {
  /** Retries after the first delivery fails, before the event is dead-lettered. */
  maxRetries: number;
  /** Retry n waits baseDelayMs x 2^(n-1), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface InProcessSlotSchedulerOptions {
  fire: FireSlot;
  /** Must move with the timers (the system clock does, also under fake timers). */
  clock?: Clock;
  store?: SnapshotStore<SlotSchedulerSnapshot>;
  retry?: Partial<SlotRetryPolicy>;
}

/** The same idea as the AWS schedules' retry policy, on a local scale: a few quick retries. */
export const LOCAL_SLOT_RETRY_POLICY: SlotRetryPolicy = { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** setTimeout's longest delay (about 24.8 days); longer waits are re-armed in chunks. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

interface Entry {
  schedule: PendingSchedule;
  timer: ReturnType<typeof setTimeout> | undefined;
  firing: boolean;
}

/**
 * EventBridge Scheduler's one-time schedules, in process (`npm start`): a
 * timer a slot that, at fire_at, hands the target the slot's event. As in
 * AWS: a completed schedule is deleted (ActionAfterCompletion DELETE), a
 * failing target is retried with backoff and then dead-lettered, and schedule
 * names are unique, so `ensure` creates nothing twice. With a store, pending
 * schedules and dead letters survive a restart; past-due ones fire at once.
 */
export class InProcessSlotScheduler implements SlotScheduler {
  private readonly clock: Clock;
  private readonly retry: SlotRetryPolicy;
  private readonly entries = new Map<string, Entry>();
  private readonly dead: DeadLetterSlot[] = [];
  private readonly deliveries = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: InProcessSlotSchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.retry = { ...LOCAL_SLOT_RETRY_POLICY, ...options.retry };
  }

  /** Restores the stored schedules and dead letters and arms the schedules. */
  async start(): Promise<void> {
    const snapshot = await this.options.store?.load();
    if (!snapshot) return;
    for (const schedule of snapshot.schedules) {
      if (this.entries.has(schedule.slot.slot_id)) continue;
      this.add({ ...schedule, slot: { ...schedule.slot } });
    }
    this.dead.push(...snapshot.dead_letters);
  }

  async ensure(slots: readonly SlotSchedule[]): Promise<EnsureResult> {
    this.assertRunning();
    for (const slot of slots) fireTimeOf(slot);
    let created = 0;
    let existing = 0;
    for (const slot of slots) {
      if (this.entries.has(slot.slot_id)) {
        existing++;
        continue;
      }
      const fireAt = new Date(fireTimeOf(slot)).toISOString();
      this.add({ slot: { slot_id: slot.slot_id, group_id: slot.group_id, fire_at: slot.fire_at }, attempts: 0, next_attempt_at: fireAt });
      created++;
    }
    // Stored before answering, as CreateSchedule's answer means the schedule exists: a caller that commits
    // its booking right after and then dies must find the schedule on restart.
    if (created > 0) await this.persist();
    // A past-due slot fires at once here, so none is ever too late.
    return { created, existing, tooLate: [] };
  }

  async remove(slotIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const slotId of new Set(slotIds)) {
      const entry = this.entries.get(slotId);
      if (!entry) continue;
      clearTimeout(entry.timer);
      // A delivery under way goes on (as in AWS); its outcome no longer touches the schedule.
      this.entries.delete(slotId);
      removed++;
    }
    // Stored before answering, as DeleteSchedule's: a deleted schedule does not come back after a crash.
    if (removed > 0) await this.persist();
    return removed;
  }

  /** Schedules not yet completed, by slot id. */
  pendingSchedules(): PendingSchedule[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry.schedule));
  }

  /** Slots whose target failed every retry, oldest first. */
  deadLetters(): DeadLetterSlot[] {
    return structuredClone(this.dead);
  }

  /** Stops the timers, lets deliveries under way finish and writes the state out. Pending schedules stay stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    await Promise.allSettled([...this.deliveries]);
    this.save();
    await this.options.store?.flush();
  }

  private add(schedule: PendingSchedule): void {
    const entry: Entry = { schedule, timer: undefined, firing: false };
    this.entries.set(schedule.slot.slot_id, entry);
    this.arm(entry);
  }

  /** Sets the entry's timer for its next attempt, in chunks when that is beyond setTimeout's reach. */
  private arm(entry: Entry): void {
    if (this.stopped) return;
    const delay = Date.parse(entry.schedule.next_attempt_at) - this.clock.now().getTime();
    entry.timer =
      delay > MAX_TIMER_DELAY_MS
        ? setTimeout(() => this.arm(entry), MAX_TIMER_DELAY_MS)
        : setTimeout(() => this.deliver(entry), Math.max(0, delay));
    // The timers alone do not keep the process alive; the server does.
    entry.timer.unref?.();
  }

  private deliver(entry: Entry): void {
    entry.timer = undefined;
    if (this.stopped || entry.firing || this.entries.get(entry.schedule.slot.slot_id) !== entry) return;
    entry.firing = true;
    const { slot } = entry.schedule;
    const event: SlotFiredEvent = { slot_id: slot.slot_id, group_id: slot.group_id, fire_at: slot.fire_at };
    const delivery = this.options
      .fire(event)
      .then(
        () => this.completed(entry),
        (error: unknown) => this.failed(entry, event, error),
      )
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  private completed(entry: Entry): void {
    entry.firing = false;
    if (this.entries.get(entry.schedule.slot.slot_id) !== entry) return;
    this.entries.delete(entry.schedule.slot.slot_id);
    this.save();
  }

  private failed(entry: Entry, event: SlotFiredEvent, error: unknown): void {
    entry.firing = false;
    if (this.entries.get(event.slot_id) !== entry) return;
    const attempts = entry.schedule.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (attempts > this.retry.maxRetries) {
      this.entries.delete(event.slot_id);
      this.dead.push({ event, attempts, failed_at: this.clock.now().toISOString(), error: message });
      logger.error('slot target failed every retry; the slot is dead-lettered', { slot_id: event.slot_id, attempts, error: message });
    } else {
      const wait = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempts - 1));
      entry.schedule = { ...entry.schedule, attempts, next_attempt_at: new Date(this.clock.now().getTime() + wait).toISOString() };
      logger.warn('slot target failed; retrying', { slot_id: event.slot_id, attempts, retry_in_ms: wait, error: message });
      this.arm(entry);
    }
    this.save();
  }

  private save(): void {
    this.options.store?.scheduleSave(() => this.snapshot());
  }

  private async persist(): Promise<void> {
    await this.options.store?.save(() => this.snapshot());
  }

  private snapshot(): SlotSchedulerSnapshot {
    return { version: 1, schedules: [...this.entries.values()].map((entry) => entry.schedule), dead_letters: this.dead };
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error('the in-process slot scheduler is stopped');
  }
}

/** The slot's fire time in epoch milliseconds; an unreadable one is refused as Scheduler would. */
function fireTimeOf(slot: SlotSchedule): number {
  const at = Date.parse(slot.fire_at);
  if (Number.isNaN(at)) throw new Error(`slot ${slot.slot_id}: fire_at '${slot.fire_at}' is not an ISO 8601 instant`);
  return at;
}
