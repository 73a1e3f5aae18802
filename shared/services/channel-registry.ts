import type { ActivityEntry, RequestMeta } from '#shared/domain/activity';
import type { Channel, ChannelDefinition, ChannelStatus } from '#shared/domain/channel';
import { Conflict, NotFound } from '#shared/domain/errors';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationRepository } from '#shared/ports/publication-repository';

/** Cancels a channel's pending publications (DELETE ?force=true); returns how many it cancelled. */
export type CancelChannelPublications = (channelId: string, meta: RequestMeta) => Promise<number>;

export interface ChannelRegistryDeps {
  channels: ChannelRepository;
  publications: PublicationRepository;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
  cancelChannelPublications: CancelChannelPublications;
}

export interface DeleteResult {
  channel_id: string;
  deleted: true;
  cancelled_publications: number;
}

/** The channel registry: define, read, list and remove channels, each change on the audit trail. */
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

  /**
   * Removes a channel. While it has pending publications (scheduled or held)
   * this is refused with 409, unless `force`, which cancels them first.
   */
  async delete(channelId: string, force: boolean, meta: RequestMeta): Promise<DeleteResult> {
    await this.get(channelId);
    const pending = await this.deps.publications.countPendingForChannel(channelId);
    if (pending > 0 && !force) {
      throw new Conflict(
        'channel_has_pending_publications',
        `channel '${channelId}' has ${pending} pending publication(s); cancel them or delete with ?force=true`,
        { channel_id: channelId, pending_publications: pending },
      );
    }
    const cancelled = pending > 0 ? await this.deps.cancelChannelPublications(channelId, meta) : 0;
    await this.deps.channels.delete(channelId);
    const at = this.deps.clock.now().toISOString();
    await this.deps.activity.append([
      this.entry('channel.deleted', channelId, at, meta, { forced: force, cancelled_publications: cancelled }),
    ]);
    return { channel_id: channelId, deleted: true, cancelled_publications: cancelled };
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
