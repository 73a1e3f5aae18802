import type { ConsoleConfig } from '../../console/src/config';
import { BASE_PATH } from '#shared/routes';

export interface ConsoleAsset {
  contentType: string;
  body: Buffer;
  /** no-store for the page and its config (they decide which assets load); no-cache for the assets. */
  cacheControl: string;
}

/** The web console beside the API: its files built in memory, and /config.json. */
export interface ConsoleAssets {
  /** The file for a request path, or undefined when the console has none (the server answers 404). */
  get(requestPath: string): Promise<ConsoleAsset | undefined>;
}

/** The console's /config.json for the local server: same origin, and the bearer token when the API wants one. */
export function localConsoleConfig(options: { apiToken?: string | undefined }): ConsoleConfig {
  return { apiBase: BASE_PATH, auth: options.apiToken ? { kind: 'token' } : { kind: 'none' } };
}

/**
 * Builds the console with esbuild on the first request for it (not at start:
 * the API's tests start servers that never serve a page), then serves it
 * from memory. A failed build is answered as an error and retried on the
 * next request.
 */
export function createConsoleAssets(config: ConsoleConfig): ConsoleAssets {
  let built: Promise<Map<string, ConsoleAsset>> | undefined;
  const configBody = Buffer.from(JSON.stringify(config));
  const files = () => {
    built ??= import('../../console/build')
      .then(({ buildConsole }) => buildConsole())
      .then(
        ({ files: list }) =>
          new Map(list.map((f) => [`/${f.path}`, { contentType: f.contentType, body: f.body, cacheControl: f.path === 'index.html' ? 'no-store' : 'no-cache' }])),
      )
      .catch((error: unknown) => {
        built = undefined;
        throw error;
      });
    return built;
  };
  return {
    async get(requestPath) {
      if (requestPath === '/config.json') return { contentType: 'application/json', body: configBody, cacheControl: 'no-store' };
      if (requestPath !== '/' && requestPath !== '/index.html' && !requestPath.startsWith('/assets/')) return undefined;
      const map = await files();
      return map.get(requestPath === '/' ? '/index.html' : requestPath);
    },
  };
}
