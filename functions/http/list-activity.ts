import { auditTrail } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/activity?limit&cursor&type&channel_id */
export const handler = httpHandler(routes.listActivity, ({ query }) =>
  auditTrail().list({ limit: query.limit, cursor: query.cursor, type: query.type, channelId: query.channel_id }),
);
