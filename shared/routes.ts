import * as z from 'zod/mini';
import type { Settings } from './config';
import * as activity from './schemas/activity';
import * as channels from './schemas/channels';
import * as coordination from './schemas/coordination';
import * as dashboard from './schemas/dashboard';
import * as distribution from './schemas/distribution';
import * as monitoring from './schemas/monitoring';
import * as pipelines from './schemas/pipelines';
import * as system from './schemas/system';
import * as videos from './schemas/videos';
import * as webhooks from './schemas/webhooks';

/**
 * The one route table. The CDK stack makes a function and a route of each
 * entry (handler: functions/http/<id>.ts), the local server routes to the same
 * handlers, and GET /openapi.json is generated from it.
 */
export const BASE_PATH = '/api/orchestration';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * What a route's function may touch; the CDK stack grants exactly these.
 * - table:read / table:write: the DynamoDB table (write includes read)
 * - queue:depth: read the depth of both trigger queues (high, normal) and of their dead-letter queue
 * - queue:send: send pipeline triggers to either trigger queue (due slots fired inline, held work released, triggers re-queued to wait for the pacer)
 * - schedules:write: create and delete the slot schedules in the orchestrator's schedule group
 * - processing:send: hand runs to the shared processing workers' queue
 * - processing:depth: read the depth of the processing queue and of its dead-letter queue
 * - slot-dlq:depth: read the depth of the slot dead-letter queue (slot events Scheduler or fire-slot could not deliver)
 * - github:token: read the GitHub token secret (and the API URL and dispatch pacing that go with it)
 * - github:webhook-secret: read the secret GitHub signs webhook deliveries with
 */
export type Permission =
  | 'table:read'
  | 'table:write'
  | 'queue:depth'
  | 'queue:send'
  | 'schedules:write'
  | 'processing:send'
  | 'processing:depth'
  | 'slot-dlq:depth'
  | 'github:token'
  | 'github:webhook-secret';

/**
 * The settings (shared/config.ts) each permission brings into a function's
 * environment. The CDK bindings set exactly these; a test runs every route
 * with exactly these, so a service that reaches a client its route is not
 * granted fails in the tests, not in AWS.
 */
export const PERMISSION_SETTINGS = {
  // The activity log's horizon is read with the table; the retention of finished work is written with it.
  'table:read': ['TABLE_NAME', 'ACTIVITY_RETENTION_DAYS'],
  'table:write': ['TABLE_NAME', 'ACTIVITY_RETENTION_DAYS', 'PUBLICATION_RETENTION_DAYS'],
  'queue:depth': ['TRIGGER_QUEUE_URL', 'TRIGGER_HIGH_QUEUE_URL', 'TRIGGER_DLQ_URL'],
  'queue:send': ['TRIGGER_QUEUE_URL', 'TRIGGER_HIGH_QUEUE_URL', 'TRIGGER_DLQ_URL'],
  'schedules:write': ['SCHEDULE_GROUP_NAME', 'SLOT_TARGET_ARN', 'SCHEDULER_ROLE_ARN', 'SLOT_DLQ_ARN'],
  'processing:send': ['PROCESSING_QUEUE_URL'],
  'processing:depth': ['PROCESSING_QUEUE_URL', 'PROCESSING_DLQ_URL'],
  'slot-dlq:depth': ['SLOT_DLQ_URL'],
  // The pacing is per token, so it comes with the token: every function that dispatches paces alike.
  'github:token': ['GITHUB_TOKEN_SECRET_ARN', 'GITHUB_API_URL', 'GITHUB_DISPATCHES_PER_MINUTE', 'GITHUB_DISPATCHES_PER_HOUR'],
  'github:webhook-secret': ['GITHUB_WEBHOOK_SECRET_ARN'],
} as const satisfies Record<Permission, readonly (keyof Settings)[]>;

/**
 * How a route's caller is authenticated.
 * - iam (the default): the API's authorizer, IAM (SigV4) or JWT as deployed;
 *   the local server's bearer token.
 * - github-signature: no authorizer at all, in AWS or locally. The handler
 *   verifies X-Hub-Signature-256 itself, on the raw body, with the webhook
 *   secret: such a route must hold `github:webhook-secret`.
 */
