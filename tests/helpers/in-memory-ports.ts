import type { ActivityEntry } from '#shared/domain/activity';
import type { Channel, ChannelDefinition, ChannelStatus } from '#shared/domain/channel';
import type { Page, PageRequest } from '#shared/domain/pagination';
import { PENDING_STATUSES, type Publication, type PublicationStatus } from '#shared/domain/publication';
import { INITIAL_SYSTEM_STATE, type SystemState } from '#shared/domain/system-state';
import type { Video, VideoStatus } from '#shared/domain/video';
import type { ActivityLog, ActivityQuery } from '#shared/ports/activity-log';
import type { ChannelRepository, ChannelWithActivity } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { PublicationQuery, PublicationRef, PublicationRepository, StatusChange } from '#shared/ports/publication-repository';
import type { SystemStateRepository, TransitionWrite } from '#shared/ports/system-state-repository';
import type { SlotSchedule, SlotScheduler } from '#shared/ports/slot-scheduler';
import type { PipelineTrigger, QueueDepth, TriggerQueue } from '#shared/ports/trigger-queue';
import type { DistributableVideo, DistributionClaim, VideoRepository } from '#shared/ports/video-repository';
import type { ChannelLedger, LedgerBooking } from '#shared/domain/channel-ledger';
import type { PublicationGroup } from '#shared/domain/publication-group';
import type { LedgerRepository } from '#shared/ports/ledger-repository';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { QueueMonitor } from '#shared/ports/queue-monitor';
import { QUEUE_NAMES, type QueueDepthCounts, type QueueName, type QueueReading } from '#shared/domain/system-health';

/**
 * In-memory fakes of the ports, with the semantics the DynamoDB adapters
 * promise (conditional transitions, idempotent appends, create-if-absent,
 * ordered pages), plus knobs to script races and failures.
 */

const clone = <T>(value: T): T => structuredClone(value);

/**
 * A page of `sorted` (ordered by `keyOf`, ascending or descending) after the
 * cursor, which is the key of the last item served: like a DynamoDB
 * ExclusiveStartKey, it resumes correctly even when items came or went.
 */
function pageOf<T>(sorted: readonly T[], keyOf: (item: T) => string, request: PageRequest, order: 'asc' | 'desc' = 'asc'): Page<T> {
  const cursor = request.cursor;
  const rest = cursor === undefined ? sorted : sorted.filter((item) => (order === 'asc' ? keyOf(item) > cursor : keyOf(item) < cursor));
  const items = rest.slice(0, request.limit);
  const last = items[items.length - 1];
  return { items: items.map(clone), next_cursor: rest.length > request.limit && last !== undefined ? keyOf(last) : null };
}

/** A clock that stands still until told to move. */
export class FixedClock implements Clock {
  private current: Date;

