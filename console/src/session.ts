import type { ApiClient } from './api';
import type { ConsoleAuth } from './auth/types';

/** The API client and auth of this page, set once at start (main.tsx). */
let current: { api: ApiClient; auth: ConsoleAuth } | undefined;

export function setSession(session: { api: ApiClient; auth: ConsoleAuth }): void {
  current = session;
}

export function api(): ApiClient {
  if (!current) throw new Error('the console has not started');
  return current.api;
}

export function auth(): ConsoleAuth {
  if (!current) throw new Error('the console has not started');
  return current.auth;
}
