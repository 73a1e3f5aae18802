import { describe, expect, it } from 'vitest';
import type { Slot } from '#shared/domain/publication-group';
import { groupSummaryOf, groupViewOf } from '#shared/services/publication-queries';
import { publicationGroup } from '#tests/helpers/sample-entities';

const WAVE = publicationGroup({
  group_id: 'wave_01J00000000000000000000000',
  kind: 'wave',
  video_id: null,
  video_count: 3,
  stagger_by: 'video',
});
const COORDINATION = publicationGroup({ video_id: 'video-7' });
const SLOT: Slot = {
  slot_id: 'coord_01J00000000000000000000000-20260320T180000Z',
  group_id: 'coord_01J00000000000000000000000',
  fire_at: '2026-03-20T18:00:00.000Z',
  status: 'fired',
  publication_count: 2,
  dispatched: 1,
  held: 1,
  fired_at: '2026-03-20T18:00:00.000Z',
};

/** The fields both kinds show, in the order both show them. */
const SHARED = [
  'status', 'status_reason', 'channel_ids', 'timing', 'scheduled_at', 'delay_seconds', 'priority', 'conflict_policy',
  'total_publications', 'first_at', 'last_at', 'schedules_created', 'created_at', 'cancelled_at',
];

describe('Function: groupSummaryOf', () => {
  it('names a wave by wave_id, with its video count and stagger', () => {
    // Act
    const summary = groupSummaryOf('wave', WAVE);

    // Assess
    expect(Object.keys(summary)).toEqual(['wave_id', 'status', 'video_count', 'status_reason', 'channel_ids', 'timing', 'stagger_by', ...SHARED.slice(4)]);
    expect(summary).toMatchObject({ wave_id: WAVE.group_id, video_count: 3, stagger_by: 'video' });
  });

  it('names a coordination by coordination_id, with its video', () => {
    // Act
    const summary = groupSummaryOf('coordination', COORDINATION);

    // Assess
    expect(Object.keys(summary)).toEqual(['coordination_id', 'status', 'video_id', ...SHARED.slice(1)]);
    expect(summary).toMatchObject({ coordination_id: COORDINATION.group_id, video_id: 'video-7' });
    expect(summary).not.toHaveProperty('stagger_by');
    expect(summary).not.toHaveProperty('video_count');
  });
});

describe('Function: groupViewOf', () => {
  it.each([
    ['wave', WAVE],
    ['coordination', COORDINATION],
  ] as const)('shows a %s as its summary with its slots before created_at and cancelled_at', (kind, group) => {
    // Act
    const view = groupViewOf(kind, group, [SLOT]);

    // Assess
    const { slots, ...rest } = view;
    expect(rest).toEqual(groupSummaryOf(kind, group));
    expect(Object.keys(view).slice(-3)).toEqual(['slots', 'created_at', 'cancelled_at']);
    expect(slots).toEqual([{ slot_id: SLOT.slot_id, fire_at: SLOT.fire_at, status: 'fired', publication_count: 2, dispatched: 1, held: 1 }]);
  });
});

