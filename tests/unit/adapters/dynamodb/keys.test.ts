import { describe, expect, it } from 'vitest';
import { ACTIVITY_SHARDS, activityKeys, fnv1a32, groupKeys, PUBLICATION_STATUS_SHARDS, publicationKeys, shardOf } from '#shared/adapters/dynamodb/keys';

describe('Keys: shards', () => {
  it('hashes with 32-bit FNV-1a (the published test vectors), so stored shards never move between releases', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('spreads ULID-like ids over every shard', () => {
    // Prepare
    const ids = Array.from({ length: 800 }, (_, i) => `pub_01J${String(i).padStart(23, '0')}`);

    // Act
    const counts = new Array<number>(PUBLICATION_STATUS_SHARDS).fill(0);
    for (const id of ids) counts[shardOf(id, PUBLICATION_STATUS_SHARDS)]! += 1;

    // Assess: 100 expected each; no shard above twice that
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(200);
  });
});

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

  it('lists a publication under its status in the gsi2 shard its id hashes to (gsi1 per channel, unsharded)', () => {
    // Act
    const keys = publicationKeys.statusIndexes('c', 'held', '2026-11-21T18:00:00.000Z', 'pub_1');

    // Assess
    expect(keys).toEqual({
      gsi1pk: 'CHANNEL#c#PUB#held',
      gsi1sk: '2026-11-21T18:00:00.000Z#pub_1',
      gsi2pk: `PUB#STATUS#held#${fnv1a32('pub_1') % 8}`,
      gsi2sk: '2026-11-21T18:00:00.000Z#pub_1',
    });
  });

  it('reads a status from all 8 shards', () => {
    expect(PUBLICATION_STATUS_SHARDS).toBe(8);
    expect(publicationKeys.statusPartitions('held')).toEqual(Array.from({ length: 8 }, (_, n) => `PUB#STATUS#held#${n}`));
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

describe('Keys: activityKeys', () => {
  it("puts an entry in its month's and its type's shard of its id", () => {
    // Act
    const keys = activityKeys.item('01JABC', '2026-03-10T10:00:00.000Z', 'wave.scheduled');

    // Assess
    const shard = fnv1a32('01JABC') % 4;
    expect(keys).toEqual({ pk: `ACTIVITY#2026-03#${shard}`, sk: 'ACT#01JABC', gsi2pk: `ACTIVITY#TYPE#wave.scheduled#${shard}`, gsi2sk: '01JABC' });
  });

  it('reads a month and a type from all 4 shards', () => {
    expect(ACTIVITY_SHARDS).toBe(4);
    expect(activityKeys.monthPartitions('2026-03')).toEqual(['ACTIVITY#2026-03#0', 'ACTIVITY#2026-03#1', 'ACTIVITY#2026-03#2', 'ACTIVITY#2026-03#3']);
    expect(activityKeys.typePartitions('system.started')).toHaveLength(4);
  });
});
