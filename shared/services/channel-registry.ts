import type { RequestMeta } from '#shared/domain/activity';
import type { Channel, ChannelDefinition, ChannelStatus } from '#shared/domain/channel';
import { NotFound } from '#shared/domain/errors';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { LedgerRepository } from '#shared/ports/ledger-repository';
import { AuditRecorder } from './audit-recorder';

export interface ChannelRegistryDeps {
  channels: ChannelRepository;
  ledgers: LedgerRepository;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
}

/** The channel registry: define, read and list channels, each change on the audit trail (removal: ChannelRemoval). */
export class ChannelRegistry {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: ChannelRegistryDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  /**
   * Creates or replaces a channel's definition. New bookings follow the new
   * publishing rules; existing ones stay. A channel created again after a
   * deletion gets its bookings ledger opened again first (the deletion closed
   * it); a channel that exists keeps its ledger as it is, so a deletion under
   * way is not undone by an edit.
   */
  async put(channelId: string, definition: ChannelDefinition, meta: RequestMeta): Promise<{ channel: Channel; created: boolean }> {
    const at = this.deps.clock.now().toISOString();
    if (!(await this.deps.channels.get(channelId))) await this.deps.ledgers.reopen(channelId, at);
    const result = await this.deps.channels.put(channelId, definition, at);
    await this.audit.record(meta, {
      type: result.created ? 'channel.created' : 'channel.updated',
      target: { type: 'channel', id: channelId },
      channelIds: [channelId],
      details: { version: result.channel.version, status: result.channel.status },
    });
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
}
