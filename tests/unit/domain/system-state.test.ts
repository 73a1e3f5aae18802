import { describe, expect, it } from 'vitest';
import {
  CONTROL_COMMANDS,
  SYSTEM_STATUSES,
  acceptsCoordination,
  decideTransition,
  dispatchesWork,
  statusesAccepting,
  targetStatus,
  type ControlCommand,
  type SystemStatus,
} from '#shared/domain/system-state';

/** SPEC "System state": the whole table, cell by cell. */
const TABLE: Record<ControlCommand, Record<SystemStatus, 'refuse' | 'unchanged' | SystemStatus>> = {
  start: { stopped: 'running', running: 'unchanged', paused: 'refuse' },
  stop: { stopped: 'unchanged', running: 'stopped', paused: 'stopped' },
  pause: { stopped: 'refuse', running: 'paused', paused: 'unchanged' },
  resume: { stopped: 'refuse', running: 'unchanged', paused: 'running' },
};

describe('Function: decideTransition', () => {
  for (const command of CONTROL_COMMANDS) {
    for (const status of SYSTEM_STATUSES) {
      const expected = TABLE[command][status];
      it(`${command} from ${status} -> ${expected}`, () => {
        const decision = decideTransition(status, command);
        if (expected === 'refuse' || expected === 'unchanged') {
          expect(decision.kind).toBe(expected);
        } else {
          expect(decision).toEqual({ kind: 'apply', from: status, to: expected });
        }
      });
    }
  }

  it('explains a refusal with the way out', () => {
    const decision = decideTransition('paused', 'start');
    expect(decision.kind === 'refuse' && decision.reason).toMatch(/resume/);
  });
});

describe('Function: statusesAccepting / targetStatus', () => {
  it('guard each write with exactly the statuses the table moves out of, towards the table target', () => {
    for (const command of CONTROL_COMMANDS) {
      const moving = SYSTEM_STATUSES.filter((s) => !['refuse', 'unchanged'].includes(TABLE[command][s]));
      expect([...statusesAccepting(command)].sort(), command).toEqual(moving.sort());
      for (const from of moving) expect(targetStatus(command), command).toBe(TABLE[command][from]);
    }
  });
});

describe('Function: acceptsCoordination / dispatchesWork', () => {
  it('refuses coordination only while stopped', () => {
    expect(SYSTEM_STATUSES.filter(acceptsCoordination)).toEqual(['running', 'paused']);
  });

  it('dispatches only while running (paused and stopped hold work)', () => {
    expect(SYSTEM_STATUSES.filter(dispatchesWork)).toEqual(['running']);
  });
});
