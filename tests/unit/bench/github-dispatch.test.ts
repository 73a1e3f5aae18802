import { describe, expect, it } from 'vitest';
import { maxInWindow } from '#tests/bench/github-dispatch';

describe('Function: maxInWindow', () => {
  it('counts the busiest window, a time exactly one window later falling in the next', () => {
    // Prepare: 60 at 0 s, 60 at 60 s (the pacer's window lets those in once the first 60 have left it).
    const times = [...Array.from({ length: 60 }, () => 0), ...Array.from({ length: 60 }, () => 60_000)];

    // Act
    const most = maxInWindow(times, 60_000);

    // Assess
    expect(most).toBe(60);
  });

  it('finds a window that starts between two times, in any order', () => {
    // Prepare
    const times = [50_000, 0, 59_999, 10_000, 65_000, 109_998];

    // Act
    const most = maxInWindow(times, 60_000);

    // Assess: 50 s, 59.999 s, 65 s and 109.998 s lie within 60 s of each other.
    expect(most).toBe(4);
    expect(maxInWindow([], 60_000)).toBe(0);
  });
});
