import type { RequestMeta } from '#shared/domain/activity';
import { isShadow, pruneLedger } from '#shared/domain/channel-ledger';
import { Conflict, ContentionExhausted, NotFound } from '#shared/domain/errors';
import { PENDING_STATUSES } from '#shared/domain/publication';
import { isoOf } from '#shared/domain/publication-group';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelHealthRepository } from '#shared/ports/channel-health-repository';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { LedgerRepository } from '#shared/ports/ledger-repository';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import { AuditRecorder } from './audit-recorder';

/** Cancels a channel's pending publications (DELETE ?force=true), those named and those its index lists; returns how many it cancelled. */
export type CancelChannelPublications = (channelId: string, meta: RequestMeta, known: readonly string[]) => Promise<number>;

export interface ChannelRemovalDeps {
  channels: ChannelRepository;
  publications: PublicationRepository;
  ledgers: LedgerRepository;
  groups: PublicationGroupRepository;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
  cancelChannelPublications: CancelChannelPublications;
  /** The channel's health item, removed with it (absent: nothing to remove). */
  health?: Pick<ChannelHealthRepository, 'remove'> | undefined;
}

export interface DeleteResult {
  channel_id: string;
  deleted: true;
  cancelled_publications: number;
}

const MAX_ATTEMPTS = 10;

/**
 * DELETE /channels/{id}: removing a channel from the registry, in the commit
 * protocol's terms (docs/architecture.md):
 * 1. reads the channel's ledger (consistently): a booking of a request still
 *    in flight (its group `planning`) makes the channel busy, 409
 *    `channel_busy`, even with force: the deletion waits for it rather than
 *    slipping between its writes;
 * 2. its pending publications (those its ledger books, and those its index
 *    lists, since a held one may be older than the ledger keeps) refuse the
 *    deletion with 409, unless `force`;
 * 3. closes the ledger, conditioned on the version read: from here no
 *    booking can land on the channel, and a booking that read the ledger
 *    before fails its own versioned write, reads again and sees it closed;
 *    a lost race reads again from step 1;
 * 4. with force, cancels the pending publications;
 * 5. removes its health item (before the channel: a DELETE again after a
 *    crash still finds the channel), deletes the channel, and writes the audit entry.
 * Interrupted anywhere, DELETE again finishes it. Its audit history stays.
 */
export class ChannelRemoval {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: ChannelRemovalDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async delete(channelId: string, force: boolean, meta: RequestMeta): Promise<DeleteResult> {
    if (!(await this.deps.channels.get(channelId))) throw new NotFound('channel', channelId);
    const booked = await this.closeLedger(channelId, force);
    const cancelled = force ? await this.deps.cancelChannelPublications(channelId, meta, booked) : 0;
    await this.deps.health?.remove(channelId);
    await this.deps.channels.delete(channelId);
    await this.audit.record(meta, {
      type: 'channel.deleted',
      target: { type: 'channel', id: channelId },
      channelIds: [channelId],
      details: { forced: force, cancelled_publications: cancelled },
    });
    return { channel_id: channelId, deleted: true, cancelled_publications: cancelled };
  }

  /** Steps 1-3. @returns the ids of the publications the ledger books (pending, or cancelled by a deletion that stopped half-way). */
  private async closeLedger(channelId: string, force: boolean): Promise<string[]> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.deps.clock.now().getTime();
      const ledger = await this.deps.ledgers.get(channelId);
      const live = pruneLedger(ledger.bookings, now).filter((b) => !isShadow(b.publication_id));
      const groups = await this.deps.groups.getMany(live.map((b) => b.group_id));
      const inFlight = [...new Set(live.filter((b) => groups.get(b.group_id)?.status === 'planning').map((b) => b.group_id))];
      if (inFlight.length > 0) {
        throw new Conflict('channel_busy', `channel '${channelId}' is being booked by ${inFlight.length} request(s) still in flight; retry in a moment`, {
          channel_id: channelId,
          group_ids: inFlight.slice(0, 20),
          retryable: true,
        });
      }
      const booked = await this.deps.publications.getMany(live.map((b) => b.publication_id));
      const pending = [...booked.values()].filter((p) => (PENDING_STATUSES as readonly string[]).includes(p.status)).map((p) => p.publication_id);
      const count = Math.max(pending.length, await this.deps.publications.countPendingForChannel(channelId));
      if (count > 0 && !force) {
        throw new Conflict(
          'channel_has_pending_publications',
          `channel '${channelId}' has ${count} pending publication(s); cancel them or delete with ?force=true`,
          { channel_id: channelId, pending_publications: count },
        );
      }
      if (ledger.closed_at || (await this.deps.ledgers.close(channelId, ledger.version, isoOf(now)))) return live.map((b) => b.publication_id);
    }
    throw new ContentionExhausted(`channel '${channelId}' bookings`);
  }
}
