import type { ChannelHealth } from '#shared/domain/channel-health';

/** Where the sweep keeps each channel's last health (one item a channel). */
export interface ChannelHealthRepository {
  /** Replaces the channel's health. */
  put(health: ChannelHealth): Promise<void>;
  /** The last health of each of these channels that has one (BatchGetItem, 100 keys a call). */
  getMany(channelIds: readonly string[]): Promise<Map<string, ChannelHealth>>;
  /** Forgets a channel's health (its channel was deleted). */
  remove(channelId: string): Promise<void>;
}
