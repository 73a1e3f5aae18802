import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/**
 * The AWS clients' credential chain inside the Lambda bundles.
 *
 * Every client's runtime configuration imports `defaultProvider` from
 * `@aws-sdk/credential-provider-node`: the whole chain (environment, shared
 * ini files, SSO, web identity, process, container and instance metadata),
 * which brings the STS, SSO and sign-in clients with it, about 115 KB of each
 * bundle. A Lambda function only ever takes the first link: the runtime puts
 * the execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN. So the bundles alias that package to this module
 * (ESBUILD_OPTIONS.alias in infra/constructs/bundling.ts), which reads exactly
 * those variables. Unbundled code (`npm start`, the tests) keeps the full chain.
 */
export const defaultProvider = (init: FromEnvInit = {}): ReturnType<typeof fromEnv> => fromEnv(init);
