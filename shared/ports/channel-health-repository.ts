import type { ChannelHealth } from '#shared/domain/channel-health';

/** What the last health sweep did, when it finished. */
export interface HealthSweepRecord {
  started_at: string;
  finished_at: string;
  /** Channels whose health was evaluated and stored. */
  checked: number;
  /** Channels whose repository was checked on GitHub this time. */
  github_checked: number;
  /** Channels left with their last repository check (no GitHub calls left this sweep): the oldest of them go first next time. */
  deferred: number;
  /** Channels whose evaluation failed (kept their last health; logged). */
  failed: number;
  /** GitHub calls made. */
  github_calls: number;
  /** The period the sweep runs at, as its trigger said (the rule every `healthSweepMinutes`, the local timer); null when run by hand. Two of them without a new record make the sweep stale (GET /dashboard). */
  interval_seconds: number | null;
}

/** Where the sweep keeps each channel's last health (one item a channel) and the record of its own last run. */
export interface ChannelHealthRepository {
  /** Replaces the channel's health. */
  put(health: ChannelHealth): Promise<void>;
  /** The last health of each of these channels that has one (BatchGetItem, 100 keys a call). */
  getMany(channelIds: readonly string[]): Promise<Map<string, ChannelHealth>>;
  /** Forgets a channel's health (its channel was deleted). */
  remove(channelId: string): Promise<void>;
  /** Replaces the record of the last sweep. */
  recordSweep(record: HealthSweepRecord): Promise<void>;
  /** The last sweep's record, or null before the first. */
  lastSweep(): Promise<HealthSweepRecord | null>;
}
