import { systemStatus } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/status */
export const handler = httpHandler(routes.status, () => systemStatus().report());
