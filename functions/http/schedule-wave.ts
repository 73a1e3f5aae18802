import { scheduleWave } from '#shared/composition-root';
import { httpHandler, reply } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/schedule-wave: 201 booked, 200 for a dry run, 202 for a retry whose first attempt's answer was lost. */
export const handler = httpHandler(routes.scheduleWave, async ({ body, meta }) => {
  const answer = await scheduleWave().run(body, meta);
  if ('earlier' in answer) return reply(202, answer.earlier);
  return answer.booked.dry_run ? reply(200, answer.booked) : answer.booked;
});
