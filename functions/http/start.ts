import { systemControl } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/start */
export const handler = httpHandler(routes.start, ({ meta }) => systemControl().control('start', meta));
