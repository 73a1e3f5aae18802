import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { routeList } from '#shared/routes';
import { BACKGROUND_FUNCTIONS, ESBUILD_OPTIONS, ESM_REQUIRE_BANNER, entryPath, functionEntries, missingEntries } from '#infra/constructs/bundling';
import { CDK_BUNDLING } from '#infra/constructs/orchestrator-function';

describe('Function: functionEntries', () => {
  it('lists functions/http/<route id>.ts for every route, then the four background functions', () => {
    // Act
    const entries = functionEntries();
    // Assess
    expect(entries.map((e) => e.entry)).toEqual([
      ...routeList.map((r) => `functions/http/${r.id}.ts`),
      'functions/scheduled/fire-slot.ts',
      'functions/scheduled/reconcile-publications.ts',
      'functions/scheduled/health-sweep.ts',
      'functions/queue/pipeline-triggers.ts',
    ]);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
  });

  it('points at handler files that exist', () => {
    expect(missingEntries()).toEqual([]);
    for (const fn of functionEntries()) expect(existsSync(entryPath(fn))).toBe(true);
  });

  it('gives the background functions the permissions their jobs need', () => {
    expect(BACKGROUND_FUNCTIONS.fireSlot.permissions).toEqual(['table:write', 'queue:send']);
    // The reconciliation also asks GitHub about runs the webhook said nothing of.
    expect(BACKGROUND_FUNCTIONS.reconcilePublications.permissions).toEqual(['table:write', 'queue:send', 'schedules:write', 'github:token']);
    // The health sweep stores each channel's health and reads repositories on GitHub.
    expect(BACKGROUND_FUNCTIONS.healthSweep.permissions).toEqual(['table:write', 'github:token']);
    // The dispatcher: runs to GitHub (the token) or the processing queue; triggers waiting for the pacer back on their trigger queue.
    expect(BACKGROUND_FUNCTIONS.pipelineTriggers.permissions).toEqual(['table:write', 'queue:send', 'processing:send', 'github:token']);
  });
});

describe('Constant: ESBUILD_OPTIONS', () => {
  it('is what CDK bundles with: ESM, node24, minified, no source map, AWS SDK bundled, the credential alias, local esbuild', () => {
    expect(CDK_BUNDLING).toMatchObject({
      format: OutputFormat.ESM,
      target: ESBUILD_OPTIONS.target,
      minify: true,
      sourceMap: false,
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      externalModules: [],
      bundleAwsSDK: true,
      forceDockerBundling: false,
      esbuildArgs: { '--alias': ['@aws-sdk/credential-provider-node=./shared/adapters/aws/lambda-credentials.ts'] },
    });
    expect(ESBUILD_OPTIONS.target).toMatch(/^node24/);
  });

  it('bundles a handler outside CDK into one .mjs file that starts with the require banner', async () => {
    // Prepare
    const fn = functionEntries().find((e) => e.name === 'openapi')!;
    // Act
    const result = await build({ ...ESBUILD_OPTIONS, entryPoints: [entryPath(fn)], outdir: '/bench-out', write: false });
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.outputFiles.map((f) => f.path)).toEqual(['/bench-out/openapi.mjs']);
    expect(result.outputFiles[0]!.text.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
  });
});
