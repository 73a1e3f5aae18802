import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InProcessSlotScheduler,
  MAX_TIMER_DELAY_MS,
  type SlotSchedulerSnapshot,
  type SnapshotStore,
} from '#shared/adapters/local/in-process-slot-scheduler';
import type { SlotFiredEvent, SlotSchedule } from '#shared/ports/slot-scheduler';
import { JsonSnapshotFile } from '#infra/local/json-snapshot-file';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;

const slot = (slotId: string, fireAt: Date | string, groupId = 'coord_1'): SlotSchedule => ({
  slot_id: slotId,
  group_id: groupId,
  fire_at: typeof fireAt === 'string' ? fireAt : fireAt.toISOString().replace('.000Z', 'Z'),
});
const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1_000);

/** A store that keeps the last saved snapshot in memory, as the JSON file would on disk. */
class MemoryStore<T> implements SnapshotStore<T> {
  saved: T | undefined;
  async load() {
    return this.saved === undefined ? undefined : (structuredClone(this.saved) as T);
  }
  scheduleSave(read: () => T) {
    this.saved = structuredClone(read());
  }
  async save(read: () => T) {
    this.scheduleSave(read);
  }
  async flush() {}
}

/** A store whose `save` settles only when the test says: what a slow or failing disk looks like to the scheduler. */
class HeldStore<T> extends MemoryStore<T> {
  private waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  override async save(read: () => T) {
    await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.scheduleSave(read);
  }
  settle(error?: Error) {
    for (const w of this.waiting.splice(0)) (error ? w.reject(error) : w.resolve());
  }
}

