import { channelRemoval } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** DELETE /api/orchestration/channels/{channel_id}[?force=true] */
export const handler = httpHandler(routes.deleteChannel, ({ params, query, meta }) =>
  channelRemoval().delete(params.channel_id, query.force, meta),
);
