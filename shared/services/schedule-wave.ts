import type { RequestMeta } from '#shared/domain/activity';
import type { ConflictPolicy, StaggerBy, Timing } from '#shared/domain/coordination';
import type { ConflictReport, GroupBooking } from './group-booking';
import { earlierAttemptAnswer, type EarlierAttemptAnswer } from './earlier-attempt';

export interface ScheduleWaveInput {
  video_ids: string[];
  channel_ids: string[];
  wave_config: { timing: Timing; scheduled_at?: string | undefined; delay_seconds?: number | undefined; stagger_by: StaggerBy };
  priority: number;
  conflict_policy: ConflictPolicy;
  dry_run: boolean;
}

export interface WaveResult {
  wave_id: string | null;
  dry_run: boolean;
  total_publications: number;
  slots: number;
  first_at: string | null;
  last_at: string | null;
  shifted: number;
  preempted: number;
  conflicts: ConflictReport[];
  schedules_created: number;
}

/** Conflicts listed in a wave's answer; the rest are counted. */
const LISTED_CONFLICTS = 100;

/** POST /schedule-wave: every video on every channel (a group of kind `wave`). */
export class ScheduleWave {
  constructor(private readonly booking: GroupBooking) {}

  /** The wave booked (or planned, for a dry run); or, for a retry, where its first attempt stands. */
  async run(input: ScheduleWaveInput, meta: RequestMeta): Promise<{ booked: WaveResult } | { earlier: EarlierAttemptAnswer<'wave'> }> {
    const outcome = await this.booking.book(
      {
        kind: 'wave',
        videoIds: input.video_ids,
        channelIds: input.channel_ids,
        timing: input.wave_config.timing,
        scheduledAt: input.wave_config.scheduled_at,
        delaySeconds: input.wave_config.delay_seconds,
        staggerBy: input.wave_config.stagger_by,
        priority: input.priority,
        policy: input.conflict_policy,
        dryRun: input.dry_run,
        timingFieldPrefix: 'wave_config.',
      },
      meta,
    );
    if ('earlier' in outcome) return { earlier: earlierAttemptAnswer('wave', outcome.earlier) };
    const booked: WaveResult = {
      wave_id: outcome.group_id,
      dry_run: outcome.dry_run,
      total_publications: outcome.publications.length,
      slots: outcome.slot_count,
      first_at: outcome.first_at,
      last_at: outcome.last_at,
      shifted: outcome.conflicts.filter((c) => c.resolution === 'shifted').length,
      preempted: outcome.moves.length,
      conflicts: outcome.conflicts.slice(0, LISTED_CONFLICTS),
      schedules_created: outcome.schedules_created,
    };
    return { booked };
  }
}
