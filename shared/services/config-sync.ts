import { mapConcurrent } from '#shared/concurrency';
import type { RequestMeta } from '#shared/domain/activity';
import type { Channel } from '#shared/domain/channel';
import { CHANNEL_CONFIG_PATH, CONFIG_SYNC_COMMIT_MESSAGE, channelConfigText } from '#shared/domain/channel-config-file';
import { NotFound } from '#shared/domain/errors';
import type { ActivityLog } from '#shared/ports/activity-log';
import type { ChannelRepository } from '#shared/ports/channel-repository';
import type { Clock } from '#shared/ports/clock';
import { GitHubCallError, type GitHubContents } from '#shared/ports/github';
import type { IdGenerator } from '#shared/ports/id-generator';
import { AuditRecorder } from './audit-recorder';

export interface ConfigSyncDeps {
  channels: ChannelRepository;
  github: GitHubContents;
  activity: ActivityLog;
  clock: Clock;
  ids: IdGenerator;
  /** Channels synced at once. Default 8 (the client queues its own writes one at a time anyway). */
  concurrency?: number;
}

export interface ConfigSyncRequest {
  /** The channels to sync; absent, every channel. */
  channel_ids?: string[] | undefined;
}

export type ChannelSyncResult = 'synced' | 'unchanged' | 'skipped' | 'error';

export interface ChannelSyncOutcome {
  channel_id: string;
  result: ChannelSyncResult;
  /** The commit made (synced), else null. */
  commit_sha: string | null;
}

/** POST /sync-configs's answer (docs/api.md "POST /sync-configs"). */
export interface ConfigSyncReport {
  /** Channels whose file was committed. */
  synced: number;
  /** Channels whose file already held these bytes: nothing committed. */
  unchanged: number;
  /** Channels without a repository (SPEC: listed, not errors). */
  skipped: { channel_id: string; reason: 'no_repository' }[];
  errors: { channel_id: string; error: string }[];
  /** Every channel looked at, in id order. */
  channels: ChannelSyncOutcome[];
  path: string;
}

const PAGE_SIZE = 100;

/**
 * POST /sync-configs: each channel's `config` written to its repository as
 * one file (CHANNEL_CONFIG_PATH), committed only when its bytes change.
 *
 * 1. Named channels are all read first: an unknown one is a 404 before
 *    anything is written. Without names, every channel, page by page.
 * 2. For each channel, at most `concurrency` at once: no repository ->
 *    skipped; the file read from its branch; the same bytes -> unchanged;
 *    else committed (with the sha it replaces) -> synced, one activity entry.
 * 3. One channel's failure (GitHub's 401, 404, 409, 5xx...) is that
 *    channel's entry in `errors`; the others go on.
 */
export class ConfigSync {
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: ConfigSyncDeps) {
    this.audit = new AuditRecorder(deps.activity, deps.ids, deps.clock);
  }

  async sync(request: ConfigSyncRequest, meta: RequestMeta): Promise<ConfigSyncReport> {
    const channels = request.channel_ids ? await this.named(request.channel_ids) : await this.everyChannel();
    const outcomes = await mapConcurrent(channels, this.deps.concurrency ?? 8, (channel) => this.syncOne(channel, meta));
    const report: ConfigSyncReport = { synced: 0, unchanged: 0, skipped: [], errors: [], channels: [], path: CHANNEL_CONFIG_PATH };
    for (const { outcome, error } of outcomes.sort((a, b) => a.outcome.channel_id.localeCompare(b.outcome.channel_id))) {
      report.channels.push(outcome);
      if (outcome.result === 'synced') report.synced += 1;
      if (outcome.result === 'unchanged') report.unchanged += 1;
      if (outcome.result === 'skipped') report.skipped.push({ channel_id: outcome.channel_id, reason: 'no_repository' });
      if (error !== null) report.errors.push({ channel_id: outcome.channel_id, error });
    }
    return report;
  }

  private async named(channelIds: readonly string[]): Promise<Channel[]> {
    const unique = [...new Set(channelIds)];
    const found = await this.deps.channels.getMany(unique);
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new NotFound('channel', missing);
    }
    return unique.map((id) => found.get(id) as Channel);
  }

  private async everyChannel(): Promise<Channel[]> {
    const all: Channel[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.channels.list({ limit: PAGE_SIZE, cursor });
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  /** One channel's sync; never throws (its failure is its outcome). */
  private async syncOne(channel: Channel, meta: RequestMeta): Promise<{ outcome: ChannelSyncOutcome; error: string | null }> {
    const channelId = channel.channel_id;
    const github = channel.github;
    if (!github) return { outcome: { channel_id: channelId, result: 'skipped', commit_sha: null }, error: null };
    const where = { owner: github.owner, repo: github.repo, ref: github.ref };
    try {
      const wanted = Buffer.from(channelConfigText(channel.config), 'utf8');
      const current = await this.deps.github.getFile(where, CHANNEL_CONFIG_PATH);
      if (current && current.content.equals(wanted)) {
        return { outcome: { channel_id: channelId, result: 'unchanged', commit_sha: null }, error: null };
      }
      const { commit_sha } = await this.deps.github.putFile(where, CHANNEL_CONFIG_PATH, {
        content: wanted,
        sha: current?.sha ?? null,
        message: CONFIG_SYNC_COMMIT_MESSAGE,
      });
      await this.audit.record(meta, {
        type: 'channel.config_synced',
        target: { type: 'channel', id: channelId },
        channelIds: [channelId],
        details: { path: CHANNEL_CONFIG_PATH, commit_sha, repository: `${github.owner}/${github.repo}`, ref: github.ref, created: current === null },
      });
      return { outcome: { channel_id: channelId, result: 'synced', commit_sha }, error: null };
    } catch (error) {
      return { outcome: { channel_id: channelId, result: 'error', commit_sha: null }, error: describeFailure(error, `${github.owner}/${github.repo}`) };
    }
  }
}

/** What went wrong, for the operator: GitHub's word (the client has scrubbed any token from it), or a plain line for anything else. */
function describeFailure(error: unknown, repository: string): string {
  if (error instanceof GitHubCallError) {
    const hint = {
      unauthorized: 'the token may not write to the repository',
      not_found: 'the repository or branch does not exist, or the token cannot see it',
      unprocessable:
        error.status === 409 ? 'the file changed while it was being written; sync again' : 'GitHub refused the change',
      rate_limited: `GitHub's rate limit${error.retryAfterSeconds ? ` (retry in ${error.retryAfterSeconds} s)` : ''}`,
      unavailable: 'GitHub did not answer',
    }[error.kind];
    return `${repository}: ${hint} (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`;
  }
  // Not GitHub's: the table (the commit may be made; the next sync finds it unchanged). Nothing internal is echoed.
  return `${repository}: the sync failed inside the orchestrator (${error instanceof Error ? error.name : 'error'}); sync again`;
}
