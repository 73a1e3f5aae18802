/**
 * Publication outcomes counted by day (SPEC "Details": statistics.overall are
 * the publications that reached succeeded or failed in the last 30 days).
 * Pure: the days of a window and the rate, no I/O.
 */
export interface OutcomeCounts {
  total: number;
  succeeded: number;
  failed: number;
}

export interface OutcomeStatistics extends OutcomeCounts {
  /** succeeded / total, null when total is 0. */
  success_rate: number | null;
}

/** The window the dashboard and the monitor report: the last 30 days, today included. */
export const STATISTICS_PERIOD_DAYS = 30;

export const NO_OUTCOMES: OutcomeCounts = { total: 0, succeeded: 0, failed: 0 };

export function addOutcomes(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return { total: a.total + b.total, succeeded: a.succeeded + b.succeeded, failed: a.failed + b.failed };
}

/** The counts with their success rate, rounded to 4 decimals (0.9375, not 0.93750000001). */
export function withSuccessRate(counts: OutcomeCounts): OutcomeStatistics {
  const rate = counts.total === 0 ? null : Math.round((counts.succeeded / counts.total) * 10_000) / 10_000;
  return { ...counts, success_rate: rate };
}

/**
 * The first and last UTC day (`yyyy-mm-dd`) of a window of `days` days ending
 * at `now`, both included: the range of day items to read.
 */
export function dayWindow(now: Date, days: number = STATISTICS_PERIOD_DAYS): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return { from: first.toISOString().slice(0, 10), to };
}
