import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { coordinationPath, groupListQuery, publicationListQuery, wavePath } from '#shared/schemas/coordination';

const WAVE = 'wave_01J00000000000000000000000';
const COORD = 'coord_01J00000000000000000000000';

describe('Schema: publicationListQuery', () => {
  it.each([WAVE, COORD])('takes the group id %s', (id) => {
    expect(z.safeParse(publicationListQuery, { group_id: id }).data).toMatchObject({ group_id: id, limit: 25 });
  });

  it.each(['pub_01J00000000000000000000000', 'wave_', 'wave_01j00000000000000000000000', 'group', `${WAVE}x`])('refuses group_id %j', (id) => {
    const result = z.safeParse(publicationListQuery, { group_id: id });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['group_id'], message: 'must be an id of the form coord_<ULID> or wave_<ULID>' });
  });

  it('takes a video id, and combines it with the group and the other filters', () => {
    const query = { group_id: WAVE, video_id: 'v-1.x_2', status: 'scheduled', channel_id: 'c', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
    expect(z.safeParse(publicationListQuery, query).success).toBe(true);
  });

  it.each(['a b', 'x'.repeat(65), ''])('refuses video_id %j', (id) => {
    expect(z.safeParse(publicationListQuery, { video_id: id }).error?.issues[0]?.path).toEqual(['video_id']);
  });
});

describe('Schema: groupListQuery', () => {
  it.each(['planning', 'scheduled', 'cancelled', 'failed'])('takes status %s', (status) => {
    expect(z.safeParse(groupListQuery, { status }).data).toEqual({ status, limit: 25 });
  });

  it('refuses a status groups never have', () => {
    expect(z.safeParse(groupListQuery, { status: 'booked' }).success).toBe(false);
  });
});

describe('Schema: wavePath and coordinationPath', () => {
  it('take either kind of group id, so the wrong kind is a 404 rather than a 400', () => {
    for (const id of [WAVE, COORD]) {
      expect(z.safeParse(wavePath, { wave_id: id }).success).toBe(true);
      expect(z.safeParse(coordinationPath, { coordination_id: id }).success).toBe(true);
    }
    expect(z.safeParse(coordinationPath, { coordination_id: 'pub_01J00000000000000000000000' }).success).toBe(false);
  });
});
