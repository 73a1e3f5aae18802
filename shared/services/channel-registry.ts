import type { ActivityEntry, RequestMeta } from '#shared/domain/activity';
import type { Channel, ChannelDefinition, ChannelStatus } from '#shared/domain/channel';
import { NotFound } from '#shared/domain/errors';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';

export interface ChannelRegistryDeps {
  channels: ChannelRepository;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
}

/** The channel registry: define, read and list channels, each change on the audit trail (removal: ChannelRemoval). */
export class ChannelRegistry {
  constructor(private readonly deps: ChannelRegistryDeps) {}

  /** Creates or replaces a channel's definition. New bookings follow the new publishing rules; existing ones stay. */
  async put(channelId: string, definition: ChannelDefinition, meta: RequestMeta): Promise<{ channel: Channel; created: boolean }> {
    const at = this.deps.clock.now().toISOString();
    const result = await this.deps.channels.put(channelId, definition, at);
    await this.deps.activity.append([
      this.entry(result.created ? 'channel.created' : 'channel.updated', channelId, at, meta, {
        version: result.channel.version,
        status: result.channel.status,
      }),
    ]);
    return result;
  }

  async get(channelId: string): Promise<Channel> {
    const channel = await this.deps.channels.get(channelId);
    if (!channel) throw new NotFound('channel', channelId);
    return channel;
  }

  async list(request: PageRequest & { status?: ChannelStatus | undefined }): Promise<Page<Channel>> {
    return this.deps.channels.list(request);
  }

  private entry(
    type: ActivityEntry['type'],
    channelId: string,
    at: string,
    meta: RequestMeta,
    details: Record<string, unknown>,
  ): ActivityEntry {
    return {
      activity_id: this.deps.ids.next(),
      at,
      type,
      actor: meta.actor,
      target: { type: 'channel', id: channelId },
      channel_ids: [channelId],
      details,
      request_id: meta.request_id,
    };
  }
}
