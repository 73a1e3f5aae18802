import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** The repository root (infra/local/../..). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * A function's `handler`, imported from `file` (relative to the project root)
 * on first use, as a Lambda cold start would. A module that failed to load is
 * tried again on the next call; one that loaded is kept.
 */
export function lazyHandler<E, R>(file: string): LambdaHandler<E, R> {
  let loaded: Promise<LambdaHandler<E, R>> | undefined;
  const load = async (): Promise<LambdaHandler<E, R>> => {
    const absolute = path.join(PROJECT_ROOT, file);
    const module = (await import(pathToFileURL(absolute).href)) as { handler?: unknown };
    if (typeof module.handler !== 'function') throw new Error(`${file} does not export a handler function`);
    return module.handler as LambdaHandler<E, R>;
  };
  return async (event, context) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return (await loaded)(event, context);
  };
}
