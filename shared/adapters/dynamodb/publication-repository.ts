import { PENDING_STATUSES, type PublicationStatus } from '#shared/domain/publication';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { TableContext } from './document-client';
import { publicationKeys } from './keys';
import { countPartition } from './query-pages';
import { INDEXES } from './table-definition';

/** Publications: one item each, indexed per channel and status (gsi1), per status (gsi2) and per slot (gsi3). */
export class DynamoPublicationRepository implements PublicationRepository {
  constructor(private readonly table: TableContext) {}

  async countByStatus(status: PublicationStatus): Promise<number> {
    return countPartition(this.table, { index: INDEXES.byStatus.name, partition: publicationKeys.statusPartition(status) });
  }

  async countPendingForChannel(channelId: string): Promise<number> {
    const counts = await Promise.all(
      PENDING_STATUSES.map((status) =>
        countPartition(this.table, { index: INDEXES.byOwner.name, partition: publicationKeys.channelStatusPartition(channelId, status) }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }
}
