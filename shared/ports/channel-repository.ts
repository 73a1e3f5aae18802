import type { Channel, ChannelDefinition, ChannelStatus } from '#shared/domain/channel';
import type { Page, PageRequest } from '#shared/domain/pagination';

/** A channel with what its finished runs keep on it: the monitor's view. */
export type ChannelWithActivity = Channel & {
  /** When a run of the channel last succeeded (RunEffects moves it forward); null before the first. */
  last_publication_at: string | null;
};

export interface ChannelRepository {
  /** Creates or replaces the channel's definition; `created` tells which. */
  put(channelId: string, definition: ChannelDefinition, at: string): Promise<{ channel: Channel; created: boolean }>;
  get(channelId: string): Promise<Channel | null>;
  /** Reads many channels at once (batched); missing ids are absent from the map. */
  getMany(channelIds: readonly string[]): Promise<Map<string, Channel>>;
  /** Deletes the channel's definition; false when there was none. */
  delete(channelId: string): Promise<boolean>;
  /** Every channel, in id order, with its last publication: every page of the list index (never a Scan). */
  listAll(): Promise<ChannelWithActivity[]>;
  /** One channel with its last publication, or null. */
  getWithActivity(channelId: string): Promise<ChannelWithActivity | null>;
  /**
   * Every channel's id and registry status, in id order, and nothing else of
   * it: O(channels) items read, for counts (GET /dashboard).
   */
  listStatuses(): Promise<{ channel_id: string; status: ChannelStatus }[]>;
  /** One page of the channels in id order, each with its last publication (GET /monitor-channels with a limit). */
  listWithActivity(request: PageRequest): Promise<Page<ChannelWithActivity>>;
  /** Channels in id order. */
  list(request: PageRequest & { status?: ChannelStatus | undefined }): Promise<Page<Channel>>;
}
