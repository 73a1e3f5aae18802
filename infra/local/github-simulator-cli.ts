/**
 * `npm run github:sim`: the GitHub simulator on 127.0.0.1 for `npm start` to
 * dispatch to (GITHUB_API_URL=<its URL>). Settings, from the environment
 * (read here rather than through shared/config.ts so the simulator stays
 * free of the project's code):
 *   PORT                       3100
 *   GITHUB_SIM_WEBHOOK_SECRET  signs the workflow_run webhooks (falls back to GITHUB_WEBHOOK_SECRET); none: no webhooks
 *   GITHUB_SIM_WEBHOOK_URL     where they go (default http://127.0.0.1:3000/api/orchestration/webhooks/github)
 *   GITHUB_SIM_RUN_SECONDS     how long a run takes (default 5; 0: runs stay queued)
 *   GITHUB_SIM_CONCLUSION      how runs end (default success)
 *   GITHUB_SIM_TOKEN           accept only this token (default: any)
 */
import { startGitHubSimulator } from './github-simulator';

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`${name} must be a number of seconds, not "${raw}"\n`);
    process.exit(1);
  }
  return value;
}

const port = seconds('PORT', 3100);
const runSeconds = seconds('GITHUB_SIM_RUN_SECONDS', 5);
const secret = process.env.GITHUB_SIM_WEBHOOK_SECRET || process.env.GITHUB_WEBHOOK_SECRET;
const webhookUrl = process.env.GITHUB_SIM_WEBHOOK_URL || 'http://127.0.0.1:3000/api/orchestration/webhooks/github';
const completeAfterMs = Math.round(runSeconds * 1000);

const simulator = await startGitHubSimulator({
  port,
  token: process.env.GITHUB_SIM_TOKEN || undefined,
  // A run starts a moment after its dispatch and completes after the configured time.
  startAfterMs: Math.min(1000, Math.round(completeAfterMs / 2)),
  completeAfterMs,
  conclusion: process.env.GITHUB_SIM_CONCLUSION || 'success',
  webhook: secret ? { url: webhookUrl, secret } : undefined,
  log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
}).catch((error: unknown) => {
  process.stderr.write(`GitHub simulator could not start: ${(error as Error).message}\n`);
  process.exit(1);
});

process.stdout.write(`GitHub simulator listening on ${simulator.url}\n`);
process.stdout.write(
  `  runs complete after ${runSeconds} s (${process.env.GITHUB_SIM_CONCLUSION || 'success'}); webhooks: ${
    secret ? webhookUrl : 'none (set GITHUB_SIM_WEBHOOK_SECRET)'
  }. Point npm start at it: GITHUB_API_URL=${simulator.url}. Ctrl-C to stop.\n`,
);

const shutdown = () => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
