/**
 * `npm start`: the Channel Orchestrator on 127.0.0.1 with an embedded
 * DynamoDB and in-process stand-ins for Scheduler and SQS (SPEC "Who uses
 * it"). Settings: PORT (3000; 0 picks a free one), DATA_DIR (persist; in
 * memory when unset), ORCHESTRATOR_API_TOKEN (require a bearer token),
 * GITHUB_*. Ctrl-C stops it cleanly.
 */
import { localSettings, type LocalSettings } from '#shared/config';
import type { LocalOrchestrator } from './local-orchestrator';

let settings: LocalSettings;
try {
  settings = localSettings();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

// Set before the logger and the AWS SDK load (below), so both read them.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startLocalOrchestrator } = await import('./local-orchestrator');

let orchestrator: LocalOrchestrator;
try {
  orchestrator = await startLocalOrchestrator(settings);
} catch (error) {
  process.stderr.write(`Channel Orchestrator could not start: ${(error as Error).message}\n`);
  process.exit(1);
}

process.stdout.write(`Channel Orchestrator API listening on ${orchestrator.url}\n`);
process.stdout.write(`Console on ${orchestrator.consoleUrl}\n`);
process.stdout.write(
  `  data: ${orchestrator.dataDir ?? 'in memory (set DATA_DIR to keep it)'}; auth: ${
    settings.ORCHESTRATOR_API_TOKEN ? 'bearer token' : 'none (set ORCHESTRATOR_API_TOKEN to require one)'
  }; GitHub: ${settings.GITHUB_TOKEN ? settings.GITHUB_API_URL : 'no token'}. Ctrl-C to stop.\n`,
);
if (orchestrator.repairedItems > 0) {
  process.stdout.write(`  repaired the index entries of ${orchestrator.repairedItems} item(s) that a crash of the last run left half-written\n`);
}

let stopping = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (stopping) {
    process.stderr.write(`${signal} again: exiting without waiting\n`);
    process.exit(130);
  }
  stopping = true;
  orchestrator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`unclean shutdown: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
