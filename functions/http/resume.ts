import { systemControl } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/resume */
export const handler = httpHandler(routes.resume, ({ meta }) => systemControl().control('resume', meta));
