import type { ActivityEntry, ActivityType } from '#shared/domain/activity';
import type { Page, PageRequest } from '#shared/domain/pagination';

export interface ActivityQuery extends PageRequest {
  type?: ActivityType | undefined;
  channelId?: string | undefined;
}

export interface ActivityLog {
  /**
   * Appends entries (batched). Writing an entry whose activity_id is already
   * stored changes nothing, so a retried step never doubles the trail.
   */
  append(entries: readonly ActivityEntry[]): Promise<void>;
  /** Newest first. */
  list(query: ActivityQuery): Promise<Page<ActivityEntry>>;
}
