import * as oauth from 'oauth4webapi';
import type { ConsoleAuthConfig } from '../config';
import type { ConsoleAuth } from './types';

/** What `config.json` says about sign-in when the console runs in AWS (infra/console-stack.ts writes it). */
export type CognitoAuthConfig = Extract<ConsoleAuthConfig, { kind: 'cognito' }>;

/** The few browser facilities the flow uses, passed in so tests run it without a browser. */
export interface AuthEnvironment {
  /** Where tokens and the pending sign-in live: the tab's sessionStorage, gone when the tab closes. */
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
  /** The page's URL now. */
  currentUrl(): string;
  /** Leave the page for another (the sign-in page, the sign-out endpoint). */
  navigate(url: string): void;
  /** Replace the address bar's URL without loading it (drops `?code=...&state=...` after sign-in). */
  replaceUrl(url: string): void;
  fetch: typeof fetch;
  now(): number;
  /** Plain-http issuer allowed: tests only (oauth4webapi refuses http:// otherwise). */
  allowInsecureRequests?: boolean;
}

/** The ConsoleAuth of a Cognito sign-in, with the step the app may start itself. */
export interface CognitoAuth extends ConsoleAuth {
  kind: 'cognito';
  /** Sends the browser to Cognito's sign-in page (also what `onUnauthorized()` does). */
  signIn(): Promise<void>;
}

const TOKENS_KEY = 'orchestrator.auth.tokens';
const PENDING_KEY = 'orchestrator.auth.pending';
/** An access token this close to its expiry is refreshed first, so it does not expire on the way to the API. */
const EXPIRY_MARGIN_MS = 60_000;

interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

interface PendingSignIn {
  state: string;
  codeVerifier: string;
}

/**
 * Sign-in through the Cognito user pool with oauth4webapi: the
 * authorization code flow with PKCE (S256) and a state, then the access
 * token on every API call and its refresh token when it runs out.
 *
 * Steps:
 * 1. discover the pool's endpoints from the issuer (OpenID configuration);
 * 2. if this page is Cognito's redirect back (`?code&state`), check the
 *    state against the pending sign-in, trade the code and the PKCE
 *    verifier for tokens, keep them in sessionStorage and clean the URL;
 * 3. hand out `Bearer <access token>`, refreshed when near expiry; asked
 *    for one with none to give, or told of a 401, send the browser to
 *    Cognito's sign-in page.
 */
export async function createCognitoAuth(config: CognitoAuthConfig, env: AuthEnvironment = browserEnvironment()): Promise<CognitoAuth> {
  const options = {
    [oauth.customFetch]: env.fetch,
    ...(env.allowInsecureRequests ? { [oauth.allowInsecureRequests]: true } : {}),
  };
  const issuer = new URL(config.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' }));
  const client: oauth.Client = { client_id: config.clientId };
  const clientAuth = oauth.None();
  const redirectUri = new URL(config.redirectPath, env.currentUrl()).href;

  const read = <T>(key: string): T | undefined => {
    const raw = env.storage.getItem(key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      env.storage.removeItem(key);
      return undefined;
    }
  };
  const keep = (response: oauth.TokenEndpointResponse, previousRefreshToken?: string): StoredTokens => {
    const tokens: StoredTokens = {
      accessToken: response.access_token,
      // Cognito's refresh answer carries no new refresh token: the one we had stays valid.
      refreshToken: response.refresh_token ?? previousRefreshToken,
      expiresAt: env.now() + (response.expires_in ?? 3600) * 1000,
    };
    env.storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    return tokens;
  };
  const forget = (): void => env.storage.removeItem(TOKENS_KEY);

  await completeSignIn();

  async function completeSignIn(): Promise<void> {
    const here = new URL(env.currentUrl());
    if (!here.searchParams.has('code') && !here.searchParams.has('error')) return;
    const pending = read<PendingSignIn>(PENDING_KEY);
    env.storage.removeItem(PENDING_KEY);
    // Whatever happens next, the code leaves the address bar (and the history): it is single-use anyway.
    env.replaceUrl(redirectUri);
    if (!pending) throw new Error('sign-in answer without a sign-in started in this tab: start again');
    // Throws when the state differs from ours (a forged or replayed answer) or when Cognito answered an error.
    const parameters = oauth.validateAuthResponse(as, client, here.searchParams, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, parameters, redirectUri, pending.codeVerifier, options);
    keep(await oauth.processAuthorizationCodeResponse(as, client, response));
  }

  async function signIn(): Promise<void> {
    if (!as.authorization_endpoint) throw new Error(`the issuer ${config.issuer} names no authorization endpoint`);
    const pending: PendingSignIn = { state: oauth.generateRandomState(), codeVerifier: oauth.generateRandomCodeVerifier() };
    env.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', config.scopes.join(' '));
    url.searchParams.set('state', pending.state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    env.navigate(url.href);
  }

  async function refresh(tokens: StoredTokens): Promise<StoredTokens | undefined> {
    if (!tokens.refreshToken) return undefined;
    try {
      const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refreshToken, options);
      return keep(await oauth.processRefreshTokenResponse(as, client, response), tokens.refreshToken);
    } catch {
      // A refresh token expired or revoked: signed out, the next call signs in again.
      forget();
      return undefined;
    }
  }

  /** One refresh at a time: calls made together while the token is stale share it. */
  let refreshing: Promise<StoredTokens | undefined> | undefined;

  return {
    kind: 'cognito',
    signIn,
    async authorization() {
      let tokens = read<StoredTokens>(TOKENS_KEY);
      if (tokens && tokens.expiresAt - EXPIRY_MARGIN_MS <= env.now()) {
        refreshing ??= refresh(tokens).finally(() => (refreshing = undefined));
        tokens = await refreshing;
      }
      if (tokens) return `Bearer ${tokens.accessToken}`;
      // Signed out (never in, or the refresh token ran out): off to the sign-in page; the console's Sign in button calls this too.
      void signIn();
      return undefined;
    },
    isSignedIn() {
      const tokens = read<StoredTokens>(TOKENS_KEY);
      return tokens !== undefined && (tokens.expiresAt > env.now() || tokens.refreshToken !== undefined);
    },
    onUnauthorized() {
      forget();
      void signIn();
    },
    signOut() {
      forget();
      env.storage.removeItem(PENDING_KEY);
      // Cognito's logout endpoint ends its own session too, then comes back here (a sign-out URL of the client).
      const logout = new URL('/logout', as.authorization_endpoint ?? config.issuer);
      logout.searchParams.set('client_id', config.clientId);
      logout.searchParams.set('logout_uri', redirectUri);
      env.navigate(logout.href);
    },
  };
}

/** The real browser's facilities. */
function browserEnvironment(): AuthEnvironment {
  const browser = globalThis as unknown as {
    sessionStorage: AuthEnvironment['storage'];
    location: { href: string; assign(url: string): void };
    history: { replaceState(data: unknown, unused: string, url: string): void };
  };
  return {
    storage: browser.sessionStorage,
    currentUrl: () => browser.location.href,
    navigate: (url) => browser.location.assign(url),
    replaceUrl: (url) => browser.history.replaceState(null, '', url),
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
  };
}
