import { channelMonitor } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/monitor-channels */
export const handler = httpHandler(routes.monitorChannels, async ({ query }) => channelMonitor().monitor(query));
