import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer, temporaryDataDir } from '#tests/helpers/local-server';

/** SPEC "Local settings": ORCHESTRATOR_API_TOKEN and DATA_DIR, each against its own `npm start`. */

describe('Local server: ORCHESTRATOR_API_TOKEN', () => {
  const TOKEN = 'e2e-token-7f3a9c';
  let api: LocalServer;

  beforeAll(async () => {
    api = await LocalServer.start({ apiToken: TOKEN });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const when = {
    weCallWithoutCredentials: () => api.request('GET', '/status'),
    weCallWithTheToken: (token: string) => api.request('GET', '/status', { headers: { authorization: `Bearer ${token}` } }),
    weStartWithTheToken: () => api.request('POST', '/start', { headers: { authorization: `Bearer ${TOKEN}` } }),
  };

  it('answers 401 without the bearer token or with a wrong one, and 200 with it', async () => {
    // When
    const without = await when.weCallWithoutCredentials();
    const wrong = await when.weCallWithTheToken(`${TOKEN}x`);
    const right = await when.weCallWithTheToken(TOKEN);

    // Then
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe('unauthorized');
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(right.body.status).toBe('stopped');
  });

  it('records the token holder as the actor, and never prints the token', async () => {
    // When
    await when.weStartWithTheToken();
    const activity = await api.request('GET', '/activity', { headers: { authorization: `Bearer ${TOKEN}` } });

    // Then
    expect(activity.body.items[0]).toMatchObject({ type: 'system.started', actor: 'local:token' });
    expect(api.log()).not.toContain(TOKEN);
  });
});

describe('Local server: DATA_DIR', () => {
  let data: Awaited<ReturnType<typeof temporaryDataDir>>;

  beforeAll(async () => {
    data = await temporaryDataDir();
  });
  afterAll(async () => {
    await data?.remove();
  });

  it('keeps the system state and the channels across a restart, and exits 0 on SIGINT', async () => {
    // Given: a server that ran, was started and had a channel, then was stopped with Ctrl-C
    const first = await LocalServer.start({ dataDir: data.dir });
    const started = await first.request('POST', '/start');
    const channel = await first.request('PUT', '/channels/kept-1', { body: { name: 'Kept' } });
    const exitCode = await first.stop('SIGINT');

    // When
    const second = await LocalServer.start({ dataDir: data.dir });
    try {
      const status = await second.request('GET', '/status');
      const read = await second.request('GET', '/channels/kept-1');

      // Then
      expect(exitCode, first.log()).toBe(0);
      expect(status.body).toMatchObject({ status: 'running', since: started.body.since });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(channel.body);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
