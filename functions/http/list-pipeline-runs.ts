import { pipelineRunQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/pipeline-runs?channel_id&status&limit&cursor */
export const handler = httpHandler(routes.listPipelineRuns, ({ query }) =>
  pipelineRunQueries().list({ limit: query.limit, cursor: query.cursor, channelId: query.channel_id, status: query.status }),
);
