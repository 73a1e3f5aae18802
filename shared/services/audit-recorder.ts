import type { ActivityEntry, ActivityTarget, ActivityType, RequestMeta } from '#shared/domain/activity';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';

/** What an audit entry says beyond who, when and why: its subject, the channels it concerns, its details. */
export interface AuditFact {
  type: ActivityType;
  target: ActivityTarget;
  channelIds: readonly string[];
  details: Record<string, unknown>;
}

/**
 * Writes the audit trail for the services: a new time-sortable id, the
 * clock's time, and the caller and request from the request's meta.
 */
export class AuditRecorder {
  constructor(
    private readonly log: ActivityLog,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  entry(fact: AuditFact, meta: RequestMeta, at = this.clock.now().toISOString()): ActivityEntry {
    return {
      activity_id: this.ids.next(),
      at,
      type: fact.type,
      actor: meta.actor,
      target: fact.target,
      channel_ids: [...new Set(fact.channelIds)],
      details: fact.details,
      request_id: meta.request_id,
    };
  }

  /** Appends one entry per fact, in one batch. */
  async record(meta: RequestMeta, ...facts: AuditFact[]): Promise<void> {
    if (facts.length === 0) return;
    const at = this.clock.now().toISOString();
    await this.log.append(facts.map((fact) => this.entry(fact, meta, at)));
  }
}
