import { execFileSync } from 'node:child_process';
import { DockerImage, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import { PROJECT_ROOT } from '../constructs/bundling';

/**
 * Builds the console's static files on this machine (console/build.ts, via
 * write-console-files.ts in a child process): no Docker. A failed build
 * throws, so a deploy never uploads a half-built console.
 */
export class ConsoleLocalBundling implements ILocalBundling {
  tryBundle(outputDir: string): boolean {
    execFileSync(process.execPath, ['--import', 'tsx', 'infra/console/write-console-files.ts', outputDir], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
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
