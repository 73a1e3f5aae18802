import { publicationQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/coordinations/{coordination_id} */
export const handler = httpHandler(routes.getCoordination, ({ params }) =>
  publicationQueries().group('coordination', params.coordination_id),
);
