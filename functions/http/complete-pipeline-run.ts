import { pipelineRunQueries, runTracking } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/pipeline-runs/{run_id}/complete: a processing worker's report. */
export const handler = httpHandler(routes.completePipelineRun, async ({ params, body, meta }) => {
  await runTracking().complete(params.run_id, body, `worker:${meta.actor}`);
  return pipelineRunQueries().get(params.run_id);
});
