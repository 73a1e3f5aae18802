/** The API's errors as the console shows them. Pure: unit tested without a browser. */

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

/** Any thrown value as an ApiError, for showing. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('console_error', error instanceof Error ? error.message : String(error), 0);
}
