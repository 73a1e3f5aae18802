import { publicationQueries } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** GET /api/orchestration/publications?status&channel_id&group_id&video_id&from&to&limit&cursor */
export const handler = httpHandler(routes.listPublications, ({ query }) =>
  publicationQueries().list({
    limit: query.limit,
    cursor: query.cursor,
    status: query.status,
    channelId: query.channel_id,
    groupId: query.group_id,
    videoId: query.video_id,
    from: query.from,
    to: query.to,
  }),
);
