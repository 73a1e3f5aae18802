import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { buildConsole } from '../../console/build';

/**
 * `node --import tsx infra/console/write-console-files.ts <outdir>`: builds
 * the console (minified) and writes its files under <outdir>. CDK's local
 * bundling of the console asset runs it in a child process, since bundling
 * is synchronous and the build is not. No Docker involved.
 */
async function main(outdir: string | undefined): Promise<void> {
  if (!outdir) throw new Error('usage: write-console-files.ts <outdir>');
  const root = resolve(outdir);
  const { files } = await buildConsole({ minify: true });
  for (const file of files) {
    const target = resolve(join(root, file.path));
    // A build that names a path outside the output directory is a bug, not a file to write.
    if (!target.startsWith(root + sep)) throw new Error(`console file outside the output directory: ${file.path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.body);
  }
  console.log(`console: ${files.length} files written to ${root}`);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
