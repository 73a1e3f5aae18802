import type { ActivityEntry, RequestMeta } from '#shared/domain/activity';
import { Conflict, ContentionExhausted } from '#shared/domain/errors';
import {
  decideTransition,
  type AppliedTransition,
  type ControlCommand,
  type SystemState,
  type SystemStatus,
} from '#shared/domain/system-state';
import { backoffDelay, sleep } from '#shared/concurrency';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';

export interface ControlResult {
  status: SystemStatus;
  previous: SystemStatus;
  changed: boolean;
  running: boolean;
  paused: boolean;
  since: string | null;
  updated_at: string | null;
}

/** Work to do once the system runs again (issue: held publications are released on start and resume). */
export type OnRunning = (meta: RequestMeta) => Promise<void>;

export interface SystemControlDeps {
  state: SystemStateRepository;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
  onRunning?: OnRunning | undefined;
}

const MAX_ATTEMPTS = 30;

const ACTIVITY_OF: Record<ControlCommand, ActivityEntry['type']> = {
  start: 'system.started',
  stop: 'system.stopped',
  pause: 'system.paused',
  resume: 'system.resumed',
};

/**
 * Start, stop, pause and resume of the whole operation (GET /status is SystemStatus).
 *
 * A control call:
 * 1. reads the state (consistently) and decides with the pure state machine;
 * 2. refuses (409 with the current status), or answers `changed: false`;
 * 3. otherwise writes the new status conditioned on the status it read, and
 *    on losing that race reads again and decides again;
 * 4. appends the transition's audit entry, whose id was fixed in the state
 *    write, so a retry or a repair never writes it twice;
 * 5. on entering `running`, releases held work.
 */
export class SystemControl {
  constructor(private readonly deps: SystemControlDeps) {}

  async control(command: ControlCommand, meta: RequestMeta): Promise<ControlResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, 5, 200));
      const state = await this.deps.state.get();
      const decision = decideTransition(state.status, command);
      if (decision.kind === 'refuse') {
        throw new Conflict('invalid_transition', decision.reason, { status: state.status, command });
      }
      if (decision.kind === 'unchanged') {
        // Repairs the trail if an earlier call stopped between its state write and its audit entry.
        if (state.last_transition) await this.deps.activity.append([entryOf(state.last_transition)]);
        return resultOf(state, state.status, false);
      }
      const transition: AppliedTransition = {
        activity_id: this.deps.ids.next(),
        command,
        from: decision.from,
        to: decision.to,
        at: this.deps.clock.now().toISOString(),
        actor: meta.actor,
        request_id: meta.request_id,
      };
      const next = await this.deps.state.applyTransition({ expectedFrom: [decision.from], to: decision.to, transition });
      if (!next) continue;
      await this.deps.activity.append([entryOf(transition)]);
      if (next.status === 'running') await this.deps.onRunning?.(meta);
      return resultOf(next, decision.from, true);
    }
    throw new ContentionExhausted('the system state');
  }
}

function resultOf(state: SystemState, previous: SystemStatus, changed: boolean): ControlResult {
  return {
    status: state.status,
    previous,
    changed,
    running: state.status === 'running',
    paused: state.status === 'paused',
    since: state.since,
    updated_at: state.updated_at,
  };
}

function entryOf(transition: AppliedTransition): ActivityEntry {
  return {
    activity_id: transition.activity_id,
    at: transition.at,
    type: ACTIVITY_OF[transition.command],
    actor: transition.actor,
    target: { type: 'system', id: 'orchestration' },
    channel_ids: [],
    details: { command: transition.command, from: transition.from, to: transition.to },
    request_id: transition.request_id,
  };
}