export type RouteAuth = 'iam' | 'github-signature';

export interface RouteSpec<
  P extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  Q extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  B extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  H extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
> {
  /** The handler's file name in functions/http/ and the function's logical name. */
  id: string;
  method: HttpMethod;
  /** Relative to BASE_PATH, with {name} parameters. */
  path: string;
  summary: string;
  tag: Tag;
  params?: P;
  query?: Q;
  /** The JSON body's schema. POST routes without one take an empty body. */
  body?: B;
  /**
   * Request headers the route reads: a zod object keyed by their canonical
   * names (`X-GitHub-Event`), matched case-insensitively, validated like the
   * rest of the input and documented as header parameters.
   */
  headers?: H;
  /**
   * The usual answer (the handler returns its body), and the other success
   * statuses the handler answers with `reply(status, body)`, same schema.
   */
  response: {
    status: SuccessStatus;
    description: string;
    schema: z.ZodMiniType;
    /** Other success answers; with their own schema when their body differs. */
    alternatives?: readonly { status: SuccessStatus; description: string; schema?: z.ZodMiniType }[];
  };
  /**
   * The error statuses the route's service answers (NotFound, Conflict, ...).
   * Those the shared HTTP stack answers for every route of its kind (400,
   * 401, 405, 409 and 422 of the Idempotency-Key, 413, 415, 500) are added by
   * `declaredStatuses` in shared/http/openapi.ts.
   */
  errors: readonly DomainErrorStatus[];
  /** An example request body, checked against `body` by the tests and shown in the document. */
  example?: B extends z.ZodMiniType ? z.input<B> : never;
  permissions: readonly Permission[];
  /** @default 'iam' */
  auth?: RouteAuth;
}

/** The document's tags, in the order a reader meets them. */
export const TAGS = {
  System: 'Start, stop, pause and resume the whole operation; its status, held work and queue depth.',
  Channels: 'The registry of channels: publishing rules, filters, repository and configuration.',
  Videos: 'The catalogue of videos that channels publish.',
  Coordination: 'Publishing a video across channels, waves of many videos, and what they booked.',
  Activity: 'The audit trail of every decision.',
  Pipelines: "Runs of the channels' pipelines: GitHub Actions workflows, or the shared processing workers.",
  Monitoring: "Each channel's health, recent errors and statistics.",
  Distribution: "Distribution and configuration: available videos given to the channels that take them; each channel's configuration written into its repository.",
  Documentation: 'This document.',
} as const;
export type Tag = keyof typeof TAGS;

export type SuccessStatus = 200 | 201 | 202;
export type DomainErrorStatus = 404 | 409 | 413 | 422;

const route = <
  P extends z.ZodMiniType | undefined,
  Q extends z.ZodMiniType | undefined,
  B extends z.ZodMiniType | undefined,
  H extends z.ZodMiniType | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B, H>,
): RouteSpec<P, Q, B, H> => spec;

const control = (id: 'start' | 'stop' | 'pause' | 'resume', summary: string) =>
  route({
    // start and resume release held publications to the trigger queue.
    id,
    method: 'POST',
    path: `/${id}`,
    summary,
    tag: 'System',
    response: { status: 200, description: 'the state after the call; changed says whether it moved', schema: system.controlResult },
    errors: [409],
    permissions: id === 'start' || id === 'resume' ? ['table:write', 'queue:send'] : ['table:write'],
  });

