import {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import {
  AppError,
  Conflict,
  ContentionExhausted,
  NotAuthenticated,
  NotFound,
  PayloadTooLarge,
  UnprocessableRequest,
  UnsupportedMediaType,
  ValidationFailed,
} from '#shared/domain/errors';
import { IDEMPOTENCY_RETRY_AFTER_SECONDS } from './idempotency-key';

export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; details?: Record<string, unknown> } };
  /** Headers the answer carries besides content-type and x-request-id (retry-after). */
  headers?: Record<string, string>;
}

/** The one place typed errors become HTTP status codes. */
const STATUS_OF: ReadonlyArray<[abstract new (...args: never[]) => AppError, number]> = [
  [ValidationFailed, 400],
  [NotAuthenticated, 401],
  [NotFound, 404],
  [ContentionExhausted, 409],
  [Conflict, 409],
  [PayloadTooLarge, 413],
  [UnsupportedMediaType, 415],
  [UnprocessableRequest, 422],
];

/**
 * Maps any error thrown while serving a request to its HTTP answer. Errors the
 * code did not anticipate are a 500 that says nothing internal; the request id
 * lets an operator find the logged cause.
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof AppError) {
    const status = STATUS_OF.find(([type]) => error instanceof type)?.[1] ?? 500;
    return respond(status, error.code, error.message, error.details);
  }
  if (error instanceof IdempotencyValidationError) {
    return respond(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request', {
      header: 'Idempotency-Key',
    });
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return {
      ...respond(409, 'idempotency_in_progress', 'a request with this Idempotency-Key is still in progress; retry later', {
        header: 'Idempotency-Key',
        retryable: true,
      }),
      headers: { 'retry-after': String(IDEMPOTENCY_RETRY_AFTER_SECONDS) },
    };
  }
  return respond(500, 'internal_error', 'the request failed on our side; it can be retried', { request_id: requestId });
}

/** Whether the error is the client's (4xx) rather than ours. */
export function isClientError(response: ErrorResponse): boolean {
  return response.status < 500;
}

function respond(status: number, code: string, message: string, details?: Record<string, unknown>): ErrorResponse {
  return { status, body: { error: { code, message, ...(details ? { details } : {}) } } };
}
