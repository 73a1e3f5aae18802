import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/cursor';
import { ValidationFailed } from '#shared/domain/errors';

const FIELDS = ['pk', 'sk'] as const;

/** The error a bad cursor must raise: a 400 naming `cursor` in the query. */
function expectInvalidCursor(run: () => unknown): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationFailed);
  expect(error).toMatchObject({ code: 'invalid_cursor', fields: [{ field: 'cursor', in: 'query' }] });
}

const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('Function: encodeCursor / decodeCursor', () => {
  it('round-trips a position', () => {
    // Prepare
    const position = { pk: 'CHANNEL#a/b+c', sk: 'ACT#01J2ÉÈ ✓' };

    // Act
    const cursor = encodeCursor(position);

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, FIELDS)).toEqual(position);
  });

  it('decodes an absent cursor to undefined (the first page)', () => {
    expect(decodeCursor(undefined, FIELDS)).toBeUndefined();
  });

  const garbage: [string, string][] = [
    ['not base64 JSON', '%%%not-a-cursor%%%'],
    ['base64 of plain text', raw('hello')],
    ['a JSON array', raw('["pk","sk"]')],
    ['JSON null', raw('null')],
    ['a JSON string', raw('"pk"')],
    ['a missing field', raw('{"pk":"A"}')],
    ['an extra field', raw('{"pk":"A","sk":"B","gsi1pk":"C"}')],
    ['a field of the wrong type', raw('{"pk":"A","sk":7}')],
    ['an empty field', raw('{"pk":"A","sk":""}')],
    ['another list\'s fields', raw('{"after":"2026-01-01"}')],
    ['an empty string', ''],
  ];
  for (const [what, cursor] of garbage) {
    it(`refuses ${what} with ValidationFailed invalid_cursor naming cursor`, () => {
      expectInvalidCursor(() => decodeCursor(cursor, FIELDS));
    });
  }
});
