import { publicationQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/waves/{wave_id} */
export const handler = httpHandler(routes.getWave, ({ params }) => publicationQueries().group('wave', params.wave_id));
