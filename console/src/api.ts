import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../clients/typescript/api';
import type { ConsoleAuth } from './auth/types';

export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

/** A field the API named at fault (details.fields of validation_failed). */
export interface FieldProblem {
  field: string;
  in?: string;
  message: string;
}

/** An API error as the console shows it: `code: message`, and the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

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

/** Turns an error body (ours `{error: {code, message, details}}`, or the gateway's `{message}`) into an ApiError. */
export function toApiError(body: unknown, status: number): ApiError {
  if (typeof body === 'object' && body !== null) {
    const b = body as { error?: { code?: unknown; message?: unknown; details?: { fields?: unknown } }; message?: unknown };
    if (b.error && typeof b.error.code === 'string') {
      const fields = Array.isArray(b.error.details?.fields)
        ? (b.error.details.fields as unknown[]).flatMap((f): FieldProblem[] => {
            if (typeof f !== 'object' || f === null) return [];
            const { field, message } = f as { field?: unknown; message?: unknown; in?: unknown };
            const where = (f as { in?: unknown }).in;
            return typeof field === 'string' && typeof message === 'string'
              ? [{ field, message, ...(typeof where === 'string' ? { in: where } : {}) }]
              : [];
          })
        : [];
      return new ApiError(b.error.code, String(b.error.message ?? ''), status, fields);
    }
    if (typeof b.message === 'string') return new ApiError(status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : `http_${status}`, b.message, status);
  }
  return new ApiError(`http_${status}`, `the API answered ${status}`, status);
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

/** Any thrown value as an ApiError, for showing. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('console_error', error instanceof Error ? error.message : String(error), 0);
}

/** A random Idempotency-Key: a retried booking answers the first attempt's result, never a second booking. */
export function idempotencyKey(prefix: string): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `console-${prefix}-${random}`;
}
