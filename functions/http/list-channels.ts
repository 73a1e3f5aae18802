import { channelRegistry } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/channels?limit&cursor&status */
export const handler = httpHandler(routes.listChannels, ({ query }) => channelRegistry().list(query));
