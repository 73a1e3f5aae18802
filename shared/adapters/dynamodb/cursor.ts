import { ValidationFailed } from '#shared/domain/errors';

/**
 * Opaque page cursors: base64url JSON of a small position object. A cursor is
 * input like any other: one that does not decode to the shape the list expects
 * is a 400 naming `cursor`, never a DynamoDB error.
 */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<K extends string>(cursor: string | undefined, fields: readonly K[]): Record<K, string> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== fields.length || !fields.every((f) => typeof record[f] === 'string' && (record[f] as string).length > 0)) {
    throw invalidCursor();
  }
  return record as Record<K, string>;
}

/** The error for a cursor that does not belong to the list it was given to. */
export function invalidCursor(): ValidationFailed {
  return new ValidationFailed('the cursor is not one this list returned', [
    { field: 'cursor', in: 'query', message: 'not a valid cursor for this list' },
  ], 'invalid_cursor');
}
