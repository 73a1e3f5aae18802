import type { RequestMeta } from '#shared/domain/activity';
import { Conflict, NotFound } from '#shared/domain/errors';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import { AuditRecorder } from './audit-recorder';

/** Cancels a channel's pending publications (DELETE ?force=true); returns how many it cancelled. */
export type CancelChannelPublications = (channelId: string, meta: RequestMeta) => Promise<number>;

export interface ChannelRemovalDeps {
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

/**
 * DELETE /channels/{id}: removing a channel from the registry. While it has
 * pending publications (scheduled or held) this is refused with 409, unless
 * `force`, which cancels them first. Its audit history stays.
 */
export class ChannelRemoval {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: ChannelRemovalDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async delete(channelId: string, force: boolean, meta: RequestMeta): Promise<DeleteResult> {
    if (!(await this.deps.channels.get(channelId))) throw new NotFound('channel', channelId);
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
    await this.audit.record(meta, {
      type: 'channel.deleted',
      target: { type: 'channel', id: channelId },
      channelIds: [channelId],
      details: { forced: force, cancelled_publications: cancelled },
    });
    return { channel_id: channelId, deleted: true, cancelled_publications: cancelled };
  }
}
