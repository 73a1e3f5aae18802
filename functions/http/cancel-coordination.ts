import { publicationCancellation } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/coordinations/{coordination_id}/cancel */
export const handler = httpHandler(routes.cancelCoordination, ({ params, body, meta }) =>
  publicationCancellation().cancelGroup('coordination', params.coordination_id, body.reason, meta),
);
