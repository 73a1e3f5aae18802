import { configSync } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/sync-configs */
export const handler = httpHandler(routes.syncConfigs, async ({ body, meta }) => configSync().sync(body, meta));
