import { publicationCancellation } from '#shared/composition-root';
import { httpHandler } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/** POST /api/orchestration/waves/{wave_id}/cancel */
export const handler = httpHandler(routes.cancelWave, ({ params, body, meta }) =>
  publicationCancellation().cancelGroup('wave', params.wave_id, body.reason, meta),
);
