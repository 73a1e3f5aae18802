import { channelRegistry } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/channels/{channel_id} */
export const handler = httpHandler(routes.getChannel, ({ params }) => channelRegistry().get(params.channel_id));
