import { coordinatePublication } from '#shared/composition-root';
import { httpHandler, reply } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/coordinate-publication: 201 booked, 200 for a dry run. */
export const handler = httpHandler(routes.coordinatePublication, async ({ body, meta }) => {
  const result = await coordinatePublication().run(body, meta);
  return result.dry_run ? reply(200, result) : result;
});