  constructor(iso = '2026-03-15T12:00:00.000Z') {
    this.current = new Date(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Ids `<prefix>000001`, `<prefix>000002`, ...: deterministic and increasing, like ULIDs from one process. */
export class SequentialIds implements IdGenerator {
  private count = 0;

  constructor(private readonly prefix = 'ID') {}

  next(): string {
    this.count += 1;
    return `${this.prefix}${String(this.count).padStart(6, '0')}`;
  }

  /** How many ids were handed out. */
  get issued(): number {
    return this.count;
  }
}

/** The system state item, with the conditional write of the DynamoDB adapter. */
export class InMemorySystemStateRepository implements SystemStateRepository {
  private state: SystemState = clone(INITIAL_SYSTEM_STATE);
  private readonly beforeWrites: ((repository: this) => void | Promise<void>)[] = [];
  private spuriousFailures = 0;
  /** Every write attempted, in order, with whether it applied. */
  readonly writes: { write: TransitionWrite; applied: boolean }[] = [];
  reads = 0;

  async get(): Promise<SystemState> {
    this.reads += 1;
    return clone(this.state);
  }

  async applyTransition(write: TransitionWrite): Promise<SystemState | null> {
    const hook = this.beforeWrites.shift();
    if (hook) await hook(this);
    if (this.spuriousFailures > 0) {
      this.spuriousFailures -= 1;
      this.writes.push({ write: clone(write), applied: false });
      return null;
    }
    if (!write.expectedFrom.includes(this.state.status)) {
      this.writes.push({ write: clone(write), applied: false });
      return null;
    }
    this.state = {
      status: write.to,
      since: write.transition.at,
      updated_at: write.transition.at,
      version: this.state.version + 1,
      last_transition: clone(write.transition),
    };
    this.writes.push({ write: clone(write), applied: true });
    return clone(this.state);
  }

  /** Sets the stored state directly (test set-up). */
  seed(state: Partial<SystemState>): void {
    this.state = { ...this.state, ...clone(state) };
  }

  /** The stored state, without counting a read. */
  peek(): SystemState {
    return clone(this.state);
  }

  /** Runs `action` just before the next write is evaluated: a competing caller that gets there first. */
  interleaveBeforeNextWrite(action: (repository: this) => void | Promise<void>): void {
    this.beforeWrites.push(action);
  }

  /** The next `count` writes report a lost race (null) and change nothing. */
  loseNextWrites(count = 1): void {
    this.spuriousFailures += count;
  }
}

/** The audit trail: one entry per activity_id, newest first; a re-appended entry never doubles. */
export class InMemoryActivityLog implements ActivityLog {
  private readonly entries = new Map<string, ActivityEntry>();
  private failures: Error[] = [];
  /** Every append call, with the entries it carried. */
  readonly appendCalls: ActivityEntry[][] = [];

  async append(entries: readonly ActivityEntry[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.appendCalls.push(clone([...entries]));
    for (const entry of entries) this.entries.set(entry.activity_id, clone(entry));
  }

  async list(query: ActivityQuery): Promise<Page<ActivityEntry>> {
    const sorted = [...this.entries.values()]
      .filter((e) => query.type === undefined || e.type === query.type)
      .filter((e) => query.channelId === undefined || e.channel_ids.includes(query.channelId))
      .sort((a, b) => (a.activity_id < b.activity_id ? 1 : -1))
      // As DynamoActivityLog reads back: a channel's listing names that channel only, and every entry its count.
      .map((e) => ({ ...e, channel_ids: query.channelId === undefined ? e.channel_ids : [query.channelId], channel_count: e.channel_ids.length }));
    return pageOf(sorted, (e) => e.activity_id, query, 'desc');
  }

  /** Every stored entry, oldest first. */
  all(): ActivityEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.activity_id < b.activity_id ? -1 : 1)).map(clone);
  }

  /** The next append throws `error` and stores nothing (a crash between two writes). */
  failNextAppend(error = new Error('activity log unavailable')): void {
    this.failures.push(error);
  }
}

/** Channels keyed by id, versioned like the DynamoDB adapter (version counts writes, created_at kept). */
export class InMemoryChannelRepository implements ChannelRepository {
  private readonly channels = new Map<string, Channel>();
  readonly deleted: string[] = [];

  async put(channelId: string, definition: ChannelDefinition, at: string): Promise<{ channel: Channel; created: boolean }> {
    const existing = this.channels.get(channelId);
    const channel: Channel = {
      ...clone(definition),
      channel_id: channelId,
      created_at: existing?.created_at ?? at,
      updated_at: at,
      version: (existing?.version ?? 0) + 1,
    };
    this.channels.set(channelId, channel);
    return { channel: clone(channel), created: existing === undefined };
  }

  async get(channelId: string): Promise<Channel | null> {
    const channel = this.channels.get(channelId);
    return channel ? clone(channel) : null;
  }

  async getMany(channelIds: readonly string[]): Promise<Map<string, Channel>> {
    const found = new Map<string, Channel>();
    for (const id of channelIds) {
      const channel = this.channels.get(id);
      if (channel) found.set(id, clone(channel));
    }
    return found;
  }

