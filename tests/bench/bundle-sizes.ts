import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS, PROJECT_ROOT, functionEntries } from '#infra/constructs/bundling';

export interface BundleMeasure {
  name: string;
  bytes: number;
  coldImportMs: number;
}

/** The settings a function reads at cold start; importing never calls AWS, so any syntactically valid values do. */
const FUNCTION_ENV = {
  TABLE_NAME: 'bench-table',
  AWS_REGION: 'us-east-1',
  TRIGGER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers',
  TRIGGER_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/triggers-dlq',
  SCHEDULE_GROUP_NAME: 'bench',
  SLOT_TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:fire-slot',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  SLOT_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:slot-dlq',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Bundles every function with the deployed esbuild options, then imports each
 * bundle in a fresh Node process `runs` times and keeps the median import time.
 */
export async function measureBundles(runs = 3): Promise<BundleMeasure[]> {
  const outRoot = join(PROJECT_ROOT, '.bench', 'bundles');
  rmSync(outRoot, { recursive: true, force: true });
  const measures: BundleMeasure[] = [];
  for (const fn of functionEntries()) {
    const outdir = join(outRoot, fn.name);
    mkdirSync(outdir, { recursive: true });
    await build({ ...ESBUILD_OPTIONS, absWorkingDir: PROJECT_ROOT, entryPoints: { index: join(PROJECT_ROOT, fn.entry) }, outdir });
    const file = join(outdir, 'index.mjs');
    const times = Array.from({ length: runs }, () => coldImport(file)).sort((a, b) => a - b);
    measures.push({ name: fn.name, bytes: statSync(file).size, coldImportMs: times[Math.floor(times.length / 2)] ?? Number.NaN });
  }
  return measures;
}

function coldImport(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout.trim().split('\n').pop());
}
