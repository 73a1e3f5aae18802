import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/http/openapi';
import { routes } from '#shared/routes';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';

const REDOCLY = fileURLToPath(new URL('../../../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
}

/** Redocly's recommended ruleset over the document GET /openapi.json serves: what a client generator or a portal reads. */
describe('Document: GET /openapi.json under redocly lint (recommended ruleset)', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('has 0 errors and 0 warnings', async () => {
    // Prepare
    const served = await invoke(handler, apiEvent(routes.openapi));
    const dir = await mkdtemp(path.join(tmpdir(), 'openapi-lint-'));
    dirs.push(dir);
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, served.raw);

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--format=json'], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as LintReport;

    // Assess
    const found = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
