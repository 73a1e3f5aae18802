import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityType } from '#shared/domain/activity';
import { Conflict, ContentionExhausted } from '#shared/domain/errors';
import type { ControlCommand, SystemStatus } from '#shared/domain/system-state';
import { SystemControl } from '#shared/services/system-control';
import { inMemoryPorts } from '#tests/helpers/in-memory-ports';
import { META } from '#tests/helpers/sample-entities';

const SEEDED_SINCE = '2026-03-01T08:00:00.000Z';
const SEEDED_VERSION = 7;

/** A SystemControl over in-memory ports, the system already in `status`. */
function systemIn(status: SystemStatus) {
  const ports = inMemoryPorts();
  ports.state.seed({ status, since: SEEDED_SINCE, updated_at: SEEDED_SINCE, version: SEEDED_VERSION, last_transition: null });
  const onRunning = vi.fn(async () => undefined);
  const control = new SystemControl({
    state: ports.state,
    activity: ports.activity,
    clock: ports.clock,
    ids: ports.ids,
    onRunning,
  });
  return { ports, control, onRunning, now: ports.clock.now().toISOString() };
}

/** SPEC "System state", cell by cell. */
const APPLIED: [ControlCommand, SystemStatus, SystemStatus, ActivityType][] = [
  ['start', 'stopped', 'running', 'system.started'],
  ['stop', 'running', 'stopped', 'system.stopped'],
  ['stop', 'paused', 'stopped', 'system.stopped'],
  ['pause', 'running', 'paused', 'system.paused'],
  ['resume', 'paused', 'running', 'system.resumed'],
];
const UNCHANGED: [ControlCommand, SystemStatus][] = [
  ['start', 'running'],
  ['stop', 'stopped'],
  ['pause', 'paused'],
  ['resume', 'running'],
];
const REFUSED: [ControlCommand, SystemStatus, RegExp][] = [
  ['start', 'paused', /resume/],
  ['pause', 'stopped', /start/],
  ['resume', 'stopped', /start/],
];

