import { NotFound } from '#shared/domain/errors';
import type { Page } from '#shared/domain/pagination';
import type { Publication } from '#shared/domain/publication';
import type { PublicationGroup, Slot } from '#shared/domain/publication-group';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import type { PublicationQuery, PublicationRepository } from '#shared/ports/publication-repository';

/** A publication as the API shows it: its group named by kind. */
export type PublicationView = Omit<Publication, 'group_id' | 'group_kind' | 'trigger_received_at'> & {
  coordination_id: string | null;
  wave_id: string | null;
};

export interface WaveView {
  wave_id: string;
  status: 'scheduled' | 'cancelled';
  video_count: number;
  channel_ids: string[];
  timing: PublicationGroup['timing'];
  stagger_by: PublicationGroup['stagger_by'];
  scheduled_at: string;
  delay_seconds: number | null;
  priority: number;
  conflict_policy: PublicationGroup['conflict_policy'];
  total_publications: number;
  first_at: string | null;
  last_at: string | null;
  schedules_created: number;
  slots: Pick<Slot, 'slot_id' | 'fire_at' | 'status' | 'publication_count' | 'dispatched' | 'held'>[];
  created_at: string;
  cancelled_at: string | null;
}

/** Reads publications and waves. */
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

  /** A wave and its slots. A wave whose request failed (rolled back) is not found. */
  async wave(waveId: string): Promise<WaveView> {
    const group = await this.groups.get(waveId);
    if (!group || group.kind !== 'wave' || group.status === 'planning' || group.status === 'failed') throw new NotFound('wave', waveId);
    const slots = (await this.groups.listSlots(waveId)).sort((a, b) => (a.fire_at < b.fire_at ? -1 : 1));
    return {
      wave_id: group.group_id,
      status: group.status,
      video_count: group.video_count,
      channel_ids: group.channel_ids,
      timing: group.timing,
      stagger_by: group.stagger_by,
      scheduled_at: group.scheduled_at,
      delay_seconds: group.delay_seconds,
      priority: group.priority,
      conflict_policy: group.conflict_policy,
      total_publications: group.total_publications,
      first_at: group.first_at,
      last_at: group.last_at,
      schedules_created: group.schedules_created,
      slots: slots.map(({ slot_id, fire_at, status, publication_count, dispatched, held }) => ({
        slot_id,
        fire_at,
        status,
        publication_count,
        dispatched,
        held,
      })),
      created_at: group.created_at,
      cancelled_at: group.cancelled_at,
    };
  }
}

export function toPublicationView(p: Publication): PublicationView {
  const { group_id, group_kind, trigger_received_at: _received, ...rest } = p;
  return {
    ...rest,
    coordination_id: group_kind === 'coordination' ? group_id : null,
    wave_id: group_kind === 'wave' ? group_id : null,
  };
}
