import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { routeList, type AnyRoute, type Permission } from '#shared/routes';

/**
 * How every Lambda function is bundled, in one place. CDK (OrchestratorFunction)
 * and the bench script (`esbuild.build({ ...ESBUILD_OPTIONS, entryPoints, outdir })`)
 * both bundle from these options, so what is measured is what is deployed.
 * No aws-cdk-lib import here: the bench loads this module without CDK.
 */

/** The repository root: entries, package-lock.json and node_modules live here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** ESM bundles still meet CommonJS dependencies that call `require`; this gives them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * Imports the bundles resolve elsewhere: the AWS clients' default credential
 * chain becomes the environment provider Lambda needs (see
 * shared/adapters/aws/lambda-credentials.ts). Paths are relative to
 * PROJECT_ROOT, esbuild's working directory in CDK and in the bench.
 */
export const BUNDLE_ALIASES = {
  '@aws-sdk/credential-provider-node': './shared/adapters/aws/lambda-credentials.ts',
} as const;

/**
 * The esbuild options of every function bundle. The AWS SDK is bundled (no
 * `external`): the bundle pins the SDK version we test with, and a tree-shaken
 * client loads faster than the runtime's full copy.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  alias: BUNDLE_ALIASES,
  outExtension: { '.js': '.mjs' },
  external: [],
  logLevel: 'warning',
} satisfies BuildOptions;

/** Where a function's handler lives (STYLE.md layout). */
export type FunctionKind = 'http' | 'scheduled' | 'queue';

export interface FunctionEntry {
  /** The handler file's base name, also the function's logical name: `start`, `fire-slot`. */
  name: string;
  kind: FunctionKind;
  /** Relative to PROJECT_ROOT: `functions/http/start.ts`. */
  entry: string;
  /** What the function may touch; the stateless stack grants exactly these. */
  permissions: readonly Permission[];
}

const background = (kind: Exclude<FunctionKind, 'http'>, name: string, permissions: readonly Permission[]): FunctionEntry => ({
  name,
  kind,
  entry: `functions/${kind}/${name}.ts`,
  permissions,
});

/** The functions no route reaches: the Scheduler slot target, the reconciliation job, the health sweep, the trigger consumer. */
export const BACKGROUND_FUNCTIONS = {
  /** EventBridge Scheduler target: loads a slot's publications and enqueues them as pipeline triggers. */
  fireSlot: background('scheduled', 'fire-slot', ['table:write', 'queue:send']),
  /** EventBridge rule target, every 5 minutes: reconciles publications and runs, re-creates missing slots. */
  reconcilePublications: background('scheduled', 'reconcile-publications', ['table:write', 'queue:send', 'schedules:write', 'github:token']),
  /** EventBridge rule target, every `healthSweepMinutes` (5): checks each channel's repository and recent runs, stores its health. */
  healthSweep: background('scheduled', 'health-sweep', ['table:write', 'github:token']),
  /**
   * SQS consumer of both pipeline-trigger queues, the dispatcher: a run to GitHub Actions (the token) or to the
   * processing queue; a trigger that must wait for the pacer goes back to its trigger queue with a delay.
   */
  pipelineTriggers: background('queue', 'pipeline-triggers', ['table:write', 'queue:send', 'processing:send', 'github:token']),
} as const satisfies Record<string, FunctionEntry>;

/**
 * Functions deployed only when their CDK context asks for them: the
 * auto-distribution job (context `distributionScheduleMinutes`), the same
 * booking as POST /distribute-videos.
 */
export const OPTIONAL_FUNCTIONS = {
  autoDistributeVideos: background('scheduled', 'auto-distribute-videos', ['table:write', 'schedules:write', 'queue:send']),
} as const satisfies Record<string, FunctionEntry>;

/** A route's function: `functions/http/<route id>.ts`, with the route's permissions. */
export const httpFunctionEntry = (route: Pick<AnyRoute, 'id' | 'permissions'>): FunctionEntry => ({
  name: route.id,
  kind: 'http',
  entry: `functions/http/${route.id}.ts`,
  permissions: route.permissions,
});

/** Every function of the application (or of a given route table): one per route, then the background ones. */
export function functionEntries(routes: readonly Pick<AnyRoute, 'id' | 'permissions'>[] = routeList): FunctionEntry[] {
  return [...routes.map(httpFunctionEntry), ...Object.values(BACKGROUND_FUNCTIONS)];
}

/** The absolute path of a function's handler file. */
export const entryPath = (fn: Pick<FunctionEntry, 'entry'>): string => join(PROJECT_ROOT, fn.entry);

/** Handler files that do not exist (yet): synth names them all at once rather than failing on the first. */
export function missingEntries(entries: readonly FunctionEntry[] = functionEntries()): string[] {
  return entries.filter((fn) => !existsSync(entryPath(fn))).map((fn) => fn.entry);
}
