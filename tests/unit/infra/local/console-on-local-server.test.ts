import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAssets, localConsoleConfig } from '#infra/local/console-assets';
import { HttpRouter } from '#infra/local/http-router';
import { startLocalApiServer, type LocalApiServer } from '#infra/local/local-api-server';
import { routeList } from '#shared/routes';

describe('Local server: the console beside the API', () => {
  let server: LocalApiServer;
  let origin: string;
  beforeAll(async () => {
    server = await startLocalApiServer({
      port: 0,
      router: new HttpRouter(routeList),
      region: 'us-east-1',
      apiToken: 's3cret',
      console: createConsoleAssets(localConsoleConfig({ apiToken: 's3cret' })),
    });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('serves the page and its assets without the token, built on the first request', async () => {
    // Act
    const [root, index, js, css] = await Promise.all(['/', '/index.html', '/assets/app.js', '/assets/app.css'].map((p) => fetch(`${origin}${p}`)));

    // Assess
    expect(root!.status).toBe(200);
    expect(root!.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await root!.text()).toContain('assets/app.js');
    expect(index!.status).toBe(200);
    expect(js!.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await js!.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(css!.headers.get('content-type')).toMatch(/^text\/css/);
  }, 60_000);

  it('answers /config.json from the settings: the API base and that a token is needed', async () => {
    const answer = await fetch(`${origin}/config.json`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ apiBase: '/api/orchestration', auth: { kind: 'token' } });
  });

  it('keeps the token on the API and the 404 JSON for paths that are neither', async () => {
    const api = await fetch(`${origin}/api/orchestration/status`);
    expect(api.status).toBe(401);
    const unknown = await fetch(`${origin}/no-such-page`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'route_not_found' } });
    const missingAsset = await fetch(`${origin}/assets/nope.js`);
    expect(missingAsset.status).toBe(404);
  });
});

describe('Function: localConsoleConfig', () => {
  it('asks for no sign-in when the server has no token', () => {
    expect(localConsoleConfig({})).toEqual({ apiBase: '/api/orchestration', auth: { kind: 'none' } });
  });
});
