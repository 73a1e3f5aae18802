import type { PublicationStatus } from '#shared/domain/publication';

export interface PublicationRepository {
  /** How many publications are in `status` now (an index count, no scan). */
  countByStatus(status: PublicationStatus): Promise<number>;
  /** How many of the channel's publications are still pending (`scheduled` or `held`). */
  countPendingForChannel(channelId: string): Promise<number>;
}
