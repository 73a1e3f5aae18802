/**
 * A channel's bookings: the reservation that concurrent planners race on.
 * One item a channel, replaced only by a write conditioned on its version, so
 * two requests can never both book the same free time (SPEC: "concurrent
 * requests for the same channel and time never double-book").
 */
export interface LedgerBooking {
  publication_id: string;
  /** Epoch milliseconds. */
  at: number;
  priority: number;
  /** The group (coordination or wave) that booked it; a rollback removes a group's bookings. */
  group_id: string;
}

export interface ChannelLedger {
  channel_id: string;
  /** 0 when the channel never booked anything. */
  version: number;
  bookings: LedgerBooking[];
  /**
   * Set when the channel is being deleted: no booking may be added from then
   * on (a booking that read the ledger before fails its versioned write, reads
   * again and sees it). Re-creating the channel reopens it.
   */
  closed_at: string | null;
}

/** Bookings older than this no longer bear on new ones (the widest local day plus the widest gap) and are dropped. */
export const LEDGER_KEEP_PAST_MS = 2 * 86_400_000;

/**
 * The key of the shadow a preempt leaves at a moved publication's old time
 * until the publication itself is moved, so the old time stays blocked if the
 * move stops half-way (a shadow is conservative: it can block, never double-book).
 */
export const shadowIdOf = (publicationId: string): string => `${publicationId}~was`;
export const isShadow = (bookingId: string): boolean => bookingId.endsWith('~was');
/** The moved publication a shadow stands for. */
export const movedIdOf = (shadowId: string): string => shadowId.slice(0, -'~was'.length);

/** The bookings to keep on a write at `now`: recent or future ones. */
export function pruneLedger(bookings: readonly LedgerBooking[], now: number): LedgerBooking[] {
  return bookings.filter((b) => b.at >= now - LEDGER_KEEP_PAST_MS);
}
