import { pipelineRunQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/pipeline-runs/{run_id} */
export const handler = httpHandler(routes.getPipelineRun, ({ params }) => pipelineRunQueries().get(params.run_id));