  async delete(channelId: string): Promise<boolean> {
    this.deleted.push(channelId);
    return this.channels.delete(channelId);
  }

  async list(request: PageRequest & { status?: ChannelStatus | undefined }): Promise<Page<Channel>> {
    const sorted = [...this.channels.values()]
      .filter((c) => request.status === undefined || c.status === request.status)
      .sort((a, b) => (a.channel_id < b.channel_id ? -1 : 1));
    return pageOf(sorted, (c) => c.channel_id, request);
  }

  async listWithActivity(request: PageRequest): Promise<Page<ChannelWithActivity>> {
    return pageOf(await this.listAll(), (c) => c.channel_id, request);
  }

  async listAll(): Promise<ChannelWithActivity[]> {
    return [...this.channels.values()].sort((a, b) => (a.channel_id < b.channel_id ? -1 : 1)).map((c) => ({ ...clone(c), last_publication_at: null }));
  }

  async getWithActivity(channelId: string): Promise<ChannelWithActivity | null> {
    const channel = this.channels.get(channelId);
    return channel ? { ...clone(channel), last_publication_at: null } : null;
  }

  async listStatuses(): Promise<{ channel_id: string; status: ChannelStatus }[]> {
    return [...this.channels.values()]
      .sort((a, b) => (a.channel_id < b.channel_id ? -1 : 1))
      .map((c) => ({ channel_id: c.channel_id, status: c.status }));
  }
}

/** Videos keyed by id; create only when absent; lists newest first. */
export class InMemoryVideoRepository implements VideoRepository {
  private readonly videos = new Map<string, Video>();
  private readonly pending = new Map<string, number>();

  async create(video: Video): Promise<boolean> {
    if (this.videos.has(video.video_id)) return false;
    this.videos.set(video.video_id, clone(video));
    return true;
  }

  async get(videoId: string): Promise<Video | null> {
    const video = this.videos.get(videoId);
    return video ? clone(video) : null;
  }

  async getMany(videoIds: readonly string[]): Promise<Map<string, Video>> {
    const found = new Map<string, Video>();
    for (const id of videoIds) {
      const video = this.videos.get(id);
      if (video) found.set(id, clone(video));
    }
    return found;
  }

  async addPending(videoId: string, count: number, at: string): Promise<void> {
    const video = this.videos.get(videoId);
    if (!video) throw new Error(`video '${videoId}' does not exist`);
    this.pending.set(videoId, (this.pending.get(videoId) ?? 0) + count);
    video.updated_at = at;
    if (video.status === 'available') video.status = 'assigned';
  }

  async removePending(videoId: string, count: number, at: string): Promise<void> {
    const video = this.videos.get(videoId);
    if (!video) throw new Error(`video '${videoId}' does not exist`);
    const left = (this.pending.get(videoId) ?? 0) - count;
    this.pending.set(videoId, left);
    video.updated_at = at;
    if (left <= 0 && video.status === 'assigned') video.status = 'available';
  }

  private readonly claims = new Map<string, { owner: string; until: string }>();

  async listAvailable(limit: number, cursor?: string): Promise<Page<DistributableVideo>> {
    const keyOf = (v: Video) => `${v.created_at}#${v.video_id}`;
    const sorted = [...this.videos.values()].filter((v) => v.status === 'available').sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const page = pageOf(sorted, keyOf, { limit, cursor }, 'asc');
    return { ...page, items: page.items.map((v) => ({ ...v, claimed_until: this.claims.get(v.video_id)?.until ?? null })) };
  }

  async claimForDistribution(videoId: string, claim: DistributionClaim): Promise<boolean> {
    const video = this.videos.get(videoId);
    const held = this.claims.get(videoId);
    if (!video || video.status !== 'available' || (held && held.until > claim.now)) return false;
    this.claims.set(videoId, { owner: claim.owner, until: claim.until });
    return true;
  }

