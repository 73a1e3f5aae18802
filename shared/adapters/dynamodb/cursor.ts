import { createHash } from 'node:crypto';
import { ValidationFailed } from '#shared/domain/errors';

/** A filter value as a list query holds it; absent ones (undefined, null) are left out of the scope. */
export type ScopeValue = string | number | boolean | null | undefined;

/**
 * What a cursor is bound to: the list it pages (one per route, or per
 * internal walk) and the filters it was made for. The page size is not part
 * of it: a client may change `limit` between pages.
 */
export interface CursorScope {
  list: string;
  filters?: Record<string, ScopeValue>;
}

/** Hex characters of the scope's SHA-256 a cursor carries: enough to tell lists apart, short enough to keep cursors small. */
const FINGERPRINT_LENGTH = 16;

/**
 * The scope as one string, the same for the same list and filters whatever
 * the order they were given in: filters sorted by name, absent ones dropped.
 * Callers normalise values that have several spellings (instants) first.
 */
function scopeKey(scope: CursorScope): string {
  const filters = Object.entries(scope.filters ?? {})
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([scope.list, filters]);
}

function fingerprintOf(scope: CursorScope): string {
  return createHash('sha256').update(scopeKey(scope)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/**
 * Opaque page cursors: base64url JSON of `{s, p}`, the fingerprint of the
 * scope the cursor was made for and a small position object. Binding the
 * scope in means a cursor given to another list, or to the same list with
 * other filters, is refused instead of resuming at a position that means
 * something else there (a wrong page, silently).
 */
export function encodeCursor(scope: CursorScope, position: Record<string, string>): string {
  return Buffer.from(JSON.stringify({ s: fingerprintOf(scope), p: position }), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, checked to be made for `scope` and to carry
 * exactly `fields`, each a non-empty string. A cursor is input like any
 * other: one that does not check out is a 400 naming `cursor`, never a
 * DynamoDB error. The fingerprint is not a secret (anyone can hash a scope):
 * it tells honest mistakes apart, and callers still check that the position
 * lies within their list.
 * @throws ValidationFailed `invalid_cursor`
 */
export function decodeCursor<K extends string>(cursor: string | undefined, scope: CursorScope, fields: readonly K[]): Record<K, string> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!isRecord(parsed) || Object.keys(parsed).length !== 2 || parsed.s !== fingerprintOf(scope) || !isRecord(parsed.p)) {
    throw invalidCursor();
  }
  const position = parsed.p;
  const keys = Object.keys(position);
  if (keys.length !== fields.length || !fields.every((f) => typeof position[f] === 'string' && (position[f] as string).length > 0)) {
    throw invalidCursor();
  }
  return position as Record<K, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error for a cursor that does not belong to the list it was given to. */
export function invalidCursor(): ValidationFailed {
  return new ValidationFailed('the cursor is not one this list returned with these filters', [
    { field: 'cursor', in: 'query', message: 'not a valid cursor for this list and these filters' },
  ], 'invalid_cursor');
}
