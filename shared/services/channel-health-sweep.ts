import { evaluateHealth, HEALTH_WINDOW_RUNS, type ChannelHealth, type HealthRun, type RepositoryFinding } from '#shared/domain/channel-health';
import type { Channel } from '#shared/domain/channel';
import type { PipelineRun } from '#shared/domain/pipeline-run';
import { isoOf } from '#shared/domain/publication-group';
import { mapConcurrent } from '#shared/concurrency';
import type { ChannelHealthRepository, HealthSweepRecord } from '#shared/ports/channel-health-repository';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import { GitHubCallError, type GitHubHealthCheck } from '#shared/ports/github';
import type { PipelineRunRepository } from '#shared/ports/pipeline-run-repository';

/** A check of one repository takes at most this many GitHub calls (the repository, then its workflow). */
export const GITHUB_CALLS_PER_CHECK = 2;
/** Channels evaluated at once: each reads its runs and may check GitHub, so this also bounds GitHub calls in flight. */
export const HEALTH_SWEEP_CONCURRENCY = 8;

export interface ChannelHealthSweepDeps {
  channels: ChannelRepository;
  runs: PipelineRunRepository;
  health: ChannelHealthRepository;
  github: GitHubHealthCheck;
  clock: Clock;
  /** GitHub calls one sweep (or one live refresh) may make (HEALTH_SWEEP_GITHUB_CALLS); the other repositories keep their last check. */
  githubCallsPerSweep: number;
  concurrency?: number | undefined;
  /** Where a channel whose evaluation failed is reported (the sweep goes on). */
  onChannelFailure?: ((channelId: string, error: unknown) => void) | undefined;
}

export interface EvaluationOutcome {
  /** The health stored for each channel evaluated. */
  healths: Map<string, ChannelHealth>;
  github_checked: number;
  github_calls: number;
  deferred: number;
  failed: number;
}

/** The channel's repository as a health check names it: a new target means the last check no longer applies. */
const targetOf = (github: NonNullable<Channel['github']>) => `${github.owner}/${github.repo}#${github.workflow}`.toLowerCase();

/**
 * The channel health sweep (SPEC "Monitoring"; docs/operations.md "Channel
 * health"), run by an EventBridge rule and, for chosen channels, by GET
 * /monitor-channels?refresh=true:
 * 1. reads every channel (the list index, no Scan) and their last health (BatchGetItem);
 * 2. picks the repositories to check on GitHub this time: oldest check first
 *    (never checked, or checked for another repository, before all), as many
 *    as `githubCallsPerSweep` allows; the others keep their last check;
 * 3. for each channel, `concurrency` at a time: reads its newest runs, checks
 *    its repository if picked, applies the health rule and stores the result.
 *    A channel whose evaluation fails keeps its last health and is counted in
 *    `failed`; the others go on. A rate limit stops further checks;
 * 4. records what it did (`lastSweep`).
 */
export class ChannelHealthSweep {
  constructor(private readonly deps: ChannelHealthSweepDeps) {}

  /** Sweeps every channel. `shouldStop` is asked before each channel (the function's time running out): channels not reached keep their health. */
  async sweep(options: { shouldStop?: () => boolean; intervalSeconds?: number | undefined } = {}): Promise<HealthSweepRecord> {
    const startedAt = isoOf(this.deps.clock.now().getTime());
    const channels = await this.deps.channels.listAll();
    const outcome = await this.evaluate(channels, options);
    const record: HealthSweepRecord = {
      started_at: startedAt,
      finished_at: isoOf(this.deps.clock.now().getTime()),
      checked: outcome.healths.size,
      github_checked: outcome.github_checked,
      deferred: outcome.deferred,
      failed: outcome.failed,
      github_calls: outcome.github_calls,
      interval_seconds: options.intervalSeconds ?? null,
    };
    await this.deps.health.recordSweep(record);
    return record;
  }

