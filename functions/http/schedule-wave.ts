import { scheduleWave } from '#shared/composition-root';
import { httpHandler, reply } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/schedule-wave: 201 booked, 200 for a dry run. */
export const handler = httpHandler(routes.scheduleWave, async ({ body, meta }) => {
  const result = await scheduleWave().run(body, meta);
  return result.dry_run ? reply(200, result) : result;
});