describe('Class: SystemControl', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('Method: control', () => {
    it('covers every cell of the SPEC transition table', () => {
      // Assess: 4 commands x 3 statuses, each cell tested exactly once below.
      const cells = [...APPLIED.map(([c, s]) => `${c}/${s}`), ...UNCHANGED.map(([c, s]) => `${c}/${s}`), ...REFUSED.map(([c, s]) => `${c}/${s}`)];
      expect(new Set(cells).size).toBe(12);
    });

    for (const [command, from, to, type] of APPLIED) {
      it(`${command} from ${from} moves to ${to} and writes one ${type} entry under the id fixed in the state write`, async () => {
        // Prepare
        const { ports, control, now } = systemIn(from);

        // Act
        const result = await control.control(command, META);

        // Assess
        expect(result).toEqual({
          status: to,
          previous: from,
          changed: true,
          running: to === 'running',
          paused: to === 'paused',
          since: now,
          updated_at: now,
        });
        const state = ports.state.peek();
        expect(state.status).toBe(to);
        expect(state.version).toBe(SEEDED_VERSION + 1);
        expect(ports.activity.all()).toEqual([
          {
            activity_id: state.last_transition?.activity_id,
            at: now,
            type,
            actor: META.actor,
            target: { type: 'system', id: 'orchestration' },
            channel_ids: [],
            details: { command, from, to },
            request_id: META.request_id,
          },
        ]);
      });
    }

    for (const [command, status] of UNCHANGED) {
      it(`${command} while ${status} answers changed:false and writes nothing`, async () => {
        // Prepare
        const { ports, control } = systemIn(status);

        // Act
        const result = await control.control(command, META);

        // Assess
        expect(result).toEqual({
          status,
          previous: status,
          changed: false,
          running: status === 'running',
          paused: status === 'paused',
          since: SEEDED_SINCE,
          updated_at: SEEDED_SINCE,
        });
        expect(ports.state.writes).toHaveLength(0);
        expect(ports.state.peek().version).toBe(SEEDED_VERSION);
        expect(ports.activity.all()).toHaveLength(0);
      });
    }

    for (const [command, status, wayOut] of REFUSED) {
      it(`${command} while ${status} is refused as a Conflict invalid_transition naming the status`, async () => {
        // Prepare
        const { ports, control } = systemIn(status);

        // Act
        const outcome = control.control(command, META);

        // Assess
        const error = await outcome.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Conflict);
        expect(error).toMatchObject({ code: 'invalid_transition', details: { status, command } });
        expect((error as Error).message).toMatch(wayOut);
        expect(ports.state.writes).toHaveLength(0);
        expect(ports.state.peek().status).toBe(status);
        expect(ports.activity.all()).toHaveLength(0);
      });
    }

    it('a repeated call answers changed:false and adds no activity entry', async () => {
      // Prepare
      const { ports, control, now } = systemIn('stopped');
      await control.control('start', META);
      ports.clock.advance(60_000);

      // Act
      const again = await control.control('start', { actor: 'someone-else', request_id: 'req-2' });

      // Assess
      expect(again).toMatchObject({ status: 'running', previous: 'running', changed: false, since: now });
      expect(ports.activity.all()).toHaveLength(1);
      expect(ports.state.peek().version).toBe(SEEDED_VERSION + 1);
    });

    it('on losing the race to a competing pause, re-reads and answers changed:false', async () => {
      // Prepare
      const { ports, control } = systemIn('running');
      ports.state.interleaveBeforeNextWrite(async (repository) => {
        await repository.applyTransition({
          expectedFrom: ['running'],
          to: 'paused',
          transition: { activity_id: 'COMPETITOR', command: 'pause', from: 'running', to: 'paused', at: '2026-03-15T11:59:59.000Z', actor: 'other', request_id: 'req-other' },
        });
      });

      // Act
      const result = await control.control('pause', META);

      // Assess
      expect(result).toMatchObject({ status: 'paused', previous: 'paused', changed: false });
      expect(ports.state.reads).toBe(2);
      expect(ports.state.peek().version).toBe(SEEDED_VERSION + 1);
      // The loser's own transition was never applied, so it has no entry; the winner's is (re)written once.
      expect(ports.activity.all().map((e) => e.activity_id)).toEqual(['COMPETITOR']);
    });

    it('on losing the race to a competing stop, re-reads and decides again: the pause is refused', async () => {
      // Prepare
      const { ports, control } = systemIn('running');
      ports.state.interleaveBeforeNextWrite(async (repository) => {
        await repository.applyTransition({
          expectedFrom: ['running'],
          to: 'stopped',
          transition: { activity_id: 'COMPETITOR', command: 'stop', from: 'running', to: 'stopped', at: '2026-03-15T11:59:59.000Z', actor: 'other', request_id: 'req-other' },
        });
      });

      // Act
      const error = await control.control('pause', META).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(Conflict);
      expect(error).toMatchObject({ code: 'invalid_transition', details: { status: 'stopped' } });
      expect(ports.state.peek().status).toBe('stopped');
    });

    it('a write reported lost (null once) is retried and applied exactly once, with one activity entry', async () => {
      // Prepare
      const { ports, control } = systemIn('running');
      ports.state.loseNextWrites(1);

      // Act
      const result = await control.control('pause', META);

      // Assess
      expect(result).toMatchObject({ status: 'paused', previous: 'running', changed: true });
      expect(ports.state.writes.map((w) => w.applied)).toEqual([false, true]);
      const applied = ports.state.writes[1]?.write.transition.activity_id;
      const lost = ports.state.writes[0]?.write.transition.activity_id;
      expect(ports.activity.all().map((e) => e.activity_id)).toEqual([applied]);
      expect(applied).not.toBe(lost);
      expect(ports.state.peek().version).toBe(SEEDED_VERSION + 1);
    });

    it('gives up with ContentionExhausted (retryable) when every write loses, writing no activity', async () => {
      // Prepare: no backoff wait
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { ports, control } = systemIn('running');
      ports.state.loseNextWrites(1_000);

      // Act
      const error = await control.control('pause', META).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ContentionExhausted);
      expect(error).toMatchObject({ code: 'contention', details: { retryable: true } });
      expect(ports.state.writes.length).toBeGreaterThan(1);
      expect(ports.activity.all()).toHaveLength(0);
    });

    it('repairs a missing audit entry on the next call, under the id of the stored transition, and never doubles it', async () => {
      // Prepare: the state write lands but the audit append fails (a crash between the two)
      const { ports, control } = systemIn('stopped');
      ports.activity.failNextAppend();
      await expect(control.control('start', META)).rejects.toThrow('activity log unavailable');
      const stored = ports.state.peek().last_transition;
      expect(ports.activity.all()).toHaveLength(0);

      // Act
      await control.control('start', META);
      await control.control('resume', META);

      // Assess
      const entries = ports.activity.all();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ activity_id: stored?.activity_id, type: 'system.started', at: stored?.at });
    });

    it('releases held work (onRunning) on entering running, and only then', async () => {
      // Prepare
      const { control, onRunning } = systemIn('stopped');

      // Act
      await control.control('start', META);
      await control.control('start', META);
      await control.control('pause', META);
      await control.control('resume', META);
      await control.control('stop', META);

      // Assess: start and resume moved into running; the repeated start did not
      expect(onRunning).toHaveBeenCalledTimes(2);
      expect(onRunning).toHaveBeenCalledWith(META);
    });
  });
});