  /** Evaluates these channels now and stores their health (the sweep's step 2-3; a live refresh). */
  async evaluate(channels: readonly Channel[], options: { shouldStop?: () => boolean } = {}): Promise<EvaluationOutcome> {
    const previous = await this.deps.health.getMany(channels.map((c) => c.channel_id));
    const toCheck = this.pickRepositoriesToCheck(channels, previous);
    const healths = new Map<string, ChannelHealth>();
    let githubChecked = 0;
    let githubCalls = 0;
    let failed = 0;
    let rateLimited = false;

    // Each task catches its own failure: mapConcurrent stops at the first thrown one, and one channel never stops the sweep.
    await mapConcurrent(channels, this.deps.concurrency ?? HEALTH_SWEEP_CONCURRENCY, async (channel) => {
      if (options.shouldStop?.()) return;
      try {
        const last = previous.get(channel.channel_id) ?? null;
        const [runs, check] = await Promise.all([
          this.recentRuns(channel.channel_id),
          (async () => {
            if (!channel.github) return null;
            if (toCheck.has(channel.channel_id) && !rateLimited) {
              try {
                const finding = await this.deps.github.checkWorkflow(channel.github);
                githubChecked += 1;
                githubCalls += finding.workflow === 'unchecked' ? 1 : GITHUB_CALLS_PER_CHECK;
                return { finding, checkedAt: isoOf(this.deps.clock.now().getTime()) };
              } catch (error) {
                if (!(error instanceof GitHubCallError) || error.kind !== 'rate_limited') throw error;
                // GitHub asks to wait: no more checks this time, this one keeps its last.
                rateLimited = true;
                githubCalls += 1;
              }
            }
            return lastCheck(last, channel.github);
          })(),
        ]);
        const health = {
          ...evaluateHealth({ channelId: channel.channel_id, now: this.deps.clock.now(), runs, repository: check }),
          ...(channel.github ? { checked_target: targetOf(channel.github) } : {}),
        };
        await this.deps.health.put(health);
        healths.set(channel.channel_id, health);
      } catch (error) {
        failed += 1;
        this.deps.onChannelFailure?.(channel.channel_id, error);
      }
    });

    const withRepository = channels.filter((c) => c.github).length;
    return { healths, github_checked: githubChecked, github_calls: githubCalls, deferred: withRepository - githubChecked, failed };
  }

  /** The channels whose repository is checked this time: within the call budget, the oldest (or never) checked first. */
  private pickRepositoriesToCheck(channels: readonly Channel[], previous: Map<string, ChannelHealth>): Set<string> {
    const budget = Math.floor(this.deps.githubCallsPerSweep / GITHUB_CALLS_PER_CHECK);
    const lastCheckedAt = (channel: Channel): string => {
      const last = previous.get(channel.channel_id);
      if (!last || !channel.github || last.checked_target !== targetOf(channel.github)) return '';
      return last.repository_checked_at ?? '';
    };
    const candidates = channels
      .filter((c) => c.github)
      .map((c) => ({ id: c.channel_id, at: lastCheckedAt(c) }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
    return new Set(candidates.slice(0, budget).map((c) => c.id));
  }

  private async recentRuns(channelId: string): Promise<HealthRun[]> {
    const page = await this.deps.runs.list({ channelId, limit: HEALTH_WINDOW_RUNS });
    return page.items.map(toHealthRun);
  }
}

function toHealthRun(run: PipelineRun): HealthRun {
  const error = run.last_error;
  return { run_id: run.run_id, status: run.status, at: run.completed_at ?? run.updated_at, error: error ? { code: error.code, message: error.message } : null };
}

/** The last check kept on the health item, when it was of this repository. */
function lastCheck(last: ChannelHealth | null, github: NonNullable<Channel['github']>): { finding: RepositoryFinding | null; checkedAt: string | null } {
  if (!last || !last.repository_checked_at || last.checked_target !== targetOf(github) || last.repository === 'none') {
    return { finding: null, checkedAt: null };
  }
  const checkError = last.errors.find((e) => e.source === 'check');
  return {
    finding: {
      repository: last.repository === 'unchecked' ? 'unchecked' : last.repository,
      credentials: last.credentials === 'none' ? 'unchecked' : last.credentials,
      workflow: last.workflow === 'none' ? 'unchecked' : last.workflow,
      token_missing: last.reason_code === 'github_token_missing',
      detail: checkError?.message ?? null,
    },
    checkedAt: last.repository_checked_at,
  };
}
