import { videoDistribution } from '#shared/composition-root';
import { httpHandler, reply } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/distribute-videos: 200 with what was booked (or planned), 202 for a booking still being written. */
export const handler = httpHandler(routes.distributeVideos, async ({ body, meta }) => {
  const answer = await videoDistribution().distribute(body, meta);
  return 'accepted' in answer ? reply(202, answer.accepted) : answer.report;
});
