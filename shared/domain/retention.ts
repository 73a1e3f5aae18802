/**
 * How long finished work stays in the table (PUBLICATION_RETENTION_DAYS):
 * publications in a final status, groups that ended or whose last slot
 * fired, and slots. The audit trail keeps its own (ACTIVITY_RETENTION_DAYS).
 */
export const DEFAULT_PUBLICATION_RETENTION_DAYS = 90;

/** The audit trail's retention unless configured (ACTIVITY_RETENTION_DAYS). */
export const DEFAULT_ACTIVITY_RETENTION_DAYS = 365;

/**
 * How long a webhook delivery's id is remembered: GitHub lets an operator
 * redeliver a delivery of the last 3 days, so a week covers every replay.
 */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 7;

/** The longest either retention may be set to: ten years. */
export const MAX_RETENTION_DAYS = 3650;

/**
 * When something finished (or last due) at `at` may leave the table:
 * `retentionDays` later, in epoch seconds (a DynamoDB TTL value).
 */
export function expiryOf(at: string, retentionDays: number): number {
  return Math.floor(Date.parse(at) / 1000) + retentionDays * 86_400;
}
