import { publicationQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/waves?status&limit&cursor */
export const handler = httpHandler(routes.listWaves, ({ query }) => publicationQueries().listGroups('wave', query));
