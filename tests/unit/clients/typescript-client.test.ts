import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TYPES_FILE, generatedTypes } from '../../../clients/typescript/generate';
import { BASE_PATH, routeList } from '#shared/routes';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const EXAMPLE = path.join(ROOT, 'clients/typescript/example.ts');

/** Every JSON body the README sends with curl: `-X METHOD $API/path ... -d '<json>'`, or `-d "$NAME"` of a `NAME='<json>'` line. */
function readmeBodies(readme: string): Array<{ method: string; path: string; body: string }> {
  const variables = new Map([...readme.matchAll(/^(\w+)='(\{[\s\S]*?\})'$/gm)].map((m) => [m[1]!, m[2]!]));
  const found: Array<{ method: string; path: string; body: string }> = [];
  for (const m of readme.matchAll(/curl [^\n]*?-X (POST|PUT) \$API(\/[\w./{}-]+)[^\n]*?-d (?:'(\{[\s\S]*?\})'(?=\s*$)|"\$(\w+)")/gm)) {
    const body = m[3] ?? variables.get(m[4] ?? '');
    // Shell splices such as "'$IN_2H'" stand for an instant.
    if (body) found.push({ method: m[1]!, path: m[2]!, body: body.replace(/"'\$\w+'"/g, '"2026-12-24T18:00:00Z"') });
  }
  return found;
}

/** The document's template for a concrete path (`/channels/cooking-fr` is `/channels/{channel_id}`). */
function templateOf(concrete: string, method: string): string {
  const route = routeList.find((r) => r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(concrete));
  if (!route) throw new Error(`the README sends ${method} ${concrete}, which no route takes`);
  return `${BASE_PATH}${route.path}`;
}

describe('Client: clients/typescript (npm run client)', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('holds the types of the document as it is now: api.d.ts is what npm run client writes', async () => {
    expect(await readFile(TYPES_FILE, 'utf8')).toBe(await generatedTypes());
  });

  it("type-checks the example and the README's own request bodies against the generated types", async () => {
    // Prepare
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const bodies = readmeBodies(readme);
    expect(bodies.length).toBeGreaterThanOrEqual(6);
    const dir = await mkdtemp(path.join(tmpdir(), 'client-types-'));
    dirs.push(dir);
    const checks = bodies.map(
      ({ method, path: concrete, body }, i) =>
        `export const body${i} = ${body} satisfies NonNullable<paths['${templateOf(concrete, method)}']['${method.toLowerCase()}']['requestBody']>['content']['application/json'];`,
    );
    const file = path.join(dir, 'readme-bodies.ts');
    await writeFile(file, `import type { paths } from '${TYPES_FILE.replace(/\.d\.ts$/, '')}';\n${checks.join('\n')}\n`);

    // Act
    const result = await promisify(execFile)(
      process.execPath,
      [TSC, '--noEmit', '--strict', '--target', 'ES2023', '--module', 'preserve', '--moduleResolution', 'bundler', '--skipLibCheck', '--types', 'node', file, EXAMPLE],
      { cwd: ROOT },
    ).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );

    // Assess
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses a body the document refuses: the check is not vacuous', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'client-types-'));
    dirs.push(dir);
    const file = path.join(dir, 'wrong.ts');
    await writeFile(
      file,
      `import type { paths } from '${TYPES_FILE.replace(/\.d\.ts$/, '')}';\nexport const wrong = { video_ids: ['v'], channel_ids: ['c'], wave_config: { timing: 'sometimes' } } satisfies paths['${BASE_PATH}/schedule-wave']['post']['requestBody']['content']['application/json'];\n`,
    );
    const result = await promisify(execFile)(process.execPath, [TSC, '--noEmit', '--strict', '--skipLibCheck', '--types', 'node', file], { cwd: ROOT }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(result).not.toBe(0);
  });
});
