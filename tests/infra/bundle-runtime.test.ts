import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelKeys } from '#shared/adapters/dynamodb/keys';
import { routes } from '#shared/routes';
import { BUNDLE_ALIASES, ESBUILD_OPTIONS, PROJECT_ROOT, entryPath, functionEntries } from '#infra/constructs/bundling';
import { apiEvent, lambdaContext } from '#tests/helpers/api-gateway-event';
import { startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { channelBody } from '#tests/helpers/sample-entities';

const run = promisify(execFile);

/**
 * The bundles as Lambda runs them: built with the deployed esbuild options,
 * loaded by a fresh Node process with nothing but the environment Lambda
 * gives (the execution role's credentials in AWS_* variables) and the
 * function's settings. The AWS SDK finds the embedded table through its own
 * AWS_ENDPOINT_URL_DYNAMODB, not our DYNAMODB_ENDPOINT (which would switch to
 * local credentials), so the bundled credential provider is what signs.
 */
describe('Lambda bundles at run time', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let outdir: string;
  let metafile: Metafile;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    outdir = await mkdtemp(join(tmpdir(), 'bundle-runtime-'));
    const fn = functionEntries().find((e) => e.name === 'put-channel')!;
    const result = await build({ ...ESBUILD_OPTIONS, absWorkingDir: PROJECT_ROOT, entryPoints: { index: entryPath(fn) }, outdir, metafile: true });
    metafile = result.metafile;
  });

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
    await dynamo.close();
  });

  /** Runs the bundle's handler on one event in a fresh Node process with exactly `env`; returns its result. */
  async function invokeBundle(event: unknown, env: Record<string, string>): Promise<{ statusCode: number; body: string }> {
    const script = join(outdir, 'invoke.mjs');
    await writeFile(
      script,
      `const { handler } = await import('./index.mjs');
const [event, context] = JSON.parse(process.argv[2]);
const result = await handler(event, { ...context, getRemainingTimeInMillis: () => 30000 });
process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result));`,
    );
    const { stdout } = await run(process.execPath, [script, JSON.stringify([event, lambdaContext('put-channel')])], {
      cwd: outdir,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return JSON.parse(stdout.slice(stdout.indexOf('@@RESULT@@') + '@@RESULT@@'.length)) as { statusCode: number; body: string };
  }

  const lambdaEnvironment = () => ({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEBUNDLE',
    AWS_SECRET_ACCESS_KEY: 'bundle-secret',
    AWS_SESSION_TOKEN: 'bundle-session',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    TABLE_NAME: table.tableName,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });

  it('leaves the default credential chain and its STS/SSO clients out, in favour of the environment provider', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(Object.keys(BUNDLE_ALIASES)).toEqual(['@aws-sdk/credential-provider-node']);
    expect(inputs.filter((f) => /@aws-sdk\/(credential-provider-node|nested-clients|credential-provider-ini|credential-provider-sso)\//.test(f))).toEqual([]);
    expect(inputs.some((f) => f.includes('@aws-sdk/credential-provider-env/'))).toBe(true);
    expect(inputs).toContain('shared/adapters/aws/lambda-credentials.ts');
  });

  it('signs with the credentials Lambda puts in the environment and writes to the table', async () => {
    // Prepare
    const event = apiEvent(routes.putChannel, { params: { channel_id: 'bundled' }, body: channelBody() });
    // Act
    const result = await invokeBundle(event, lambdaEnvironment());
    // Assess
    expect(result.statusCode).toBe(201);
    const stored = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: channelKeys.key('bundled') }));
    expect(stored.Item).toMatchObject({ channel_id: 'bundled' });
  });

  it('fails the request, without writing, when the environment holds no credentials', async () => {
    // Prepare
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, ...withoutCredentials } = lambdaEnvironment();
    const event = apiEvent(routes.putChannel, { params: { channel_id: 'uncredentialed' }, body: channelBody() });
    // Act
    const result = await invokeBundle(event, withoutCredentials);
    // Assess
    expect(result.statusCode).toBe(500);
    const stored = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: channelKeys.key('uncredentialed') }));
    expect(stored.Item).toBeUndefined();
  });
});
