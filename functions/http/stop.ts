import { systemControl } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/stop */
export const handler = httpHandler(routes.stop, ({ meta }) => systemControl().control('stop', meta));
