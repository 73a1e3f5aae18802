import type { RequestMeta } from '#shared/domain/activity';
import type { ConflictPolicy, Timing } from '#shared/domain/coordination';
import type { BookingOutcome, ConflictReport, GroupBooking, MoveReport } from './group-booking';
import { earlierAttemptAnswer, type EarlierAttemptAnswer } from './earlier-attempt';

export interface CoordinatePublicationInput {
  video_id: string;
  channel_ids: string[];
  timing: Timing;
  scheduled_at?: string | undefined;
  delay_seconds?: number | undefined;
  priority: number;
  conflict_policy: ConflictPolicy;
  dry_run: boolean;
}

export interface CoordinationResult {
  coordination_id: string | null;
  video_id: string;
  timing: Timing;
  dry_run: boolean;
  publications: { publication_id: string | null; channel_id: string; scheduled_at: string; status: string; shifted_from?: string }[];
  conflicts: ConflictReport[];
  preempted: MoveReport[];
  schedules_created: number;
}

/** POST /coordinate-publication: one video across many channels (a group of kind `coordination`). */
export class CoordinatePublication {
  constructor(private readonly booking: GroupBooking) {}

  /** The coordination booked (or planned, for a dry run); or, for a retry, where its first attempt stands. */
  async run(
    input: CoordinatePublicationInput,
    meta: RequestMeta,
  ): Promise<{ booked: CoordinationResult } | { earlier: EarlierAttemptAnswer<'coordination'> }> {
    const outcome = await this.booking.book(
      {
        kind: 'coordination',
        videoIds: [input.video_id],
        channelIds: input.channel_ids,
        timing: input.timing,
        scheduledAt: input.scheduled_at,
        delaySeconds: input.delay_seconds,
        staggerBy: 'channel',
        priority: input.priority,
        policy: input.conflict_policy,
        dryRun: input.dry_run,
        timingFieldPrefix: '',
      },
      meta,
    );
    if ('earlier' in outcome) return { earlier: earlierAttemptAnswer('coordination', outcome.earlier) };
    return { booked: resultOf(input, outcome) };
  }
}

function resultOf(input: CoordinatePublicationInput, outcome: BookingOutcome): CoordinationResult {
  return {
    coordination_id: outcome.group_id,
    video_id: input.video_id,
    timing: input.timing,
    dry_run: outcome.dry_run,
    publications: outcome.publications.map((p) => ({
      publication_id: p.publication_id,
      channel_id: p.channel_id,
      scheduled_at: p.scheduled_at,
      status: p.status,
      ...(p.shifted_from ? { shifted_from: p.shifted_from } : {}),
    })),
    conflicts: outcome.conflicts,
    preempted: outcome.moves,
    schedules_created: outcome.schedules_created,
  };
}
