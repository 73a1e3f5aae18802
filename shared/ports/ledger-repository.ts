import type { ChannelLedger, LedgerBooking } from '#shared/domain/channel-ledger';

export interface LedgerRepository {
  /** Read consistently; an empty ledger at version 0 when the channel never booked. */
  getMany(channelIds: readonly string[]): Promise<Map<string, ChannelLedger>>;
  get(channelId: string): Promise<ChannelLedger>;
  /**
   * Replaces the channel's bookings if the ledger is still at `expectedVersion`.
   * @returns false when another writer got there first (read again and re-plan).
   */
  replace(channelId: string, expectedVersion: number, bookings: readonly LedgerBooking[], at: string): Promise<boolean>;
  /**
   * Closes the ledger to new bookings (a channel being deleted), if it is still at `expectedVersion`.
   * @returns false when another writer got there first.
   */
  close(channelId: string, expectedVersion: number, at: string): Promise<boolean>;
  /** Opens a closed ledger again (the channel is created anew); nothing when it is open. */
  reopen(channelId: string, at: string): Promise<void>;
}
