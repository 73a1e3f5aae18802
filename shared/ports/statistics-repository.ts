import type { OutcomeCounts } from '#shared/domain/statistics';

/**
 * The day counters kept as runs finish (RunEffects writes them), read back
 * as sums over a window of days: a bounded read, never a walk through history.
 */
export interface StatisticsRepository {
  /** One channel's outcomes from day `from` to day `to` (`yyyy-mm-dd`, UTC, both included): at most one item a day. */
  channelWindow(channelId: string, from: string, to: string): Promise<OutcomeCounts>;
  /** Every channel's outcomes over the same kind of window, from the overall day counters (a fixed number of shards a day). */
  overallWindow(from: string, to: string): Promise<OutcomeCounts>;
}
