import { describe, expect, it } from 'vitest';
import { addOutcomes, dayWindow, withSuccessRate } from '#shared/domain/statistics';

describe('statistics', () => {
  it('success_rate is succeeded / total, rounded to 4 decimals, and null when nothing finished', () => {
    expect(withSuccessRate({ total: 3, succeeded: 2, failed: 1 })).toEqual({ total: 3, succeeded: 2, failed: 1, success_rate: 0.6667 });
    expect(withSuccessRate({ total: 0, succeeded: 0, failed: 0 }).success_rate).toBeNull();
    expect(withSuccessRate(addOutcomes({ total: 1, succeeded: 1, failed: 0 }, { total: 1, succeeded: 0, failed: 1 })).success_rate).toBe(0.5);
  });

  it('a window of N days ends today (UTC) and starts N-1 days before, across month and year ends', () => {
    expect(dayWindow(new Date('2026-03-01T00:30:00.000Z'), 30)).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(dayWindow(new Date('2027-01-05T12:00:00.000Z'), 7)).toEqual({ from: '2026-12-30', to: '2027-01-05' });
    expect(dayWindow(new Date('2026-12-01T12:00:00.000Z'), 1)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
  });
});
