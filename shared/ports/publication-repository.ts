import type { Page } from '#shared/domain/pagination';
import type { Publication, PublicationStatus } from '#shared/domain/publication';

export interface PublicationQuery {
  limit: number;
  cursor?: string | undefined;
  status?: PublicationStatus | undefined;
  channelId?: string | undefined;
  /** Only the publications of this coordination or wave. */
  groupId?: string | undefined;
  /** Only the publications of this video. */
  videoId?: string | undefined;
  /** ISO instants: scheduled at or after `from`, before `to`. */
  from?: string | undefined;
  to?: string | undefined;
}

/** What a status change needs to know of a publication: its indexes are per channel. */
export type PublicationRef = Pick<Publication, 'publication_id' | 'channel_id'>;

/** A status change guarded by the statuses it may leave. */
export interface StatusChange {
  from: readonly PublicationStatus[];
  to: PublicationStatus;
  at: string;
  reason?: string | null | undefined;
  /** Extra attributes set with the change (e.g. trigger_received_at). */
  set?: Record<string, string | number | null> | undefined;
}

export interface PublicationRepository {
  /** Writes new publications (batched, 25 a request). */
  putMany(publications: readonly Publication[]): Promise<void>;
  /** Removes publications outright (a failed request's, never ones that went out). */
  deleteMany(publicationIds: readonly string[]): Promise<void>;
  get(publicationId: string): Promise<Publication | null>;
  getMany(publicationIds: readonly string[]): Promise<Map<string, Publication>>;
  /**
   * Earliest first by scheduled time; ties by publication id, or, within a
   * group (`groupId`), by channel then publication id.
   */
  list(query: PublicationQuery): Promise<Page<Publication>>;
  /** One page of a slot's publications, grouped by channel. */
  listBySlot(slotId: string, limit: number, cursor?: string): Promise<Page<Publication>>;
  /** One page of the publications in a status, earliest scheduled first, optionally only those due before `before`. */
  listByStatus(status: PublicationStatus, limit: number, cursor?: string, before?: string): Promise<Page<Publication>>;
  /** One page of one channel's publications in a status, earliest first. */
  listByChannelStatus(channelId: string, status: PublicationStatus, limit: number, cursor?: string): Promise<Page<Publication>>;
  /**
   * Changes the status if it is still one of `change.from`. A change to a
   * final status sets the publication's expiry (the retention after
   * `change.at`); a change to any other removes it.
   * @returns the publication after the change, or null if its status was not one of `from` (or it does not exist).
   */
  changeStatus(publication: PublicationRef, change: StatusChange): Promise<Publication | null>;
  /**
   * Moves a scheduled publication to another time and slot (preempt), if it is
   * still scheduled at `from`. @returns false when it no longer is.
   */
  reschedule(publicationId: string, move: { from: string; to: string; slotId: string; at: string }): Promise<boolean>;
  /**
   * Records that the pipeline-trigger consumer received the publication's
   * trigger, once: false when it was recorded already or the publication is
   * no longer `dispatching`.
   */
  markTriggerReceived(publicationId: string, at: string): Promise<boolean>;
  /**
   * How many publications are in a status; with `due`, only those scheduled
   * at or after `due.from` and before `due.before` (either bound optional):
   * a key range, so the count reads only the publications inside it.
   */
  countByStatus(status: PublicationStatus, due?: { from?: string | undefined; before?: string | undefined }): Promise<number>;
  /** How many of the channel's publications are still pending (`scheduled` or `held`). */
  countPendingForChannel(channelId: string): Promise<number>;
}
