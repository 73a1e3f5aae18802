import { publicationCancellation } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { toPublicationView } from '#shared/services/publication-queries';
import { routes } from '#shared/routes';

/** POST /api/orchestration/publications/{publication_id}/cancel */
export const handler = httpHandler(routes.cancelPublication, async ({ params, body, meta }) =>
  toPublicationView(await publicationCancellation().cancelPublication(params.publication_id, body.reason, meta)),
);
