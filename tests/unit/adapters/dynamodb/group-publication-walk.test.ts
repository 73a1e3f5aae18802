import { describe, expect, it } from 'vitest';
import { expectInvalidCursor } from '#tests/helpers/expectations';
import { encodeCursor } from '#shared/adapters/dynamodb/cursor';
import { decodeWalkCursor, encodeWalkCursor } from '#shared/adapters/dynamodb/group-publication-walk';
import { publicationListScope } from '#shared/adapters/dynamodb/publication-repository';
import { ValidationFailed } from '#shared/domain/errors';

const WAVE = 'wave_01J00000000000000000000000';
const AT = '2026-11-21T18:00:00.000Z';
/** The scope GET /publications?group_id=<WAVE> binds its cursors to. */
const SCOPE = publicationListScope({ groupId: WAVE });


describe('Function: encodeWalkCursor / decodeWalkCursor', () => {
  it('round-trips a position inside a slot', () => {
    // Prepare
    const position = { at: AT, after: 'channel-1#pub_01J00000000000000000000001' };

    // Act
    const cursor = encodeWalkCursor(SCOPE, WAVE, position);

    // Assess
    expect(decodeWalkCursor(cursor, SCOPE, WAVE)).toEqual(position);
  });

  it('round-trips a slot read to its end', () => {
    expect(decodeWalkCursor(encodeWalkCursor(SCOPE, WAVE, { at: AT, after: null }), SCOPE, WAVE)).toEqual({ at: AT, after: null });
  });

  it('decodes an absent cursor to undefined (the first page)', () => {
    expect(decodeWalkCursor(undefined, SCOPE, WAVE)).toBeUndefined();
  });

  it('refuses a cursor made for other filters', () => {
    const cursor = encodeWalkCursor(publicationListScope({ groupId: WAVE, status: 'held' }), WAVE, { at: AT, after: null });
    expectInvalidCursor(() => decodeWalkCursor(cursor, SCOPE, WAVE));
  });

  it("refuses another group's cursor", () => {
    const cursor = encodeWalkCursor(SCOPE, 'wave_01J00000000000000000000009', { at: AT, after: null });
    expectInvalidCursor(() => decodeWalkCursor(cursor, SCOPE, WAVE));
  });

  it.each([
    ['a time that is not an instant', '2026-11-21'],
    ['an instant not written as stored', '2026-11-21T18:00:00Z'],
    ['no time at all', 'later'],
  ])('refuses %s', (_, at) => {
    expectInvalidCursor(() => decodeWalkCursor(encodeCursor(SCOPE, { group: WAVE, at, after: '*' }), SCOPE, WAVE));
  });

  it.each([
    ["the plain list's", { after: `${AT}#pub_01J00000000000000000000001` }],
    ['a key-position', { pk: 'PUB#x', sk: 'PUB', gsi4pk: 'VIDEO#v#PUB', gsi4sk: AT }],
  ])("refuses %s cursor", (_, fields) => {
    expectInvalidCursor(() => decodeWalkCursor(encodeCursor(SCOPE, fields), SCOPE, WAVE));
  });
});
