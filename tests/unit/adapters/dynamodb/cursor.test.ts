import { describe, expect, it } from 'vitest';
import { expectInvalidCursor } from '#tests/helpers/expectations';
import { decodeCursor, encodeCursor, type CursorScope } from '#shared/adapters/dynamodb/cursor';
import { ValidationFailed } from '#shared/domain/errors';

const FIELDS = ['pk', 'sk'] as const;
const SCOPE: CursorScope = { list: 'publications', filters: { channel_id: 'alpha', status: 'scheduled' } };
const POSITION = { pk: 'CHANNEL#a/b+c', sk: 'ACT#01J2ÉÈ ✓' };


const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** The fingerprint a real cursor of SCOPE carries, to forge cursors that differ in one thing only. */
const fingerprint = (JSON.parse(Buffer.from(encodeCursor(SCOPE, POSITION), 'base64url').toString('utf8')) as { s: string }).s;

describe('Function: encodeCursor / decodeCursor', () => {
  it('round-trips a position within its scope, as an opaque base64url token', () => {
    // Act
    const cursor = encodeCursor(SCOPE, POSITION);

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, SCOPE, FIELDS)).toEqual(POSITION);
  });

  it('carries a 16-hex-digit fingerprint of its scope, not the scope itself', () => {
    // Act
    const decoded = Buffer.from(encodeCursor(SCOPE, POSITION), 'base64url').toString('utf8');

    // Assess
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(decoded).not.toContain('alpha');
    expect(decoded).not.toContain('publications');
  });

  it('decodes an absent cursor to undefined (the first page)', () => {
    expect(decodeCursor(undefined, SCOPE, FIELDS)).toBeUndefined();
  });

  it('takes the same filters in any order, and an absent filter as one left out', () => {
    // Prepare
    const cursor = encodeCursor(SCOPE, POSITION);

    // Act
    const reordered = decodeCursor(cursor, { list: 'publications', filters: { status: 'scheduled', channel_id: 'alpha', from: undefined, to: null } }, FIELDS);

    // Assess
    expect(reordered).toEqual(POSITION);
  });

  const otherScopes: [string, CursorScope][] = [
    ['another list with the same filters', { list: 'activity', filters: SCOPE.filters ?? {} }],
    ['another value of a filter (another channel)', { list: 'publications', filters: { channel_id: 'beta', status: 'scheduled' } }],
    ['another value of a filter (another status)', { list: 'publications', filters: { channel_id: 'alpha', status: 'held' } }],
    ['a filter fewer', { list: 'publications', filters: { channel_id: 'alpha' } }],
    ['a filter more', { list: 'publications', filters: { channel_id: 'alpha', status: 'scheduled', from: '2026-01-01T00:00:00.000Z' } }],
    ['a value that only joins differently', { list: 'publications', filters: { channel_id: 'alpha","status', status: 'scheduled' } }],
  ];
  for (const [what, scope] of otherScopes) {
    it(`refuses a cursor given to ${what} with ValidationFailed invalid_cursor naming cursor`, () => {
      const cursor = encodeCursor(SCOPE, POSITION);
      expectInvalidCursor(() => decodeCursor(cursor, scope, FIELDS));
    });
  }

  const garbage: [string, string][] = [
    ['not base64 JSON', '%%%not-a-cursor%%%'],
    ['base64 of plain text', raw('hello')],
    ['a JSON array', raw('["pk","sk"]')],
    ['JSON null', raw('null')],
    ['a JSON string', raw('"pk"')],
    ['a bare position without a scope (the old format)', raw('{"pk":"A","sk":"B"}')],
    ['a position without a fingerprint', raw('{"p":{"pk":"A","sk":"B"}}')],
    ['a wrong fingerprint', raw('{"s":"0000000000000000","p":{"pk":"A","sk":"B"}}')],
    ['an extra top-level field', raw(`{"s":"${fingerprint}","p":{"pk":"A","sk":"B"},"x":1}`)],
    ['a missing field', raw(`{"s":"${fingerprint}","p":{"pk":"A"}}`)],
    ['an extra field', raw(`{"s":"${fingerprint}","p":{"pk":"A","sk":"B","gsi1pk":"C"}}`)],
    ['a field of the wrong type', raw(`{"s":"${fingerprint}","p":{"pk":"A","sk":7}}`)],
    ['an empty field', raw(`{"s":"${fingerprint}","p":{"pk":"A","sk":""}}`)],
    ['a position that is not an object', raw(`{"s":"${fingerprint}","p":["A","B"]}`)],
    ["another list's fields", raw(`{"s":"${fingerprint}","p":{"after":"2026-01-01"}}`)],
    ['an empty string', ''],
  ];
  for (const [what, cursor] of garbage) {
    it(`refuses ${what} with ValidationFailed invalid_cursor naming cursor`, () => {
      expectInvalidCursor(() => decodeCursor(cursor, SCOPE, FIELDS));
    });
  }

  it('accepts a forged cursor of the right scope and shape (callers check the position lies in their list)', () => {
    expect(decodeCursor(raw(`{"s":"${fingerprint}","p":{"pk":"A","sk":"B"}}`), SCOPE, FIELDS)).toEqual({ pk: 'A', sk: 'B' });
  });
});
