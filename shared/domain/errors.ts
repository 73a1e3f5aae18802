/**
 * Typed failures of the domain and its services. Each class carries a stable
 * machine-readable `code`; shared/http/error-mapping.ts is the one place that
 * turns them into HTTP status codes.
 */
export type ErrorDetails = Record<string, unknown>;

/** One field at fault in a request: its dotted path (`channel_ids.2`, `$` for the whole) and where it was. */
export interface FieldIssue {
  field: string;
  in?: 'body' | 'query' | 'path' | 'header';
  message: string;
}

export abstract class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed: wrong shape, wrong type, unknown field (400). */
export class ValidationFailed extends AppError {
  constructor(message: string, fields: FieldIssue[], code = 'validation_failed') {
    super(code, message, { fields });
  }

  get fields(): FieldIssue[] {
    return (this.details?.fields as FieldIssue[]) ?? [];
  }
}

/** The request is well formed but cannot be honoured as asked (422). */
export class UnprocessableRequest extends AppError {}

/** The caller could not be authenticated: a webhook's signature is missing or wrong (401). */
export class NotAuthenticated extends AppError {}

/** The addressed resource does not exist (404). */
export class NotFound extends AppError {
  /** One id, or several a request named (all of them, so the caller fixes the request at once). */
  constructor(resource: string, id: string | readonly string[]) {
    if (typeof id === 'string') {
      super(`${resource}_not_found`, `${resource} '${id}' does not exist`, { [`${resource}_id`]: id });
    } else {
      const named = id.slice(0, 20).map((i) => `'${i}'`).join(', ') + (id.length > 20 ? ` and ${id.length - 20} more` : '');
      super(`${resource}_not_found`, `${id.length === 1 ? `${resource} ${named} does not` : `${resource}s ${named} do not`} exist`, { [`${resource}_ids`]: [...id] });
    }
  }
}

/** The request conflicts with the current state (409). */
export class Conflict extends AppError {}

/** The request is larger than the system accepts (413). */
export class PayloadTooLarge extends AppError {}

/** The body is not in a media type the endpoint reads (415). */
export class UnsupportedMediaType extends AppError {}

/** A write lost a race after every retry; the caller may try again (409, retryable). */
export class ContentionExhausted extends AppError {
  constructor(what: string) {
    super('contention', `too many concurrent changes to ${what}; retry the request`, { retryable: true });
  }
}
