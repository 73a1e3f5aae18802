import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { describe, expect, it } from 'vitest';
import * as errors from '#shared/domain/errors';
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
import { isClientError, toErrorResponse } from '#shared/http/error-mapping';

/** Every AppError subclass, an instance of it, and the status it must map to. */
const CASES: [string, () => AppError, number][] = [
  ['ValidationFailed', () => new ValidationFailed('invalid request: body.name', [{ field: 'name', in: 'body', message: 'required' }]), 400],
  ['NotAuthenticated', () => new NotAuthenticated('invalid_signature', 'X-Hub-Signature-256 does not match the body'), 401],
  ['NotFound', () => new NotFound('channel', 'c1'), 404],
  ['Conflict', () => new Conflict('invalid_transition', 'the system is paused', { status: 'paused' }), 409],
  ['ContentionExhausted', () => new ContentionExhausted('the system state'), 409],
  ['PayloadTooLarge', () => new PayloadTooLarge('payload_too_large', 'too big', { limit_bytes: 262_144 }), 413],
  ['UnsupportedMediaType', () => new UnsupportedMediaType('unsupported_media_type', 'send JSON', { content_type: 'text/plain' }), 415],
  ['UnprocessableRequest', () => new UnprocessableRequest('too_many', 'cannot honour that', { limit: 10 }), 422],
];

describe('Function: toErrorResponse', () => {
  it('has a case for every AppError subclass the domain exports', () => {
    // Prepare
    const exported = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof AppError)
      .map(([name]) => name)
      .sort();

    // Assess
    expect(CASES.map(([name]) => name).sort()).toEqual(exported);
  });

  for (const [name, make, status] of CASES) {
    it(`maps ${name} to ${status} with its code, message and details`, () => {
      // Prepare
      const error = make();

      // Act
      const response = toErrorResponse(error, 'req-1');

      // Assess
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ error: { code: error.code, message: error.message, details: error.details } });
      expect(isClientError(response)).toBe(true);
    });
  }

  it('maps a reused Idempotency-Key (IdempotencyValidationError) to 422 idempotency_key_reused', () => {
    // Act
    const response = toErrorResponse(new IdempotencyValidationError('Payload does not match stored record for this event key'), 'req-1');

    // Assess
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('idempotency_key_reused');
    expect(response.body.error.details).toEqual({ header: 'Idempotency-Key' });
  });

  it('maps a request still in progress under the same key to a retryable 409', () => {
    // Act
    const response = toErrorResponse(new IdempotencyAlreadyInProgressError('in progress'), 'req-1');

    // Assess
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'idempotency_in_progress', details: { retryable: true } });
  });

  it('maps an unanticipated error to 500 internal_error that says nothing internal, only the request id', () => {
    // Prepare
    const secret = 'ValidationException: table orchestrator-prod-Table arn:aws:dynamodb:eu-west-1:123456789012 token=s3cr3t';
    const error = new TypeError(secret);

    // Act
    const response = toErrorResponse(error, 'req-42');

    // Assess
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      error: { code: 'internal_error', message: 'the request failed on our side; it can be retried', details: { request_id: 'req-42' } },
    });
    const text = JSON.stringify(response.body);
    for (const leak of ['orchestrator-prod', 'arn:aws', 's3cr3t', 'TypeError', 'ValidationException', 'at ']) expect(text).not.toContain(leak);
    expect(isClientError(response)).toBe(false);
  });

  it('maps a thrown non-Error value to 500 internal_error', () => {
    // Act
    const response = toErrorResponse('boom', 'req-1');

    // Assess
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('internal_error');
    expect(JSON.stringify(response.body)).not.toContain('boom');
  });
});
