/**
 * Calling the API from TypeScript with openapi-fetch and the generated types:
 * every path, body, parameter and answer below is checked by the compiler
 * against the API's OpenAPI document. Run it against `npm start`:
 *
 *   npx tsx clients/typescript/example.ts http://127.0.0.1:3000
 *
 * In AWS, pass the API's URL and sign the requests (IAM) or add
 * `headers: { Authorization: 'Bearer <JWT>' }` (JWT authorizer) to createClient.
 */
import createClient from 'openapi-fetch';
import { fileURLToPath } from 'node:url';
import type { components, paths } from './api';

type Wave = components['schemas']['WaveResult'];
/** 201 and 200 answer the wave as booked or planned; 202 (a retry) where its first attempt stands. */
const isWave = (answer: Wave | components['schemas']['WaveAccepted']): answer is Wave => 'dry_run' in answer;
type ApiError = components['schemas']['Error'] | components['schemas']['GatewayError'];

/** Our errors are {error: {code, message}}; API Gateway's own refusals (401, 403) are {message}. */
const describe = (e: ApiError | undefined): string => (!e ? 'no answer' : 'error' in e ? `${e.error.code}: ${e.error.message}` : e.message);

/** Registers a channel and a video, starts the system, plans a wave (dry run), books it and reads it back. */
export async function tour(baseUrl: string, token?: string): Promise<{ planned: Wave; booked: Wave }> {
  const api = createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });

  const channel = await api.PUT('/api/orchestration/channels/{channel_id}', {
    params: { path: { channel_id: 'cooking-fr' } },
    // Fields with a default (status, priority, filters, config...) may be left out.
    body: { name: 'Cooking FR', publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 30 } },
  });
  if (channel.error) throw new Error(`PUT channel: ${describe(channel.error)}`);

  const video = await api.POST('/api/orchestration/videos', {
    params: { header: { 'Idempotency-Key': 'example-video-crepes' } },
    body: { video_id: 'crepes', title: 'Crepes in 5 minutes', tags: ['dessert'], language: 'fr' },
  });
  // A second run finds the video there: 409 video_exists is an answer the document declares, not a failure.
  if (video.error && !('error' in video.error && video.error.error.code === 'video_exists')) throw new Error(`POST video: ${describe(video.error)}`);

  const started = await api.POST('/api/orchestration/start');
  if (started.error) throw new Error(`start: ${describe(started.error)}`);

  const body = {
    video_ids: ['crepes'],
    channel_ids: ['cooking-fr'],
    wave_config: { timing: 'simultaneous' as const, scheduled_at: new Date(Date.now() + 3_600_000).toISOString() },
  };
  const plan = await api.POST('/api/orchestration/schedule-wave', { body: { ...body, dry_run: true } });
  if (!plan.data || !isWave(plan.data)) throw new Error(`dry run: ${describe(plan.error)}`);

  // With an Idempotency-Key, a retry after a lost answer (a timeout) gets 202 and the first attempt's wave, never a second one.
  const booked = await api.POST('/api/orchestration/schedule-wave', { body, params: { header: { 'Idempotency-Key': `tour-${Date.now()}` } } });
  if (!booked.data) throw new Error(`schedule-wave: ${describe(booked.error)}`);
  if (!isWave(booked.data)) throw new Error(`schedule-wave: an earlier attempt's wave ${booked.data.wave_id} is ${booked.data.status}`);

  const wave = await api.GET('/api/orchestration/waves/{wave_id}', { params: { path: { wave_id: booked.data.wave_id! } } });
  if (!wave.data) throw new Error(`GET wave: ${describe(wave.error)}`);
  console.log(`wave ${wave.data.wave_id}: ${wave.data.total_publications} publication(s) in ${wave.data.slots.length} slot(s)`);
  return { planned: plan.data, booked: booked.data };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await tour(process.argv[2] ?? 'http://127.0.0.1:3000', process.env.ORCHESTRATOR_API_TOKEN);
}
