import { publicationQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/publications/{publication_id} */
export const handler = httpHandler(routes.getPublication, ({ params }) => publicationQueries().get(params.publication_id));
