/**
 * Builds the console into memory with esbuild: index.html, assets/app.js and
 * assets/app.css. The local server serves them (infra/local), the console
 * stack uploads them; /config.json is theirs to supply.
 *
 *   tsx console/build.ts --outdir <dir>      writes the files
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface ConsoleFile {
  /** Relative, without a leading slash: `index.html`, `assets/app.js`, `assets/app.css`. */
  path: string;
  contentType: string;
  body: Buffer;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const ENTRY = path.join(here, 'src', 'main.tsx');
const OUT = path.join(here, '.out');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page: the assets by relative path, so the console works under any path prefix. */
function indexHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Channel Orchestrator</title>
<link rel="stylesheet" href="assets/app.css">
<script type="module" src="assets/app.js"></script>
</head>
<body>
<div id="app"><main><h1>Channel Orchestrator</h1><p>Loading the console…</p><noscript><p>The console needs JavaScript.</p></noscript></main></div>
</body>
</html>
`;
}

/**
 * Bundles the console. The API's base is read at run time from /config.json,
 * so one build serves every deployment.
 */
export async function buildConsole(options: { minify?: boolean } = {}): Promise<{ files: ConsoleFile[] }> {
  const result = await build({
    entryPoints: { app: ENTRY },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: false,
    write: false,
    outdir: OUT,
    entryNames: '[name]',
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const files: ConsoleFile[] = [{ path: 'index.html', contentType: CONTENT_TYPES['.html']!, body: Buffer.from(indexHtml()) }];
  for (const output of result.outputFiles) {
    const name = path.relative(OUT, output.path).split(path.sep).join('/');
    files.push({ path: `assets/${name}`, contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream', body: Buffer.from(output.contents) });
  }
  return { files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at >= 0 ? process.argv[at + 1] : undefined;
  if (!outdir) {
    process.stderr.write('usage: tsx console/build.ts --outdir <dir>\n');
    process.exit(2);
  }
  const { files } = await buildConsole({ minify: !process.argv.includes('--no-minify') });
  for (const file of files) {
    const target = path.join(outdir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.body);
    process.stdout.write(`${file.path} ${file.body.length} bytes\n`);
  }
}
