import { dashboard } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/dashboard */
export const handler = httpHandler(routes.dashboard, () => dashboard().report());