export const routes = {
  start: control('start', 'Start the orchestration (stopped to running)'),
  stop: control('stop', 'Stop the orchestration (running or paused to stopped)'),
  pause: control('pause', 'Pause dispatching (running to paused)'),
  resume: control('resume', 'Resume dispatching (paused to running)'),
  status: route({
    id: 'status',
    method: 'GET',
    path: '/status',
    summary: 'System status, held work and queue depth',
    tag: 'System',
    response: { status: 200, description: 'the current status', schema: system.statusReport },
    errors: [],
    permissions: ['table:read', 'queue:depth'],
  }),
  dashboard: route({
    // Read-only: the table, and the depth of every queue (both trigger queues and their DLQ, processing and its DLQ, the slot DLQ).
    id: 'dashboard',
    method: 'GET',
    path: '/dashboard',
    summary: 'The system at a glance: state, health and queues; channels by status and in error; 30-day statistics; schedules; recent activity',
    tag: 'System',
    response: { status: 200, description: 'the dashboard', schema: dashboard.dashboard },
    errors: [],
    permissions: ['table:read', 'queue:depth', 'processing:depth', 'slot-dlq:depth'],
  }),
  putChannel: route({
    id: 'put-channel',
    method: 'PUT',
    path: '/channels/{channel_id}',
    summary: 'Create or replace a channel',
    tag: 'Channels',
    params: channels.channelPath,
    body: channels.channelDefinition,
    response: {
      status: 200,
      description: 'the channel, replaced',
      schema: channels.channel,
      alternatives: [{ status: 201, description: 'the channel, created' }],
    },
    errors: [],
    example: {
      name: 'Cooking FR',
      status: 'active',
      priority: 7,
      github: { owner: 'acme-media', repo: 'cooking-fr', workflow: 'publish.yml', ref: 'main' },
      publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 120, max_per_day: 3 },
      filters: { tags_any: ['cooking'], tags_none: [], languages: ['fr'], categories: [], min_duration_seconds: 60, max_duration_seconds: null },
      config: { thumbnail_style: 'bold' },
    },
    permissions: ['table:write'],
  }),
  getChannel: route({
    id: 'get-channel',
    method: 'GET',
    path: '/channels/{channel_id}',
    summary: 'Read a channel',
    tag: 'Channels',
    params: channels.channelPath,
    response: { status: 200, description: 'the channel', schema: channels.channel },
    errors: [404],
    permissions: ['table:read'],
  }),
  deleteChannel: route({
    id: 'delete-channel',
    method: 'DELETE',
    path: '/channels/{channel_id}',
    summary: 'Remove a channel (?force=true cancels its pending publications)',
    tag: 'Channels',
    params: channels.channelPath,
    query: channels.channelDeleteQuery,
    response: { status: 200, description: 'the channel was removed', schema: channels.channelDeleted },
    errors: [404, 409],
    permissions: ['table:write', 'schedules:write'],
  }),
  listChannels: route({
    id: 'list-channels',
    method: 'GET',
    path: '/channels',
    summary: 'List channels in id order',
    tag: 'Channels',
    query: channels.channelListQuery,
    response: { status: 200, description: 'one page of channels', schema: channels.channelPage },
    errors: [],
    permissions: ['table:read'],
  }),
  createVideo: route({
    id: 'create-video',
    method: 'POST',
    path: '/videos',
    summary: 'Add a video to the catalogue',
    tag: 'Videos',
    body: videos.videoInput,
    response: { status: 201, description: 'the video', schema: videos.video },
    errors: [409],
    example: {
      video_id: 'vid-001',
      title: 'Ten-minute ratatouille',
      tags: ['cooking', 'vegetarian'],
      language: 'fr',
      category: 'food',
      duration_seconds: 612,
      source_url: 'https://cdn.example.com/videos/vid-001.mp4',
    },
    permissions: ['table:write'],
  }),
  listVideos: route({
    id: 'list-videos',
    method: 'GET',
    path: '/videos',
    summary: 'List videos, newest first',
    tag: 'Videos',
    query: videos.videoListQuery,
    response: { status: 200, description: 'one page of videos', schema: videos.videoPage },
    errors: [],
    permissions: ['table:read'],
  }),
  getVideo: route({
    id: 'get-video',
    method: 'GET',
    path: '/videos/{video_id}',
    summary: 'Read a video',
    tag: 'Videos',
    params: videos.videoPath,
    response: { status: 200, description: 'the video', schema: videos.video },
    errors: [404],
    permissions: ['table:read'],
  }),
  listActivity: route({
    id: 'list-activity',
    method: 'GET',
    path: '/activity',
    summary: 'The audit trail, newest first',
    tag: 'Activity',
    query: activity.activityListQuery,
    response: { status: 200, description: 'one page of activity entries', schema: activity.activityPage },
    errors: [],
    permissions: ['table:read'],
  }),
  coordinatePublication: route({
    id: 'coordinate-publication',
    method: 'POST',
    path: '/coordinate-publication',
    summary: 'Publish one video across channels: simultaneous, staggered or each in its own slot',
    tag: 'Coordination',
    body: coordination.coordinatePublicationInput,
    response: {
      status: 201,
      description: 'the plan as booked',
      schema: coordination.coordinationResult,
      alternatives: [
        { status: 200, description: 'a dry run: the plan, nothing written' },
        {
          status: 202,
          description: 'accepted, follow it with GET: still being written past the time the answer could wait, or a retry whose first attempt lost its answer (never booked twice)',
          schema: coordination.coordinationAccepted,
        },
      ],
    },
    errors: [409, 413, 422],
    example: {
      video_id: 'vid-001',
      channel_ids: ['cooking-fr', 'cooking-be', 'cooking-ca'],
      timing: 'staggered',
      scheduled_at: '2026-12-24T18:00:00Z',
      delay_seconds: 900,
      priority: 6,
      conflict_policy: 'shift',
    },
    permissions: ['table:write', 'schedules:write', 'queue:send'],
  }),
  scheduleWave: route({
    id: 'schedule-wave',
    method: 'POST',
    path: '/schedule-wave',
    summary: 'Schedule a viral wave: every video on every channel (up to 10,000 publications)',
    tag: 'Coordination',
    body: coordination.scheduleWaveInput,
    response: {
      status: 201,
      description: 'the wave as booked',
      schema: coordination.waveResult,
      alternatives: [
        { status: 200, description: 'a dry run: the plan, nothing written' },
        {
          status: 202,
          description: 'accepted, follow it with GET: still being written past the time the answer could wait, or a retry whose first attempt lost its answer (never booked twice)',
          schema: coordination.waveAccepted,
        },
      ],
    },
    errors: [409, 413, 422],
    example: {
      video_ids: ['vid-001', 'vid-002', 'vid-003'],
      channel_ids: ['cooking-fr', 'cooking-be'],
      wave_config: { timing: 'staggered', scheduled_at: '2026-12-24T18:00:00Z', delay_seconds: 3600, stagger_by: 'video' },
      priority: 5,
      conflict_policy: 'shift',
      dry_run: true,
    },
    permissions: ['table:write', 'schedules:write', 'queue:send'],
  }),
  listPublications: route({
    id: 'list-publications',
    method: 'GET',
    path: '/publications',
    summary: 'List publications by scheduled time (filters: status, channel_id, group_id, video_id, from, to)',
    tag: 'Coordination',
    query: coordination.publicationListQuery,
    response: { status: 200, description: 'one page of publications, earliest first', schema: coordination.publicationPage },
    errors: [],
    permissions: ['table:read'],
  }),
  getPublication: route({
    id: 'get-publication',
    method: 'GET',
    path: '/publications/{publication_id}',
    summary: 'Read a publication',
    tag: 'Coordination',
    params: coordination.publicationPath,
    response: { status: 200, description: 'the publication', schema: coordination.publication },
    errors: [404],
    permissions: ['table:read'],
  }),
  cancelPublication: route({
    id: 'cancel-publication',
    method: 'POST',
    path: '/publications/{publication_id}/cancel',
    summary: 'Cancel a scheduled or held publication',
    tag: 'Coordination',
    params: coordination.publicationPath,
    body: coordination.cancelInput,
    response: { status: 200, description: 'the publication, now cancelled', schema: coordination.publication },
    errors: [404, 409],
    example: { reason: 'the sponsor withdrew' },
    permissions: ['table:write', 'schedules:write'],
  }),
  getWave: route({
    id: 'get-wave',
    method: 'GET',
    path: '/waves/{wave_id}',
    summary: 'Read a wave and its slots',
    tag: 'Coordination',
    params: coordination.wavePath,
    response: { status: 200, description: 'the wave', schema: coordination.wave },
    errors: [404],
    permissions: ['table:read'],
  }),
  cancelWave: route({
    id: 'cancel-wave',
    method: 'POST',
    path: '/waves/{wave_id}/cancel',
    summary: "Cancel a wave's publications that have not gone out",
    tag: 'Coordination',
    params: coordination.wavePath,
    body: coordination.cancelInput,
    response: { status: 200, description: 'what was cancelled', schema: coordination.waveCancelled },
    errors: [404],
    example: { reason: 'campaign postponed' },
    permissions: ['table:write', 'schedules:write'],
  }),
  getCoordination: route({
    id: 'get-coordination',
    method: 'GET',
    path: '/coordinations/{coordination_id}',
    summary: 'Read a coordination and its slots',
    tag: 'Coordination',
    params: coordination.coordinationPath,
    response: { status: 200, description: 'the coordination', schema: coordination.coordination },
    errors: [404],
    permissions: ['table:read'],
  }),
  cancelCoordination: route({
    id: 'cancel-coordination',
    method: 'POST',
    path: '/coordinations/{coordination_id}/cancel',
    summary: "Cancel a coordination's publications that have not gone out",
    tag: 'Coordination',
    params: coordination.coordinationPath,
    body: coordination.cancelInput,
    response: { status: 200, description: 'what was cancelled', schema: coordination.coordinationCancelled },
    errors: [404],
    example: { reason: 'the launch moved to next week' },
    permissions: ['table:write', 'schedules:write'],
  }),
  listWaves: route({
    id: 'list-waves',
    method: 'GET',
    path: '/waves',
    summary: 'List waves, newest first (filter: status)',
    tag: 'Coordination',
    query: coordination.groupListQuery,
    response: { status: 200, description: 'one page of waves, without their slots', schema: coordination.wavePage },
    errors: [],
    permissions: ['table:read'],
  }),
  listCoordinations: route({
    id: 'list-coordinations',
    method: 'GET',
    path: '/coordinations',
    summary: 'List coordinations, newest first (filter: status)',
    tag: 'Coordination',
    query: coordination.groupListQuery,
    response: { status: 200, description: 'one page of coordinations, without their slots', schema: coordination.coordinationPage },
    errors: [],
    permissions: ['table:read'],
  }),
  triggerPipeline: route({
    id: 'trigger-pipeline',
    method: 'POST',
    path: '/trigger-pipeline',
    summary: "Start a channel's pipeline by hand (a run, dispatched through the trigger queue)",
    tag: 'Pipelines',
    body: pipelines.triggerPipelineInput,
    response: { status: 202, description: 'the run, queued (held while paused)', schema: pipelines.runAccepted },
    errors: [404, 409],
    example: { channel_id: 'tech-daily', video_id: 'vid-2026-11-21-001', priority: 'high', inputs: { quality: '1080p' } },
    permissions: ['table:write', 'queue:send'],
  }),
  listPipelineRuns: route({
    id: 'list-pipeline-runs',
    method: 'GET',
    path: '/pipeline-runs',
    summary: 'List pipeline runs, newest first (filters: channel_id, status)',
    tag: 'Pipelines',
    query: pipelines.runListQuery,
    response: { status: 200, description: 'one page of runs, newest first', schema: pipelines.runPage },
    errors: [],
    permissions: ['table:read'],
  }),
  getPipelineRun: route({
    id: 'get-pipeline-run',
    method: 'GET',
    path: '/pipeline-runs/{run_id}',
    summary: 'Read a pipeline run',
    tag: 'Pipelines',
    params: pipelines.runPath,
    response: { status: 200, description: 'the run', schema: pipelines.pipelineRun },
    errors: [404],
    permissions: ['table:read'],
  }),
  completePipelineRun: route({
    id: 'complete-pipeline-run',
    method: 'POST',
    path: '/pipeline-runs/{run_id}/complete',
    summary: "A processing worker reports a run's end",
    tag: 'Pipelines',
    params: pipelines.runPath,
    body: pipelines.completeRunInput,
    response: { status: 200, description: 'the run, final', schema: pipelines.pipelineRun },
    errors: [404],
    example: { conclusion: 'success', details: { duration_seconds: 312 } },
    permissions: ['table:write'],
  }),
  monitorChannels: route({
    id: 'monitor-channels',
    method: 'GET',
    path: '/monitor-channels',
    summary: "Every channel's health (from the periodic sweep, or checked now with refresh=true), recent errors and 30-day statistics",
    tag: 'Monitoring',
    query: monitoring.monitorChannelsQuery,
    response: { status: 200, description: 'the channels in id order, and when their health was checked', schema: monitoring.monitorChannelsResult },
    errors: [404],
    // The table: channels, health items, day counters; a refresh stores what it found. The token: the refresh's GitHub checks.
    permissions: ['table:write', 'github:token'],
  }),
  syncConfigs: route({
    id: 'sync-configs',
    method: 'POST',
    path: '/sync-configs',
    summary: "Write each channel's config to its repository (.orchestrator/channel.json), committing only what changed",
    tag: 'Distribution',
    body: distribution.syncConfigsInput,
    response: { status: 200, description: 'what became of each channel: counts, skipped, errors, and the detail', schema: distribution.syncConfigsResult },
    errors: [404],
    example: { channel_ids: ['tech-daily', 'cooking-fr'] },
    // The table: channels read, one activity entry a commit. The token: the contents API.
    permissions: ['table:write', 'github:token'],
  }),
  distributeVideos: route({
    id: 'distribute-videos',
    method: 'POST',
    path: '/distribute-videos',
    summary: "Give available videos to the channels whose filters match, and to channels without filters for their free slots of the next 24 h",
    tag: 'Distribution',
    body: distribution.distributeVideosInput,
    response: {
      status: 200,
      description: 'what was booked (one wave), and what was skipped and why; a dry run answers the plan and writes nothing',
      schema: distribution.distributeVideosResult,
      alternatives: [
        {
          status: 202,
          description: 'accepted, follow the wave with GET /waves/{wave_id}: its booking was still being written past the time the answer could wait',
          schema: coordination.waveAccepted,
        },
      ],
    },
    errors: [404, 409, 422],
    example: { limit: 100, channel_ids: ['cooking-fr', 'tech-daily'], dry_run: true },
    // The table: videos claimed, ledgers, publications, slots; the schedules of the slots; slots already due fired inline.
    permissions: ['table:write', 'schedules:write', 'queue:send'],
  }),
  githubWebhook: route({
    // Not behind the API's authorizer: the function verifies X-Hub-Signature-256 on the body as received.
    id: 'github-webhook',
    method: 'POST',
    path: '/webhooks/github',
    summary: "GitHub's webhook: workflow_run events keep pipeline runs current (authenticated by X-Hub-Signature-256)",
    tag: 'Pipelines',
    auth: 'github-signature',
    headers: webhooks.githubWebhookHeaders,
    body: webhooks.githubWebhookPayload,
    response: {
      status: 200,
      description: 'a workflow_run applied (what it matched and changed), a delivery applied before ({duplicate: true}, nothing changed), or a ping answered',
      schema: webhooks.githubWebhookResult,
      alternatives: [{ status: 202, description: 'an event this endpoint does not act on: accepted and ignored', schema: webhooks.githubWebhookIgnored }],
    },
    errors: [],
    example: {
      action: 'completed',
      workflow_run: {
        id: 30433642,
        name: 'Publish',
        display_title: 'publish [run_3f1c2a9b8d7e6f5a4b3c2d1e0f]',
        status: 'completed',
        conclusion: 'success',
        html_url: 'https://github.com/acme-media/cooking-fr/actions/runs/30433642',
        updated_at: '2026-11-21T18:04:12Z',
      },
    },
    permissions: ['table:write', 'github:webhook-secret'],
  }),
  openapi: route({
    id: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'Documentation',
    response: { status: 200, description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) },
    errors: [],
    permissions: [],
  }),
} as const;

export type RouteId = keyof typeof routes;
export type AnyRoute = RouteSpec<z.ZodMiniType | undefined, z.ZodMiniType | undefined, z.ZodMiniType | undefined, z.ZodMiniType | undefined>;

/** Every route, in table order. */
export const routeList: readonly AnyRoute[] = Object.values(routes);

/** How a route authenticates its caller (`auth`, IAM unless it says otherwise). */
export const routeAuth = (route: Pick<AnyRoute, 'auth'>): RouteAuth => route.auth ?? 'iam';

/**
 * Routes that authenticate themselves (a webhook's signature) instead of the
 * API's authorizer: no authorizer in AWS, no bearer token locally, `security: []`
 * in the OpenAPI document.
 */
export function isPublicRoute(route: Pick<AnyRoute, 'auth'>): boolean {
  return routeAuth(route) === 'github-signature';
}

/** The full path API Gateway serves a route on. */
export const fullPath = (r: Pick<AnyRoute, 'path'>): string => `${BASE_PATH}${r.path}`;
