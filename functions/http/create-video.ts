import { videoCatalog } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/videos */
export const handler = httpHandler(routes.createVideo, ({ body: { video_id, ...definition } }) =>
  videoCatalog().create(video_id, definition),
);
