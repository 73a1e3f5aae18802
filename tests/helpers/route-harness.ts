import type { Overridable } from '#shared/composition-root';
import { routes, type RouteId } from '#shared/routes';
import { apiEvent, invoke, lambdaContext, type EventInput, type HttpAnswer } from './api-gateway-event';
import type { EmbeddedTable } from './embedded-table';
import { RecordingProcessingQueue } from './recording-adapters';

type Handler = Parameters<typeof invoke>[0];

/**
 * Points the composition root at an embedded table (with the given adapter
 * overrides) and answers calls to any route by id, importing its handler on
 * first use, exactly as the route table names it (functions/http/<id>.ts).
 */
export async function bootRoutes(table: Pick<EmbeddedTable, 'tableName' | 'endpoint'>, overrides: Partial<Overridable> = {}) {
  const { useLocalTable } = await import('#shared/config');
  useLocalTable(table.tableName, table.endpoint);
  const root = await import('#shared/composition-root');
  root.resetComposition();
  // Runs of channels without a repository go to a recording processing queue unless a test brings its own.
  root.overrideAdapters({ processingQueue: new RecordingProcessingQueue(), ...overrides });
  const handlers = new Map<RouteId, Handler>();
  return {
    root,
    /** Calls the route's handler; `remainingTimeMs`: the time its Lambda context says is left (30 s by default). */
    async call<T = any>(id: RouteId, input: EventInput = {}, options: { remainingTimeMs?: number } = {}): Promise<HttpAnswer<T>> {
      let handler = handlers.get(id);
      if (!handler) {
        handler = ((await import(`../../functions/http/${routes[id].id}.ts`)) as { handler: Handler }).handler;
        handlers.set(id, handler);
      }
      return invoke<T>(handler, apiEvent(routes[id], input), lambdaContext(routes[id].id, options.remainingTimeMs));
    },
  };
}

export type RouteCaller = Awaited<ReturnType<typeof bootRoutes>>;
