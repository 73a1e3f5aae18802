import type { ActivityEntry } from '#shared/domain/activity';
import type { ChannelDefinition } from '#shared/domain/channel';
import type { Publication } from '#shared/domain/publication';
import type { PublicationGroup } from '#shared/domain/publication-group';
import type { Video, VideoDefinition } from '#shared/domain/video';

/** Who the service tests act as. */
export const META = { actor: 'test:operator', request_id: 'req-test-1' } as const;

/** A complete, valid channel definition (what the PUT schema yields after defaults). */
export function channelDefinition(overrides: Partial<ChannelDefinition> = {}): ChannelDefinition {
  return {
    name: 'Channel',
    status: 'active',
    priority: 5,
    github: { owner: 'acme', repo: 'channel-repo', workflow: 'publish.yml', ref: 'main' },
    publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 60, max_per_day: 4 },
    filters: null,
    config: { theme: 'dark', nested: { depth: [1, 2, 3] } },
    ...overrides,
  };
}

/** The JSON body of a PUT /channels/{id} (the wire form of a definition). */
export function channelBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Channel',
    status: 'active',
    priority: 5,
    github: { owner: 'acme', repo: 'channel-repo', workflow: 'publish.yml' },
    publishing: { timezone: 'Europe/Paris', slots: ['18:00', '09:00'], min_gap_minutes: 60, max_per_day: 4 },
    config: { theme: 'dark' },
    ...overrides,
  };
}

export function videoDefinition(overrides: Partial<VideoDefinition> = {}): VideoDefinition {
  return {
    title: 'A video',
    tags: ['cats'],
    language: 'en',
    category: 'pets',
    duration_seconds: 61,
    source_url: 'https://videos.example.test/v.mp4',
    status: 'available',
    ...overrides,
  };
}

export function video(videoId: string, createdAt: string, overrides: Partial<VideoDefinition> = {}): Video {
  return { video_id: videoId, ...videoDefinition(overrides), created_at: createdAt, updated_at: createdAt };
}

export function activityEntry(activityId: string, at: string, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    activity_id: activityId,
    at,
    type: 'system.started',
    actor: 'test:operator',
    target: { type: 'system', id: 'orchestration' },
    channel_ids: [],
    details: { n: activityId },
    request_id: `req-${activityId}`,
    ...overrides,
  };
}

let publicationCount = 0;

/** A publication; ids are unique within the test file. */
export function publication(overrides: Partial<Publication> = {}): Publication {
  publicationCount += 1;
  const n = String(publicationCount).padStart(4, '0');
  return {
    publication_id: `pub_01J0000000000000000000${n}`,
    group_id: 'coord_01J00000000000000000000000',
    group_kind: 'coordination',
    video_id: 'video-1',
    channel_id: 'channel-1',
    scheduled_at: '2026-03-20T18:00:00.000Z',
    requested_at: '2026-03-20T18:00:00.000Z',
    shifted_from: null,
    priority: 5,
    status: 'scheduled',
    slot_id: 'slot-1',
    run_id: null,
    status_reason: null,
    trigger_received_at: null,
    created_at: '2026-03-15T12:00:00.000Z',
    updated_at: '2026-03-15T12:00:00.000Z',
    ...overrides,
  };
}

/** A coordination as booking leaves it (scheduled, two channels, one slot); `kind: 'wave'` with `video_id: null` for a wave. */
export function publicationGroup(overrides: Partial<PublicationGroup> = {}): PublicationGroup {
  return {
    group_id: 'coord_01J00000000000000000000000',
    kind: 'coordination',
    status: 'scheduled',
    channel_ids: ['channel-1', 'channel-2'],
    video_id: 'video-1',
    video_count: 1,
    timing: 'simultaneous',
    stagger_by: 'channel',
    scheduled_at: '2026-03-20T18:00:00.000Z',
    delay_seconds: null,
    priority: 5,
    conflict_policy: 'shift',
    lease_owner: null,
    lease_until: null,
    cancel_requested_at: null,
    rollback_started_at: null,
    status_reason: null,
    total_publications: 2,
    slot_count: 1,
    first_at: '2026-03-20T18:00:00.000Z',
    last_at: '2026-03-20T18:00:00.000Z',
    schedules_created: 1,
    created_at: '2026-03-15T12:00:00.000Z',
    updated_at: '2026-03-15T12:00:00.000Z',
    cancelled_at: null,
    actor: 'test:operator',
    request_id: 'req-test-1',
    ...overrides,
  };
}

/** A channel as GET /channels/{id} answers it (what the contract checks accept). */
export function channelView(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel_id: 'c1',
    name: 'Cats',
    status: 'active',
    priority: 5,
    github: null,
    publishing: { timezone: 'UTC', slots: [], min_gap_minutes: 0, max_per_day: null },
    filters: null,
    config: {},
    created_at: '2026-11-21T18:00:00.000Z',
    updated_at: '2026-11-21T18:00:00.000Z',
    version: 1,
    ...overrides,
  };
}