  async releaseDistributionClaim(videoId: string, owner: string): Promise<void> {
    if (this.claims.get(videoId)?.owner === owner) this.claims.delete(videoId);
  }

  /** The distribution claim the video carries, if any. */
  claimOf(videoId: string): { owner: string; until: string } | undefined {
    return this.claims.get(videoId);
  }

  /** Pending publications counted for the video. */
  pendingOf(videoId: string): number {
    return this.pending.get(videoId) ?? 0;
  }

  async list(request: PageRequest & { status?: VideoStatus | undefined }): Promise<Page<Video>> {
    const keyOf = (v: Video) => `${v.created_at}#${v.video_id}`;
    const sorted = [...this.videos.values()]
      .filter((v) => request.status === undefined || v.status === request.status)
      .sort((a, b) => (keyOf(a) < keyOf(b) ? 1 : -1));
    return pageOf(sorted, keyOf, request, 'desc');
  }

  get size(): number {
    return this.videos.size;
  }
}

const PENDING: readonly PublicationStatus[] = PENDING_STATUSES;
const timeKey = (p: Publication) => `${p.scheduled_at}#${p.publication_id}`;
const byKey = (keyOf: (p: Publication) => string) => (a: Publication, b: Publication) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
const normalize = (iso: string) => new Date(iso).toISOString();

/** Publications keyed by id, with the guarded status changes and orderings of the DynamoDB adapter. */
export class InMemoryPublicationRepository implements PublicationRepository {
  private readonly publications = new Map<string, Publication>();

  async putMany(publications: readonly Publication[]): Promise<void> {
    for (const p of publications) this.publications.set(p.publication_id, clone(p));
  }

  async deleteMany(publicationIds: readonly string[]): Promise<void> {
    for (const id of publicationIds) this.publications.delete(id);
  }

  async get(publicationId: string): Promise<Publication | null> {
    const p = this.publications.get(publicationId);
    return p ? clone(p) : null;
  }

  async getMany(publicationIds: readonly string[]): Promise<Map<string, Publication>> {
    const found = new Map<string, Publication>();
    for (const id of publicationIds) {
      const p = this.publications.get(id);
      if (p) found.set(id, clone(p));
    }
    return found;
  }

  async list(query: PublicationQuery): Promise<Page<Publication>> {
    // A group is read slot by slot, so ties at one time go by channel first, as the DynamoDB walk of gsi3 does.
    const keyOf = query.groupId === undefined ? timeKey : (p: Publication) => `${p.scheduled_at}#${p.channel_id}#${p.publication_id}`;
    const sorted = this.all()
      .filter((p) => query.status === undefined || p.status === query.status)
      .filter((p) => query.channelId === undefined || p.channel_id === query.channelId)
      .filter((p) => query.groupId === undefined || p.group_id === query.groupId)
      .filter((p) => query.videoId === undefined || p.video_id === query.videoId)
      .filter((p) => query.from === undefined || p.scheduled_at >= normalize(query.from))
      .filter((p) => query.to === undefined || p.scheduled_at < normalize(query.to))
      .sort(byKey(keyOf));
    return pageOf(sorted, keyOf, query);
  }

  async listBySlot(slotId: string, limit: number, cursor?: string): Promise<Page<Publication>> {
    const slotKey = (p: Publication) => `${p.channel_id}#${p.publication_id}`;
    const sorted = this.all().filter((p) => p.slot_id === slotId).sort(byKey(slotKey));
    return pageOf(sorted, slotKey, { limit, cursor });
  }

  async listByStatus(status: PublicationStatus, limit: number, cursor?: string, before?: string): Promise<Page<Publication>> {
    const sorted = this.all()
      .filter((p) => p.status === status && (before === undefined || timeKey(p) < normalize(before)))
      .sort(byKey(timeKey));
    return pageOf(sorted, timeKey, { limit, cursor });
  }

