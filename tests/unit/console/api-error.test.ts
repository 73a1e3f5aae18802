import { describe, expect, it } from 'vitest';
import { ApiError, asApiError, toApiError } from '../../../console/src/api-error';

describe('Function: toApiError', () => {
  it('reads our error body: code, message and the fields details.fields names', () => {
    const error = toApiError(
      {
        error: {
          code: 'validation_failed',
          message: 'invalid request: body.publishing.timezone',
          details: { fields: [{ field: 'publishing.timezone', in: 'body', message: 'must be an IANA time zone such as Europe/Paris' }, 'junk'] },
        },
      },
      400,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([error.code, error.message, error.status]).toEqual(['validation_failed', 'invalid request: body.publishing.timezone', 400]);
    expect(error.fields).toEqual([{ field: 'publishing.timezone', in: 'body', message: 'must be an IANA time zone such as Europe/Paris' }]);
  });

  it("names API Gateway's own refusals ({message}) by their status", () => {
    expect(toApiError({ message: 'Unauthorized' }, 401)).toMatchObject({ code: 'unauthorized', message: 'Unauthorized' });
    expect(toApiError({ message: 'Forbidden' }, 403)).toMatchObject({ code: 'forbidden' });
    expect(toApiError({ message: 'Service Unavailable' }, 503)).toMatchObject({ code: 'http_503' });
  });

  it('still says something for a body it does not know', () => {
    expect(toApiError(undefined, 502)).toMatchObject({ code: 'http_502', message: 'the API answered 502' });
  });
});

describe('Function: asApiError', () => {
  it('keeps an ApiError and wraps anything else as console_error', () => {
    const known = new ApiError('conflict', 'x', 409);
    expect(asApiError(known)).toBe(known);
    expect(asApiError(new Error('boom'))).toMatchObject({ code: 'console_error', message: 'boom' });
  });
});
