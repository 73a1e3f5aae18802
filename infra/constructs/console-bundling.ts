import { execFileSync } from 'node:child_process';
import { DockerImage, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import { PROJECT_ROOT } from './bundling';

/**
 * Builds the console's static files on this machine with console/build.ts's
 * own command line (`buildConsole({ minify: true })`, written to the output
 * directory), in a child process since CDK's bundling is synchronous and the
 * build is not. No Docker. A failed build throws, so a deploy never uploads
 * a half-built console.
 */
export class ConsoleLocalBundling implements ILocalBundling {
  tryBundle(outputDir: string): boolean {
    execFileSync(process.execPath, ['--import', 'tsx', 'console/build.ts', '--outdir', outputDir], {
      cwd: PROJECT_ROOT,
      // The build lists every file it writes on stdout: keep the synth's output to errors.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return true;
  }
}

/**
 * The asset's bundling options: local only. CDK asks for an image anyway;
 * it is never pulled, since the local bundling always succeeds or throws.
 */
export const CONSOLE_BUNDLING: BundlingOptions = {
  image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
  local: new ConsoleLocalBundling(),
};
