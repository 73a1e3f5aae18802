import type { ActivityEntry } from '#shared/domain/activity';
import type { Page } from '#shared/domain/pagination';
import type { ActivityLog, ActivityQuery } from '#shared/ports/activity-log';

/** Reads the audit trail: newest first, by type and by channel. */
export class AuditTrail {
  constructor(private readonly activity: ActivityLog) {}

  async list(query: ActivityQuery): Promise<Page<ActivityEntry>> {
    return this.activity.list(query);
  }
}
