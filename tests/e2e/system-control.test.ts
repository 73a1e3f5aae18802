import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '#tests/helpers/local-server';

/**
 * SPEC "System state" over HTTP against `npm start`: one server for the file,
 * the scenarios in order (each starts from the state the previous one left).
 */
let api: LocalServer;

beforeAll(async () => {
  api = await LocalServer.start();
});
afterAll(async () => {
  await api?.stop();
});

const control = (command: 'start' | 'stop' | 'pause' | 'resume', headers: Record<string, string> = {}) =>
  api.request('POST', `/${command}`, { headers });

const given = {
  theSystemIs: async (status: 'stopped' | 'running' | 'paused') => {
    const { body } = await api.request('GET', '/status');
    expect(body.status).toBe(status);
  },
  theSystemTransitionsSoFar: async (): Promise<string[]> => when.weListSystemActivity(),
};

const when = {
  weAskForTheStatus: () => api.request('GET', '/status'),
  weStart: () => control('start'),
  wePause: () => control('pause'),
  weResume: () => control('resume'),
  weStop: () => control('stop'),
  weStartWithKey: (key: string) => control('start', { 'idempotency-key': key }),
  weListSystemActivity: async (): Promise<string[]> => {
    const { body } = await api.request('GET', '/activity?limit=100');
    return (body.items as { type: string; details: { from: string; to: string } }[])
      .filter((entry) => entry.type.startsWith('system.'))
      .map((entry) => `${entry.type} ${entry.details.from}->${entry.details.to}`);
  },
};

const then = {
  theAnswerIs: (response: { status: number; body: any }, status: number, body: Record<string, unknown>) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body).toMatchObject(body);
  },
};

describe('Local server: system control over HTTP', () => {
  it('answers GET /status within 15 s of being spawned', async () => {
    // When
    const response = await when.weAskForTheStatus();

    // Then
    expect(Date.now() - api.spawnedAt).toBeLessThan(15_000);
    then.theAnswerIs(response, 200, {
      status: 'stopped',
      running: false,
      paused: false,
      held_publications: 0,
      queue: { pending: 0, in_flight: 0, dead_letter: 0 },
    });
  });

  it('walks start, pause, resume and stop, refusing start while paused', async () => {
    // Given
    await given.theSystemIs('stopped');

    // When / Then
    then.theAnswerIs(await when.weStart(), 200, { status: 'running', previous: 'stopped', changed: true, running: true, paused: false });
    then.theAnswerIs(await when.wePause(), 200, { status: 'paused', previous: 'running', changed: true, running: false, paused: true });
    then.theAnswerIs(await when.wePause(), 200, { status: 'paused', previous: 'paused', changed: false });
    then.theAnswerIs(await when.weStart(), 409, { error: { code: 'invalid_transition', details: { status: 'paused' } } });
    then.theAnswerIs(await when.weResume(), 200, { status: 'running', previous: 'paused', changed: true });
    then.theAnswerIs(await when.weStop(), 200, { status: 'stopped', previous: 'running', changed: true, running: false });
    then.theAnswerIs(await when.weAskForTheStatus(), 200, { status: 'stopped' });
  });

  it('lists exactly the applied transitions on GET /activity, newest first', async () => {
    // When
    const trail = await when.weListSystemActivity();

    // Then: the refused start and the unchanged pause left no entry.
    expect(trail).toEqual([
      'system.stopped running->stopped',
      'system.resumed paused->running',
      'system.paused running->paused',
      'system.started stopped->running',
    ]);
  });

  it('replays a POST sent twice with one Idempotency-Key, writing one activity entry', async () => {
    // Given
    await given.theSystemIs('stopped');
    const before = await given.theSystemTransitionsSoFar();

    // When
    const first = await when.weStartWithKey('e2e-start-1');
    const replay = await when.weStartWithKey('e2e-start-1');

    // Then
    then.theAnswerIs(first, 200, { status: 'running', previous: 'stopped', changed: true });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await when.weListSystemActivity()).toEqual(['system.started stopped->running', ...before]);
  });
});
