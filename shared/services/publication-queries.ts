import { NotFound } from '#shared/domain/errors';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { GroupKind, Publication } from '#shared/domain/publication';
import type { GroupStatus, PublicationGroup, Slot } from '#shared/domain/publication-group';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationQuery, PublicationRepository } from '#shared/ports/publication-repository';

/** A publication as the API shows it: its group named by kind. */
export type PublicationView = Omit<Publication, 'group_id' | 'group_kind' | 'trigger_received_at'> & {
  coordination_id: string | null;
  wave_id: string | null;
};

/** A slot as a group's view shows it. */
export type SlotView = Pick<Slot, 'slot_id' | 'fire_at' | 'status' | 'publication_count' | 'dispatched' | 'held'>;

/** What every group shows, whatever its kind. */
interface GroupFields {
  status: GroupStatus;
  status_reason: string | null;
  channel_ids: string[];
  timing: PublicationGroup['timing'];
  scheduled_at: string;
  delay_seconds: number | null;
  priority: number;
  conflict_policy: PublicationGroup['conflict_policy'];
  total_publications: number;
  first_at: string | null;
  last_at: string | null;
  schedules_created: number;
  created_at: string;
  cancelled_at: string | null;
}

/** A wave as GET /waves lists it. */
export type WaveSummary = { wave_id: string; video_count: number; stagger_by: PublicationGroup['stagger_by'] } & GroupFields;
/** A coordination as GET /coordinations lists it. */
export type CoordinationSummary = { coordination_id: string; video_id: string | null } & GroupFields;

interface GroupSummaries {
  wave: WaveSummary;
  coordination: CoordinationSummary;
}
export type GroupSummary<K extends GroupKind> = GroupSummaries[K];
/** A group read by id: its summary and its slots, earliest first. */
export type GroupView<K extends GroupKind> = GroupSummary<K> & { slots: SlotView[] };
export type WaveView = GroupView<'wave'>;
export type CoordinationView = GroupView<'coordination'>;

/** Reads publications, and coordinations and waves alike (a group parametrised by its kind). */
export class PublicationQueries {
  constructor(
    private readonly publications: PublicationRepository,
    private readonly groups: PublicationGroupRepository,
  ) {}

  async list(query: PublicationQuery): Promise<Page<PublicationView>> {
    const page = await this.publications.list(query);
    return { items: page.items.map(toPublicationView), next_cursor: page.next_cursor };
  }

  async get(publicationId: string): Promise<PublicationView> {
    const publication = await this.publications.get(publicationId);
    if (!publication) throw new NotFound('publication', publicationId);
    return toPublicationView(publication);
  }

  /**
   * A coordination or a wave and its slots, in whatever status: `planning`
   * while its request writes it, `failed` (with the reason) once rolled back.
   * An id of the other kind is not found.
   */
  async group<K extends GroupKind>(kind: K, groupId: string): Promise<GroupView<K>> {
    const group = await this.groups.get(groupId);
    const shown = group && group.kind === kind ? group : null;
    if (!shown) throw new NotFound(kind, groupId);
    const slots = (await this.groups.listSlots(groupId)).sort((a, b) => (a.fire_at < b.fire_at ? -1 : 1));
    return groupViewOf(kind, shown, slots);
  }

  /** One page of the coordinations or waves, newest first, without their slots. */
  async listGroups<K extends GroupKind>(
    kind: K,
    request: PageRequest & { status?: GroupStatus | undefined },
  ): Promise<Page<GroupSummary<K>>> {
    const page = await this.groups.list(kind, request);
    return { items: page.items.map((group) => groupSummaryOf(kind, group)), next_cursor: page.next_cursor };
  }
}

/** A group as lists show it: named by its kind's id field, with the fields of its kind. */
export function groupSummaryOf<K extends GroupKind>(kind: K, group: PublicationGroup): GroupSummary<K>;
export function groupSummaryOf(kind: GroupKind, group: PublicationGroup): GroupSummary<GroupKind> {
  const plan = { status_reason: group.status_reason, channel_ids: group.channel_ids, timing: group.timing };
  const outcome = {
    scheduled_at: group.scheduled_at,
    delay_seconds: group.delay_seconds,
    priority: group.priority,
    conflict_policy: group.conflict_policy,
    total_publications: group.total_publications,
    first_at: group.first_at,
    last_at: group.last_at,
    schedules_created: group.schedules_created,
    created_at: group.created_at,
    cancelled_at: group.cancelled_at,
  };
  return kind === 'wave'
    ? { wave_id: group.group_id, status: group.status, video_count: group.video_count, ...plan, stagger_by: group.stagger_by, ...outcome }
    : { coordination_id: group.group_id, status: group.status, video_id: group.video_id, ...plan, ...outcome };
}

/** A group read by id: its summary with its slots (given earliest first) before its creation and cancellation times. */
export function groupViewOf<K extends GroupKind>(kind: K, group: PublicationGroup, slots: readonly Slot[]): GroupView<K>;
export function groupViewOf(kind: GroupKind, group: PublicationGroup, slots: readonly Slot[]): GroupView<GroupKind> {
  const { created_at, cancelled_at, ...head } = groupSummaryOf(kind, group);
  return {
    ...head,
    slots: slots.map(({ slot_id, fire_at, status, publication_count, dispatched, held }) => ({
      slot_id,
      fire_at,
      status,
      publication_count,
      dispatched,
      held,
    })),
    created_at,
    cancelled_at,
  };
}

export function toPublicationView(p: Publication): PublicationView {
  const { group_id, group_kind, trigger_received_at: _received, ...rest } = p;
  return {
    ...rest,
    coordination_id: group_kind === 'coordination' ? group_id : null,
    wave_id: group_kind === 'wave' ? group_id : null,
  };
}