/** Whether a promise has settled after the pending microtasks ran. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return settled;
}

describe('Class: InProcessSlotScheduler', () => {
  let fired: SlotFiredEvent[];
  let fire: (event: SlotFiredEvent) => Promise<void>;
  let scheduler: InProcessSlotScheduler;

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
    fired = [];
    fire = vi.fn(async (event: SlotFiredEvent) => {
      fired.push(event);
    });
  });

  afterEach(async () => {
    await scheduler?.stop();
    vi.useRealTimers();
  });

  describe('Method: ensure', () => {
    it('fires each slot once, at its fire_at, with the event Scheduler delivers', async () => {
      // Prepare
      scheduler = new InProcessSlotScheduler({ fire });
      await scheduler.start();

      // Act
      const result = await scheduler.ensure([slot('slot_a', inSeconds(60)), slot('slot_b', inSeconds(120), 'wave_1')]);
      await vi.advanceTimersByTimeAsync(59_999);
      const beforeDue = [...fired];
      await vi.advanceTimersByTimeAsync(1);
      const atFirst = [...fired];
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess
      expect(result).toEqual({ created: 2, existing: 0, tooLate: [] });
      expect(beforeDue).toEqual([]);
      expect(atFirst).toEqual([{ slot_id: 'slot_a', group_id: 'coord_1', fire_at: '2026-03-01T12:01:00Z' }]);
      expect(fired.map((e) => e.slot_id)).toEqual(['slot_a', 'slot_b']);
      expect(scheduler.pendingSchedules()).toEqual([]);
    });

    it('counts a slot that already has its schedule as existing and creates nothing twice', async () => {
      // Prepare
      scheduler = new InProcessSlotScheduler({ fire });
      await scheduler.ensure([slot('slot_a', inSeconds(60))]);

      // Act
      const retried = await scheduler.ensure([slot('slot_a', inSeconds(60)), slot('slot_b', inSeconds(60))]);
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess
      expect(retried).toEqual({ created: 1, existing: 1, tooLate: [] });
      expect(fired.map((e) => e.slot_id)).toEqual(['slot_a', 'slot_b']);
    });

    it('fires a past-due slot at once', async () => {
      // Prepare
      scheduler = new InProcessSlotScheduler({ fire });

      // Act
      await scheduler.ensure([slot('slot_late', inSeconds(-3_600))]);
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(fired.map((e) => e.slot_id)).toEqual(['slot_late']);
    });

    it('refuses an unreadable fire_at and schedules nothing of the request', async () => {
      // Prepare
      scheduler = new InProcessSlotScheduler({ fire });

      // Act
      const attempt = scheduler.ensure([slot('slot_ok', inSeconds(5)), slot('slot_bad', 'not a date')]);

      // Assess
      await expect(attempt).rejects.toThrow(/slot_bad/);
      expect(scheduler.pendingSchedules()).toEqual([]);
    });

    it('waits beyond setTimeout’s 24.8-day reach by re-arming, and fires on time', async () => {
      // Prepare
      scheduler = new InProcessSlotScheduler({ fire });
      const fireAt = new Date(NOW.getTime() + 60 * DAY_MS);

      // Act
      await scheduler.ensure([slot('slot_far', fireAt)]);
      await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS + 1);
      const afterFirstChunk = fired.length;
      await vi.advanceTimersByTimeAsync(fireAt.getTime() - Date.now() - 1);
      const justBefore = fired.length;
      await vi.advanceTimersByTimeAsync(1);

      // Assess
      expect(afterFirstChunk).toBe(0);
      expect(justBefore).toBe(0);
      expect(fired.map((e) => e.slot_id)).toEqual(['slot_far']);
    });
  });

  describe('Method: remove', () => {
    it('deletes schedules so they never fire, and counts only those that existed', async () => {
      // Prepare
      scheduler = new InProcessSlotScheduler({ fire });
      await scheduler.ensure([slot('slot_a', inSeconds(30)), slot('slot_b', inSeconds(30))]);

      // Act
      const removed = await scheduler.remove(['slot_a', 'slot_gone']);
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess
      expect(removed).toBe(1);
      expect(fired.map((e) => e.slot_id)).toEqual(['slot_b']);
    });
  });

  describe('Failures', () => {
    it('retries a failing target with growing backoff, then dead-letters the slot', async () => {
      // Prepare
      const attempts: number[] = [];
      scheduler = new InProcessSlotScheduler({
        fire: async () => {
          attempts.push(Date.now() - NOW.getTime());
          throw new Error('target down');
        },
        retry: { maxRetries: 3, baseDelayMs: 1_000 },
      });

      // Act
      await scheduler.ensure([slot('slot_a', NOW)]);
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess: the first try at 0, then 1 s, 2 s and 4 s after each failure.
      expect(attempts).toEqual([0, 1_000, 3_000, 7_000]);
      expect(scheduler.pendingSchedules()).toEqual([]);
      expect(scheduler.deadLetters()).toEqual([
        {
          event: { slot_id: 'slot_a', group_id: 'coord_1', fire_at: '2026-03-01T12:00:00Z' },
          attempts: 4,
          failed_at: '2026-03-01T12:00:07.000Z',
          error: 'target down',
        },
      ]);
    });

    it('completes a slot whose target succeeds on a retry', async () => {
      // Prepare
      let calls = 0;
      scheduler = new InProcessSlotScheduler({
        fire: async () => {
          calls++;
          if (calls === 1) throw new Error('throttled');
        },
      });

      // Act
      await scheduler.ensure([slot('slot_a', NOW)]);
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess
      expect(calls).toBe(2);
      expect(scheduler.pendingSchedules()).toEqual([]);
      expect(scheduler.deadLetters()).toEqual([]);
    });
  });

  describe('Persistence', () => {
    it('answers ensure only once the new schedule is stored, as CreateSchedule answers once it exists', async () => {
      // Prepare
      const store = new HeldStore<SlotSchedulerSnapshot>();
      scheduler = new InProcessSlotScheduler({ fire, store });

      // Act
      const ensuring = scheduler.ensure([slot('slot_a', inSeconds(30))]);
      const beforeStored = await isSettled(ensuring);
      store.settle();

      // Assess
      expect(beforeStored).toBe(false);
      await expect(ensuring).resolves.toEqual({ created: 1, existing: 0, tooLate: [] });
      expect(store.saved?.schedules.map((s) => s.slot.slot_id)).toEqual(['slot_a']);
    });

    it('fails ensure when the schedule cannot be stored', async () => {
      // Prepare
      const store = new HeldStore<SlotSchedulerSnapshot>();
      scheduler = new InProcessSlotScheduler({ fire, store });

      // Act
      const ensuring = scheduler.ensure([slot('slot_a', inSeconds(30))]);
      await vi.advanceTimersByTimeAsync(0);
      store.settle(new Error('disk full'));

      // Assess
      await expect(ensuring).rejects.toThrow('disk full');
    });

    it('answers remove only once the deletion is stored, so a removed schedule never comes back after a crash', async () => {
      // Prepare
      const store = new HeldStore<SlotSchedulerSnapshot>();
      scheduler = new InProcessSlotScheduler({ fire, store });
      const ensured = scheduler.ensure([slot('slot_a', inSeconds(30))]);
      await vi.advanceTimersByTimeAsync(0);
      store.settle();
      await ensured;

      // Act
      const removing = scheduler.remove(['slot_a']);
      const beforeStored = await isSettled(removing);
      store.settle();

      // Assess
      expect(beforeStored).toBe(false);
      await expect(removing).resolves.toBe(1);
      expect(store.saved?.schedules).toEqual([]);
    });

    it('a restarted scheduler on the same store fires the pending slots, past-due ones at once', async () => {
      // Prepare
      const store = new MemoryStore<SlotSchedulerSnapshot>();
      const first = new InProcessSlotScheduler({ fire, store });
      await first.ensure([slot('slot_soon', inSeconds(10)), slot('slot_later', inSeconds(3_600))]);
      await first.stop();
      await vi.advanceTimersByTimeAsync(60_000); // the server is down while slot_soon falls due

      // Act
      scheduler = new InProcessSlotScheduler({ fire, store });
      await scheduler.start();
      await vi.advanceTimersByTimeAsync(0);
      const atRestart = fired.map((e) => e.slot_id);
      await vi.advanceTimersByTimeAsync(3_600_000);

      // Assess
      expect(atRestart).toEqual(['slot_soon']);
      expect(fired.map((e) => e.slot_id)).toEqual(['slot_soon', 'slot_later']);
      expect(store.saved?.schedules).toEqual([]);
    });

    it('keeps dead letters across a restart', async () => {
      // Prepare
      const store = new MemoryStore<SlotSchedulerSnapshot>();
      const first = new InProcessSlotScheduler({ fire: () => Promise.reject(new Error('down')), store, retry: { maxRetries: 0 } });
      await first.ensure([slot('slot_a', NOW)]);
      await vi.advanceTimersByTimeAsync(0);
      await first.stop();

      // Act
      scheduler = new InProcessSlotScheduler({ fire, store });
      await scheduler.start();

      // Assess
      expect(scheduler.deadLetters().map((d) => d.event.slot_id)).toEqual(['slot_a']);
    });

    describe('with a JSON file in a data directory', () => {
      let dataDir: string;
      beforeEach(async () => {
        dataDir = await mkdtemp(path.join(tmpdir(), 'slot-scheduler-'));
      });
      afterEach(async () => {
        await rm(dataDir, { recursive: true, force: true });
      });

      it('writes pending schedules atomically and re-arms them from the file', async () => {
        // Prepare
        const file = path.join(dataDir, 'slot-schedules.json');
        const first = new InProcessSlotScheduler({ fire, store: new JsonSnapshotFile(file) });
        await first.ensure([slot('slot_a', inSeconds(30))]);
        await first.stop();
        const onDisk = JSON.parse(await readFile(file, 'utf8')) as SlotSchedulerSnapshot;

        // Act
        const second = new JsonSnapshotFile<SlotSchedulerSnapshot>(file);
        scheduler = new InProcessSlotScheduler({ fire, store: second });
        await scheduler.start();
        await vi.advanceTimersByTimeAsync(30_000);
        await second.flush(); // the save after the delivery runs on real I/O: wait for it before reading the directory

        // Assess
        expect(onDisk.schedules.map((s) => s.slot)).toEqual([slot('slot_a', inSeconds(30))]);
        expect(await readdir(dataDir)).toEqual(['slot-schedules.json']); // no temporary file left behind
        expect(fired.map((e) => e.slot_id)).toEqual(['slot_a']);
      });
    });
  });

  describe('Method: stop', () => {
    it('stops the timers: nothing fires after it, and the schedule stays pending', async () => {
      // Prepare
      const store = new MemoryStore<SlotSchedulerSnapshot>();
      scheduler = new InProcessSlotScheduler({ fire, store });
      await scheduler.ensure([slot('slot_a', inSeconds(5))]);

      // Act
      await scheduler.stop();
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess
      expect(fired).toEqual([]);
      expect(store.saved?.schedules.map((s) => s.slot.slot_id)).toEqual(['slot_a']);
      await expect(scheduler.ensure([slot('slot_b', inSeconds(5))])).rejects.toThrow(/stopped/);
    });

    it('lets a delivery under way finish before it resolves', async () => {
      // Prepare
      let release!: () => void;
      const store = new MemoryStore<SlotSchedulerSnapshot>();
      scheduler = new InProcessSlotScheduler({ fire: () => new Promise<void>((resolve) => (release = resolve)), store });
      await scheduler.ensure([slot('slot_a', NOW)]);
      await vi.advanceTimersByTimeAsync(0);

      // Act
      const stopping = scheduler.stop();
      release();
      await stopping;

      // Assess
      expect(store.saved?.schedules).toEqual([]);
    });
  });
});