  async listByChannelStatus(channelId: string, status: PublicationStatus, limit: number, cursor?: string): Promise<Page<Publication>> {
    const sorted = this.all().filter((p) => p.channel_id === channelId && p.status === status).sort(byKey(timeKey));
    return pageOf(sorted, timeKey, { limit, cursor });
  }

  async changeStatus(publication: PublicationRef, change: StatusChange): Promise<Publication | null> {
    const stored = this.publications.get(publication.publication_id);
    if (!stored || !change.from.includes(stored.status)) return null;
    stored.status = change.to;
    stored.updated_at = change.at;
    if (change.reason !== undefined) stored.status_reason = change.reason;
    Object.assign(stored, change.set ?? {});
    return clone(stored);
  }

  async reschedule(publicationId: string, move: { from: string; to: string; slotId: string; at: string }): Promise<boolean> {
    const stored = this.publications.get(publicationId);
    if (!stored || stored.status !== 'scheduled' || stored.scheduled_at !== normalize(move.from)) return false;
    stored.shifted_from = normalize(move.from);
    stored.scheduled_at = normalize(move.to);
    stored.slot_id = move.slotId;
    stored.updated_at = move.at;
    return true;
  }

  async markTriggerReceived(publicationId: string, at: string): Promise<boolean> {
    const stored = this.publications.get(publicationId);
    if (!stored || stored.status !== 'dispatching' || stored.trigger_received_at !== null) return false;
    stored.trigger_received_at = at;
    stored.updated_at = at;
    return true;
  }

  async countByStatus(status: PublicationStatus, due?: { from?: string | undefined; before?: string | undefined }): Promise<number> {
    const at = (iso: string) => Date.parse(iso);
    return this.all().filter(
      (p) =>
        p.status === status &&
        (due?.from === undefined || at(p.scheduled_at) >= at(due.from)) &&
        (due?.before === undefined || at(p.scheduled_at) < at(due.before)),
    ).length;
  }

  async countPendingForChannel(channelId: string): Promise<number> {
    return this.all().filter((p) => p.channel_id === channelId && PENDING.includes(p.status)).length;
  }

  /** Every stored publication (copies). */
  all(): Publication[] {
    return [...this.publications.values()].map(clone);
  }

  /** Marks every pending publication of the channel cancelled; returns how many (a stand-in for the cancel use case). */
  cancelPendingOf(channelId: string, at: string): number {
    let cancelled = 0;
    for (const p of this.publications.values()) {
      if (p.channel_id === channelId && PENDING.includes(p.status)) {
        p.status = 'cancelled';
        p.updated_at = at;
        cancelled += 1;
      }
    }
    return cancelled;
  }
}

/** The trigger queue: records what was sent, reports a settable depth. */
export class InMemoryTriggerQueue implements TriggerQueue {
  readonly sent: PipelineTrigger[] = [];
  private currentDepth: QueueDepth = { pending: 0, in_flight: 0, dead_letter: 0 };

  async send(triggers: readonly PipelineTrigger[]): Promise<void> {
    this.sent.push(...clone([...triggers]));
  }

  async depth(): Promise<QueueDepth> {
    return { ...this.currentDepth };
  }

  setDepth(depth: QueueDepth): void {
    this.currentDepth = { ...depth };
  }
}

/** One-time slot schedules by name: ensure is idempotent per slot_id, remove forgets them. */
export class InMemorySlotScheduler implements SlotScheduler {
  readonly schedules = new Map<string, SlotSchedule>();
  readonly removed: string[] = [];

  async ensure(slots: readonly SlotSchedule[]): Promise<{ created: number; existing: number; tooLate: SlotSchedule[] }> {
    let created = 0;
    for (const slot of slots) {
      if (this.schedules.has(slot.slot_id)) continue;
      this.schedules.set(slot.slot_id, { ...slot });
      created += 1;
    }
    return { created, existing: slots.length - created, tooLate: [] };
  }

