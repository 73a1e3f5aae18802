import type { AnyRoute } from '#shared/routes';

/**
 * What an Idempotency-Key may be: 1-255 visible ASCII characters (a UUID, a
 * request id, any short token). The HTTP stack checks it and the OpenAPI
 * document declares it from this one pattern.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Seconds a client should wait before retrying a request whose key is still in progress (409 idempotency_in_progress). */
export const IDEMPOTENCY_RETRY_AFTER_SECONDS = 2;

/**
 * Whether a route honours an Idempotency-Key: every POST, except a webhook
 * (its sender sends none; a delivery is deduplicated on its own id instead).
 */
export const takesIdempotencyKey = (route: Pick<AnyRoute, 'method' | 'auth'>): boolean =>
  route.method === 'POST' && route.auth !== 'github-signature';
