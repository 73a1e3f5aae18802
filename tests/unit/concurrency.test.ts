import { describe, expect, it } from 'vitest';
import { backoffDelay, chunk, mapConcurrent, sleep } from '#shared/concurrency';

describe('Function: mapConcurrent', () => {
  it('never has more than `limit` tasks in flight', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);

    // Act
    await mapConcurrent(items, 3, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(item % 3);
      inFlight -= 1;
    });

    // Assess
    expect(peak).toBe(3);
  });

  it('keeps the input order in the results even when tasks finish out of order', async () => {
    // Prepare
    const delays = [30, 1, 20, 0, 10, 5];

    // Act
    const results = await mapConcurrent(delays, 4, async (delay, index) => {
      await sleep(delay);
      return `${index}:${delay}`;
    });

    // Assess
    expect(results).toEqual(delays.map((d, i) => `${i}:${d}`));
  });

  it('runs every item exactly once', async () => {
    // Prepare
    const seen: number[] = [];

    // Act
    await mapConcurrent([1, 2, 3, 4, 5, 6, 7], 2, async (item) => {
      seen.push(item);
    });

    // Assess
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('answers an empty list without calling the task', async () => {
    expect(await mapConcurrent([], 4, async () => { throw new Error('must not run'); })).toEqual([]);
  });

  it('still makes progress with a limit below 1', async () => {
    expect(await mapConcurrent([1, 2], 0, async (n) => n * 2)).toEqual([2, 4]);
  });

  it('rejects when a task fails', async () => {
    await expect(mapConcurrent([1, 2, 3], 2, async (n) => { if (n === 2) throw new Error('task 2 failed'); return n; })).rejects.toThrow('task 2 failed');
  });

  it('after a failure starts no further task, and rejects only once the tasks in flight have ended', async () => {
    // Prepare: task 1 fails at once while task 0 is still running; tasks 2 and 3 are waiting their turn
    const events: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const run = mapConcurrent([0, 1, 2, 3], 2, async (n) => {
      events.push(`start ${n}`);
      if (n === 0) await slow;
      if (n === 1) throw new Error('task 1 failed');
      events.push(`end ${n}`);
      return n;
    });
    let settled = false;
    const outcome = run.then(
      () => 'resolved',
      (error: Error) => error.message,
    ).finally(() => {
      settled = true;
    });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 20));
    const settledWhileTaskRuns = settled;
    release();

    // Assess
    expect(settledWhileTaskRuns).toBe(false);
    expect(await outcome).toBe('task 1 failed');
    expect(events).toEqual(['start 0', 'start 1', 'end 0']);
  });
});

describe('Function: chunk', () => {
  it('splits into consecutive chunks of at most `size`, the last one shorter', () => {
    expect(chunk([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('makes exact chunks when the size divides the length', () => {
    expect(chunk(Array.from({ length: 50 }, (_, i) => i), 25).map((c) => c.length)).toEqual([25, 25]);
  });

  it('makes no chunk of an empty list', () => {
    expect(chunk([], 25)).toEqual([]);
  });
});

describe('Function: backoffDelay', () => {
  it('stays within [0, min(cap, base x 2^attempt))', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, 10, 500);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(500, 10 * 2 ** attempt));
    }
  });
});
