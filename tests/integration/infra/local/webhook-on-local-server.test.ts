import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSettings } from '#shared/config';
import type { LocalOrchestrator } from '#infra/local/local-orchestrator';
import { githubDelivery, RecordingRunSignals, TEST_WEBHOOK_SECRET, webhookExamples } from '#tests/helpers/github-webhook-deliveries';
import { assertKeepsContract } from '#tests/helpers/openapi-contract';

/**
 * The webhook through `npm start`'s own server, in process: API Gateway's
 * stand-in checks ORCHESTRATOR_API_TOKEN on every route but the webhook,
 * which its signature authenticates instead (SPEC "Local settings").
 */
describe('POST /webhooks/github on the local server with ORCHESTRATOR_API_TOKEN set', () => {
  const API_TOKEN = 'local-operator-token';
  const signals = new RecordingRunSignals();
  let server: LocalOrchestrator;

  /** Sends an API Gateway-shaped request as GitHub would over HTTP, and checks the answer against the document. */
  async function send(method: string, path: string, input: { headers?: Record<string, string | null>; body?: unknown } = {}) {
    const headers = Object.fromEntries(Object.entries(input.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== null));
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(input.body !== undefined ? { body: String(input.body) } : {}),
    });
    const raw = await response.text();
    assertKeepsContract({ method, path: new URL(server.url).pathname + path }, { status: response.status, headers: response.headers, raw });
    return { status: response.status, headers: response.headers, body: raw === '' ? undefined : JSON.parse(raw) };
  }

  beforeAll(async () => {
    process.env.GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
    const { startLocalOrchestrator } = await import('#infra/local/local-orchestrator');
    server = await startLocalOrchestrator(localSettings({ PORT: '0', ORCHESTRATOR_API_TOKEN: API_TOKEN, GITHUB_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET }));
    const { overrideAdapters } = await import('#shared/composition-root');
    overrideAdapters({ workflowRunSignals: signals });
  });
  afterAll(async () => {
    await server?.stop();
    delete process.env.GITHUB_WEBHOOK_SECRET;
  });

  it('needs the bearer token on the other routes', async () => {
    const status = await send('GET', '/status');
    expect(status.status).toBe(401);
    expect(status.body.error.code).toBe('unauthorized');
  });

  it("answers GitHub's signed ping without a bearer token", async () => {
    const [ping] = webhookExamples('ping');
    const answer = await send('POST', '/webhooks/github', await githubDelivery('ping', ping));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true, event: 'ping', hook_id: ping!.hook_id });
  });

  it('applies a signed workflow_run without a bearer token, and a replay is a duplicate', async () => {
    // Prepare
    const delivery = await githubDelivery('workflow_run', webhookExamples('workflow_run')[1]);

    // Act
    const first = await send('POST', '/webhooks/github', delivery);
    const replay = await send('POST', '/webhooks/github', delivery);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ matched: false, changed: false });
    expect(replay.body).toEqual({ duplicate: true });
    expect(signals.signals.map((s) => s.source)).toEqual([`webhook:${delivery.delivery}`]);
  });

  it('refuses a bad signature with 401 invalid_signature (its own, not the bearer check), bearer token or not', async () => {
    // Prepare
    const delivery = await githubDelivery('workflow_run', webhookExamples('workflow_run')[0], { secret: 'not the secret' });

    // Act
    const without = await send('POST', '/webhooks/github', delivery);
    const withToken = await send('POST', '/webhooks/github', { ...delivery, headers: { ...delivery.headers, authorization: `Bearer ${API_TOKEN}` } });

    // Assess
    expect([without.status, withToken.status]).toEqual([401, 401]);
    expect([without.body.error.code, withToken.body.error.code]).toEqual(['invalid_signature', 'invalid_signature']);
    expect(without.headers.get('www-authenticate')).toBeNull();
  });
});
