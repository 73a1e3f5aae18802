import { publicationQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/coordinations?status&limit&cursor */
export const handler = httpHandler(routes.listCoordinations, ({ query }) => publicationQueries().listGroups('coordination', query));
