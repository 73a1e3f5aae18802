import { pruneLedger, type LedgerBooking } from '#shared/domain/channel-ledger';
import { ContentionExhausted } from '#shared/domain/errors';
import { isoOf } from '#shared/domain/publication-group';
import { backoffDelay, sleep } from '#shared/concurrency';
import type { Clock } from '#shared/ports/clock';
import type { LedgerRepository } from '#shared/ports/ledger-repository';

const MAX_ATTEMPTS = 25;

/**
 * Removes bookings from channel ledgers (a cancellation, a rollback, a
 * preempt's shadows), each removal a read and a replace conditioned on the
 * version read, retried on a lost race.
 */
export class LedgerBookkeeping {
  constructor(
    private readonly ledgers: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  /** Keeps only the bookings `keep` returns; returns those removed. */
  async remove(channelId: string, keep: (bookings: LedgerBooking[]) => LedgerBooking[]): Promise<LedgerBooking[]> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, 10, 500));
      const ledger = await this.ledgers.get(channelId);
      const kept = keep(ledger.bookings);
      const removed = ledger.bookings.filter((b) => !kept.includes(b));
      if (removed.length === 0) return [];
      const now = this.clock.now().getTime();
      if (await this.ledgers.replace(channelId, ledger.version, pruneLedger(kept, now), isoOf(now))) return removed;
    }
    throw new ContentionExhausted(`channel '${channelId}' bookings`);
  }
}
