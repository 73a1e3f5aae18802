import { describe, expect, it } from 'vitest';
import { dailyOutcomes } from '../../../console/src/outcomes';

describe('Function: dailyOutcomes', () => {
  it('counts succeeded and failed per UTC day over the 30 days ending today, ignoring older ones', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const series = dailyOutcomes(
      [
        { status: 'succeeded', updated_at: '2026-12-02T01:00:00Z' },
        { status: 'succeeded', updated_at: '2026-12-02T23:00:00Z' },
        { status: 'failed', updated_at: '2026-12-01T10:00:00Z' },
        { status: 'succeeded', updated_at: '2026-11-02T10:00:00Z' },
      ],
      now,
    );
    expect(series.days).toHaveLength(30);
    expect(new Date(series.days[0]! * 1000).toISOString()).toBe('2026-11-03T00:00:00.000Z');
    expect(series.succeeded.at(-1)).toBe(2);
    expect(series.failed.at(-2)).toBe(1);
    expect(series.succeeded.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
