/** A video's publication on one channel at one time (SPEC "Coordination"). */
export const PUBLICATION_STATUSES = [
  'scheduled',
  'held',
  'dispatching',
  'dispatched',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];

/** Publications that have not gone out yet: they block a channel's deletion and count as bookings. */
export const PENDING_STATUSES = ['scheduled', 'held'] as const satisfies readonly PublicationStatus[];
