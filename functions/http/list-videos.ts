import { videoCatalog } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/videos?limit&cursor&status */
export const handler = httpHandler(routes.listVideos, ({ query }) => videoCatalog().list(query));
