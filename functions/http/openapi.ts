import { httpHandler } from '#shared/http/http-handler';
import { openApiDocument } from '#shared/http/openapi';
import { routes } from '#shared/routes';

/** GET /api/orchestration/openapi.json */
export const handler = httpHandler(routes.openapi, async () => openApiDocument());