  async remove(slotIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const id of slotIds) {
      if (this.schedules.delete(id)) deleted += 1;
      this.removed.push(id);
    }
    return deleted;
  }
}

/** Channel ledgers: versioned replaces, as the DynamoDB adapter's conditional writes. */
export class InMemoryLedgerRepository implements LedgerRepository {
  private readonly ledgers = new Map<string, ChannelLedger>();

  async get(channelId: string): Promise<ChannelLedger> {
    return clone(this.ledgers.get(channelId) ?? { channel_id: channelId, version: 0, bookings: [], closed_at: null });
  }

  async getMany(channelIds: readonly string[]): Promise<Map<string, ChannelLedger>> {
    return new Map(await Promise.all(channelIds.map(async (id) => [id, await this.get(id)] as const)));
  }

  async replace(channelId: string, expectedVersion: number, bookings: readonly LedgerBooking[]): Promise<boolean> {
    const ledger = await this.get(channelId);
    if (ledger.version !== expectedVersion) return false;
    this.ledgers.set(channelId, { ...ledger, version: expectedVersion + 1, bookings: clone([...bookings]) });
    return true;
  }

  async close(channelId: string, expectedVersion: number, at: string): Promise<boolean> {
    const ledger = await this.get(channelId);
    if (ledger.version !== expectedVersion) return false;
    this.ledgers.set(channelId, { ...ledger, version: expectedVersion + 1, closed_at: ledger.closed_at ?? at });
    return true;
  }

  async reopen(channelId: string): Promise<void> {
    const ledger = await this.get(channelId);
    if (ledger.closed_at) this.ledgers.set(channelId, { ...ledger, version: ledger.version + 1, closed_at: null });
  }
}

/** Groups by id (what the services here read of them); the DynamoDB adapter's other methods are tested against dynalite. */
export class InMemoryGroupReader implements Pick<PublicationGroupRepository, 'get' | 'getMany'> {
  readonly groups = new Map<string, PublicationGroup>();

  async get(groupId: string): Promise<PublicationGroup | null> {
    return clone(this.groups.get(groupId) ?? null);
  }

  async getMany(groupIds: readonly string[]): Promise<Map<string, PublicationGroup>> {
    return new Map(groupIds.flatMap((id) => (this.groups.has(id) ? [[id, clone(this.groups.get(id) as PublicationGroup)] as const] : [])));
  }
}

/** Every fake, sharing one clock and one id generator. */
export function inMemoryPorts(clock = new FixedClock()) {
  return {
    ledgers: new InMemoryLedgerRepository(),
    groups: new InMemoryGroupReader(),
    clock,
    ids: new SequentialIds(),
    state: new InMemorySystemStateRepository(),
    activity: new InMemoryActivityLog(),
    channels: new InMemoryChannelRepository(),
    videos: new InMemoryVideoRepository(),
    publications: new InMemoryPublicationRepository(),
    queue: new InMemoryTriggerQueue(),
    scheduler: new InMemorySlotScheduler(),
  };
}

/** Every queue's depth: all empty until a test sets one (or makes one unreadable). */
export class InMemoryQueueMonitor implements QueueMonitor {
  private readonly readings = new Map<QueueName, QueueReading>(
    QUEUE_NAMES.map((name) => [name, { name, depth: { visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null }, error: null }]),
  );

  async depths(): Promise<QueueReading[]> {
    return QUEUE_NAMES.map((name) => clone(this.readings.get(name) as QueueReading));
  }

  /** Sets a queue's depth (merged into empty counts), or, with an error, makes it unreadable. */
  set(name: QueueName, depth: Partial<QueueDepthCounts> | { error: string }): void {
    this.readings.set(
      name,
      'error' in depth
        ? { name, depth: null, error: depth.error }
        : { name, depth: { visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null, ...depth }, error: null },
    );
  }
}
