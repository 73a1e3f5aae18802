import { channelRegistry } from '#shared/composition-root';
import { httpHandler, reply } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** PUT /api/orchestration/channels/{channel_id}: 201 when created, 200 when replaced. */
export const handler = httpHandler(routes.putChannel, async ({ params, body, meta }) => {
  const { channel, created } = await channelRegistry().put(params.channel_id, body, meta);
  return created ? reply(201, channel) : channel;
});
