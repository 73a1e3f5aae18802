import { describe, expect, it } from 'vitest';
import { CONTROL_COMMANDS, SYSTEM_STATUSES, decideTransition, type ControlCommand, type SystemStatus } from '#shared/domain/system-state';

/** SPEC "System state": the whole table, cell by cell. */
const TABLE: Record<ControlCommand, Record<SystemStatus, 'refuse' | 'unchanged' | SystemStatus>> = {
  start: { stopped: 'running', running: 'unchanged', paused: 'refuse' },
  stop: { stopped: 'unchanged', running: 'stopped', paused: 'stopped' },
  pause: { stopped: 'refuse', running: 'paused', paused: 'unchanged' },
  resume: { stopped: 'refuse', running: 'unchanged', paused: 'running' },
};

describe('decideTransition', () => {
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
