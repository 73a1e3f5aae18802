import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../clients/typescript/api';
import { ApiError, toApiError } from './api-error';
import type { ConsoleAuth } from './auth/types';

export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

export { ApiError, asApiError, toApiError, type FieldProblem } from './api-error';

/** The paths are typed against the API's document with this prefix; config.json's apiBase replaces it. */
const DOCUMENT_BASE = '/api/orchestration';

/**
 * The typed client of the API. Requests carry the auth's Authorization
 * header; a 401 tells the auth (the token form comes back).
 * `apiBase` may be a path ('/api/orchestration') or a URL.
 */
export function createApiClient(apiBase: string, auth: ConsoleAuth): ApiClient {
  // The generated paths carry /api/orchestration: the client's base is what comes before it.
  const prefix = apiBase.endsWith(DOCUMENT_BASE) ? apiBase.slice(0, -DOCUMENT_BASE.length) : apiBase;
  const here = globalThis.location?.href ?? 'http://localhost/';
  const baseUrl = new URL(prefix || '/', here).href.replace(/\/$/, '');
  const client = createClient<paths>({ baseUrl });
  const middleware: Middleware = {
    async onRequest({ request }) {
      const authorization = await auth.authorization();
      if (authorization) request.headers.set('Authorization', authorization);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) auth.onUnauthorized();
      return undefined;
    },
  };
  client.use(middleware);
  return client;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError
 * (a network failure is `network_error`). Pages catch it and show it.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    throw new ApiError('network_error', (error as Error).message || 'the API could not be reached', 0);
  }
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.error, result.response.status);
  return result.data as T;
}

/** A random Idempotency-Key: a retried booking answers the first attempt's result, never a second booking. */
export function idempotencyKey(prefix: string): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `console-${prefix}-${random}`;
}
