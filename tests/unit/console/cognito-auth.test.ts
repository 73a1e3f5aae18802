import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoAuth, type AuthEnvironment, type CognitoAuthConfig } from '../../../console/src/auth/cognito';

/**
 * A small fake of Cognito's OAuth side on 127.0.0.1: the OpenID
 * configuration, /oauth2/authorize (answers at once with a code, as if the
 * operator had signed in) and /oauth2/token (code and refresh grants). It
 * records what it was sent, so the tests can check PKCE and the state.
 */
class FakeCognito {
  readonly server: Server;
  issuer = '';
  origin = '';
  /** The code_challenge of each code it issued. */
  readonly challenges = new Map<string, { challenge: string; method: string; redirectUri: string; clientId: string }>();
  readonly tokenRequests: URLSearchParams[] = [];
  accessTokensIssued = 0;

  constructor(readonly clientId: string) {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    this.issuer = `${this.origin}/eu-west-1_TestPool`;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; headers?: Record<string, string>; body?: unknown }> {
    const url = new URL(req.url ?? '/', this.origin);
    if (req.method === 'GET' && url.pathname === '/eu-west-1_TestPool/.well-known/openid-configuration') {
      return {
        status: 200,
        body: {
          issuer: this.issuer,
          authorization_endpoint: `${this.origin}/oauth2/authorize`,
          token_endpoint: `${this.origin}/oauth2/token`,
          jwks_uri: `${this.issuer}/.well-known/jwks.json`,
          response_types_supported: ['code', 'token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'email', 'phone', 'profile'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        },
      };
    }
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const code = `code-${this.challenges.size + 1}`;
      this.challenges.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        method: url.searchParams.get('code_challenge_method') ?? '',
        redirectUri: url.searchParams.get('redirect_uri') ?? '',
        clientId: url.searchParams.get('client_id') ?? '',
      });
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return { status: 302, headers: { location: back.href } };
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = new URLSearchParams(await readBody(req));
      this.tokenRequests.push(form);
      if (form.get('grant_type') === 'authorization_code') {
        const issued = this.challenges.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        // What Cognito does: SHA-256 of the verifier, base64url, must equal the challenge sent to /authorize.
        const hashed = createHash('sha256').update(verifier).digest('base64url');
        if (!issued || issued.method !== 'S256' || hashed !== issued.challenge || form.get('redirect_uri') !== issued.redirectUri) {
          return { status: 400, body: { error: 'invalid_grant' } };
        }
        this.challenges.delete(form.get('code') ?? '');
        return { status: 200, body: this.tokens({ refresh: true }) };
      }
      if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1') {
        return { status: 200, body: this.tokens({ refresh: false }) };
      }
      return { status: 400, body: { error: 'invalid_grant' } };
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  private tokens({ refresh }: { refresh: boolean }): Record<string, unknown> {
    this.accessTokensIssued += 1;
    const now = Math.floor(Date.now() / 1000);
    const idToken = [
      { alg: 'RS256', kid: 'test' },
      { iss: this.issuer, aud: this.clientId, sub: 'operator-1', email: 'ops@example.com', token_use: 'id', iat: now, exp: now + 3600, auth_time: now },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('c2lnbmF0dXJl')
      .join('.');
    return {
      access_token: `access-${this.accessTokensIssued}`,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: 3600,
      ...(refresh ? { refresh_token: 'refresh-1' } : {}),
    };
  }
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
};

/** A browser tab, in memory: its sessionStorage, its address bar, where it was sent. */
function fakeTab(startUrl: string, storage = new Map<string, string>()) {
  const tab = {
    url: startUrl,
    storage,
    navigations: [] as string[],
    clock: Date.now(),
  };
  const env: AuthEnvironment = {
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    currentUrl: () => tab.url,
    navigate: (url) => void tab.navigations.push(url),
    replaceUrl: (url) => void (tab.url = url),
    fetch: globalThis.fetch.bind(globalThis),
    now: () => tab.clock,
    allowInsecureRequests: true,
  };
  return { tab, env };
}

const CONSOLE_ORIGIN = 'http://127.0.0.1:5999';

describe('Function: createCognitoAuth', () => {
  const cognito = new FakeCognito('web-client-id');
  let config: CognitoAuthConfig;

  beforeAll(async () => {
    await cognito.start();
    config = { kind: 'cognito', issuer: cognito.issuer, clientId: 'web-client-id', scopes: ['openid', 'email', 'orchestrator/api'], redirectPath: '/' };
  });
  afterAll(() => new Promise<void>((resolve) => cognito.server.close(() => resolve())));
  afterEach(() => {
    cognito.tokenRequests.length = 0;
  });

  /** Prepare: a tab that went to Cognito's sign-in page and came back with a code; the URL it came back to. */
  async function signInRoundTrip() {
    const { tab, env } = fakeTab(`${CONSOLE_ORIGIN}/`);
    const auth = await createCognitoAuth(config, env);
    auth.onUnauthorized();
    await waitFor(() => tab.navigations.length === 1);
    const authorizeUrl = new URL(tab.navigations[0]!);
    const answer = await fetch(authorizeUrl, { redirect: 'manual' });
    return { tab, env, authorizeUrl, callbackUrl: answer.headers.get('location')! };
  }

  it('sends the browser to /oauth2/authorize with the code flow, PKCE S256, a state and the redirect path', async () => {
    // Act
    const { authorizeUrl } = await signInRoundTrip();
    // Assess
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${cognito.origin}/oauth2/authorize`);
    expect(authorizeUrl.searchParams.get('response_type')).toBe('code');
    expect(authorizeUrl.searchParams.get('client_id')).toBe('web-client-id');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${CONSOLE_ORIGIN}/`);
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid email orchestrator/api');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizeUrl.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);
  });

  it('trades the code with a verifier that hashes to the challenge, keeps the tokens and cleans the URL', async () => {
    // Prepare
    const { tab, env, authorizeUrl, callbackUrl } = await signInRoundTrip();
    tab.url = callbackUrl;
    // Act: the page loads again at the callback URL.
    const auth = await createCognitoAuth(config, env);
    // Assess
    const [exchange] = cognito.tokenRequests;
    expect(exchange?.get('grant_type')).toBe('authorization_code');
    expect(createHash('sha256').update(exchange!.get('code_verifier')!).digest('base64url')).toBe(authorizeUrl.searchParams.get('code_challenge'));
    expect(exchange?.get('client_id')).toBe('web-client-id');
    expect(auth.isSignedIn()).toBe(true);
    expect(await auth.authorization()).toMatch(/^Bearer access-\d+$/);
    expect(tab.url).toBe(`${CONSOLE_ORIGIN}/`);
    expect([...tab.storage.keys()].every((key) => key.startsWith('orchestrator.auth.'))).toBe(true);
  });

  it('refuses an answer whose state is not the one it sent, and never calls the token endpoint', async () => {
    // Prepare
    const { tab, env, callbackUrl } = await signInRoundTrip();
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'someone-elses-state');
    tab.url = forged.href;
    // Act & Assess
    await expect(createCognitoAuth(config, env)).rejects.toThrow(/state/i);
    expect(cognito.tokenRequests).toEqual([]);
    expect(tab.url).toBe(`${CONSOLE_ORIGIN}/`);
    const again = await createCognitoAuth(config, env);
    expect(again.isSignedIn()).toBe(false);
    // Asked for a token it does not have (the console's Sign in button does this), it starts a new sign-in.
    const before = tab.navigations.length;
    expect(await again.authorization()).toBeUndefined();
    await waitFor(() => tab.navigations.length === before + 1);
    expect(tab.navigations.at(-1)).toMatch(new RegExp(`^${cognito.origin}/oauth2/authorize\\?`));
  });

