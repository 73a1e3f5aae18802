import { pipelineRuns } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/trigger-pipeline */
export const handler = httpHandler(routes.triggerPipeline, async ({ body, meta }) => {
  const run = await pipelineRuns().trigger(body, meta);
  return { run_id: run.run_id, channel_id: run.channel_id, video_id: run.video_id, route: run.route, status: run.status };
});
