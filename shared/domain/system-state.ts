/**
 * The orchestration system's state machine (SPEC "System state"). Pure: it
 * decides what a control command does to a state and nothing else.
 */
export const SYSTEM_STATUSES = ['stopped', 'running', 'paused'] as const;
export type SystemStatus = (typeof SYSTEM_STATUSES)[number];

export const CONTROL_COMMANDS = ['start', 'stop', 'pause', 'resume'] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

/** The last transition applied, kept on the state item so its audit entry can be written idempotently. */
export interface AppliedTransition {
  activity_id: string;
  command: ControlCommand;
  from: SystemStatus;
  to: SystemStatus;
  at: string;
  actor: string;
  request_id: string;
}

export interface SystemState {
  status: SystemStatus;
  /** When the current status began (ISO 8601); null before the first transition. */
  since: string | null;
  updated_at: string | null;
  /** Incremented by every applied transition; 0 before the first. */
  version: number;
  last_transition: AppliedTransition | null;
}

export const INITIAL_SYSTEM_STATE: SystemState = {
  status: 'stopped',
  since: null,
  updated_at: null,
  version: 0,
  last_transition: null,
};

export type TransitionDecision =
  | { kind: 'apply'; from: SystemStatus; to: SystemStatus }
  | { kind: 'unchanged' }
  | { kind: 'refuse'; reason: string };

interface CommandRule {
  /** Statuses the command moves out of. */
  from: readonly SystemStatus[];
  to: SystemStatus;
  /** Statuses where the command is harmless and changes nothing. */
  unchangedIn: readonly SystemStatus[];
  /** Why the command is refused in each remaining status. */
  refusals: Partial<Record<SystemStatus, string>>;
}

const RULES: Record<ControlCommand, CommandRule> = {
  start: {
    from: ['stopped'],
    to: 'running',
    unchangedIn: ['running'],
    refusals: { paused: 'the system is paused: use resume to continue' },
  },
  stop: { from: ['running', 'paused'], to: 'stopped', unchangedIn: ['stopped'], refusals: {} },
  pause: {
    from: ['running'],
    to: 'paused',
    unchangedIn: ['paused'],
    refusals: { stopped: 'the system is stopped: start it before pausing' },
  },
  resume: {
    from: ['paused'],
    to: 'running',
    unchangedIn: ['running'],
    refusals: { stopped: 'the system is stopped: use start, not resume' },
  },
};

/** Statuses a command may move out of: the condition its write is guarded by. */
export function statusesAccepting(command: ControlCommand): readonly SystemStatus[] {
  return RULES[command].from;
}

export function targetStatus(command: ControlCommand): SystemStatus {
  return RULES[command].to;
}

/** What `command` does when the system is in `current`. */
export function decideTransition(current: SystemStatus, command: ControlCommand): TransitionDecision {
  const rule = RULES[command];
  if (rule.from.includes(current)) return { kind: 'apply', from: current, to: rule.to };
  if (rule.unchangedIn.includes(current)) return { kind: 'unchanged' };
  return { kind: 'refuse', reason: rule.refusals[current] ?? `cannot ${command} while ${current}` };
}

/** Whether coordination work (planning) is accepted in this status. */
export function acceptsCoordination(status: SystemStatus): boolean {
  return status !== 'stopped';
}

/** Whether due work may be dispatched now, or must be held. */
export function dispatchesWork(status: SystemStatus): boolean {
  return status === 'running';
}
