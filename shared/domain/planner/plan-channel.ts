import type { PublishingRules } from '#shared/domain/channel';

/** What the planner needs to know of a channel: who goes first, and its publishing rules. */
export interface PlanChannel {
  channel_id: string;
  /** 0-9, higher first (registry priority). */
  priority: number;
  publishing: PublishingRules;
}

/** An existing or planned publication on a channel, as the planner sees it. */
export interface Booking {
  publication_id: string;
  /** Epoch milliseconds, whole seconds. */
  at: number;
  /** The priority (0-9) of the request that created it; preempt only displaces lower ones. */
  priority: number;
}
