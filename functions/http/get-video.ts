import { videoCatalog } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/videos/{video_id} */
export const handler = httpHandler(routes.getVideo, ({ params }) => videoCatalog().get(params.video_id));
