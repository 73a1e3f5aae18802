import { describe, expect, it } from 'vitest';
import { groupKeys, publicationKeys } from '#shared/adapters/dynamodb/keys';

describe('Keys: publicationKeys', () => {
  it('lists a publication under its video, by scheduled time (gsi4)', () => {
    // Act
    const item = publicationKeys.item({
      publication_id: 'pub_1',
      channel_id: 'c',
      video_id: 'v-1',
      status: 'scheduled',
      scheduled_at: '2026-11-21T18:00:00.000Z',
      slot_id: 'wave_1-20261121T180000Z',
    });

    // Assess
    expect(item).toMatchObject({ gsi4pk: 'VIDEO#v-1#PUB', gsi4sk: '2026-11-21T18:00:00.000Z#pub_1' });
  });

  it('resumes a slot after the publication a gsi3 sort key names', () => {
    expect(publicationKeys.slotStartKey('s-1', 'channel-1#pub_1')).toEqual({
      pk: 'PUB#pub_1',
      sk: 'PUB',
      gsi3pk: 'SLOT#s-1',
      gsi3sk: 'channel-1#pub_1',
    });
  });

  it.each(['pub_1', '#pub_1', 'channel-1#', ''])('has no start key for %j, which no slot sort key looks like', (sortKey) => {
    expect(publicationKeys.slotStartKey('s-1', sortKey)).toBeNull();
  });
});

describe('Keys: groupKeys', () => {
  it('lists a group under its kind by creation time (gsi1)', () => {
    expect(groupKeys.listIndex('wave', 'wave_1', '2026-11-21T18:00:00.000Z')).toEqual({
      gsi1pk: 'GROUPS#wave',
      gsi1sk: '2026-11-21T18:00:00.000Z#wave_1',
    });
  });

  it("sorts a group's slots by fire time, below the open upper bound", () => {
    const slot = groupKeys.slot('wave_1', '2026-11-21T18:00:00.000Z');
    expect(slot).toEqual({ pk: 'GROUP#wave_1', sk: 'SLOT#2026-11-21T18:00:00.000Z' });
    expect(slot.sk < groupKeys.slotSortKeyMax).toBe(true);
    expect(groupKeys.slotSortKey('2026-11-21T17:59:59.000Z') < slot.sk).toBe(true);
  });
});
