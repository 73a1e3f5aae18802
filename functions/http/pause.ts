import { systemControl } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/pause */
export const handler = httpHandler(routes.pause, ({ meta }) => systemControl().control('pause', meta));