  it('refuses a code that arrives in a tab that started no sign-in', async () => {
    // Prepare: the code lands in a fresh tab (nothing pending in its sessionStorage).
    const { callbackUrl } = await signInRoundTrip();
    const { env } = fakeTab(callbackUrl);
    // Act & Assess
    await expect(createCognitoAuth(config, env)).rejects.toThrow(/without a sign-in started in this tab/);
    expect(cognito.tokenRequests).toEqual([]);
  });

  it('refreshes an access token near its expiry with the refresh token, once for calls made together', async () => {
    // Prepare
    const { tab, env, callbackUrl } = await signInRoundTrip();
    tab.url = callbackUrl;
    const auth = await createCognitoAuth(config, env);
    const first = await auth.authorization();
    tab.clock += 3600 * 1000;
    // Act
    const [a, b] = await Promise.all([auth.authorization(), auth.authorization()]);
    // Assess
    const refreshes = cognito.tokenRequests.filter((r) => r.get('grant_type') === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.get('refresh_token')).toBe('refresh-1');
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(auth.isSignedIn()).toBe(true);
  });

  it('signs out through the Cognito logout endpoint and forgets the tokens', async () => {
    // Prepare
    const { tab, env, callbackUrl } = await signInRoundTrip();
    tab.url = callbackUrl;
    const auth = await createCognitoAuth(config, env);
    // Act
    auth.signOut();
    // Assess
    const logout = new URL(tab.navigations.at(-1)!);
    expect(logout.origin + logout.pathname).toBe(`${cognito.origin}/logout`);
    expect(logout.searchParams.get('client_id')).toBe('web-client-id');
    expect(logout.searchParams.get('logout_uri')).toBe(`${CONSOLE_ORIGIN}/`);
    expect(auth.isSignedIn()).toBe(false);
    expect(await auth.authorization()).toBeUndefined();
  });
});

/** Waits for a condition that an un-awaited promise (onUnauthorized's sign-in) makes true. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met');
}
