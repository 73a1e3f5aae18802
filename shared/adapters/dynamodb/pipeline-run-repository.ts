import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '#shared/domain/pagination';
import { isFinalRun, type PipelineRun, type RunError, type RunStatus } from '#shared/domain/pipeline-run';
import { DEFAULT_PUBLICATION_RETENTION_DAYS, expiryOf } from '#shared/domain/retention';
import type { PipelineRunRepository, RunChange, RunQuery } from '#shared/ports/pipeline-run-repository';
import type { TableContext } from './document-client';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor';
import { runKeys } from './keys';
import { readMerged } from './merged-partitions';
import { INDEXES, TTL_ATTRIBUTE } from './table-definition';

/**
 * Pipeline runs: one item each (`RUN#<run_id>`), listed per channel (gsi1),
 * per status (gsi2, 4 shards, by last change), all (gsi4, 4 shards, newest
 * first), and found by GitHub's run id (gsi3, sparse). Every change is a
 * conditional UpdateItem on the statuses it may leave; a dispatch is guarded
 * by its intent's token (docs/pipelines.md "Never dispatched twice").
 */
export class DynamoPipelineRunRepository implements PipelineRunRepository {
  constructor(
    private readonly table: TableContext,
    private readonly retentionDays: number = DEFAULT_PUBLICATION_RETENTION_DAYS,
  ) {}

  async create(run: PipelineRun): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...runKeys.item(run), ...githubIndex(run), entity: 'pipeline_run', ...run },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(runId: string): Promise<PipelineRun | null> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: runKeys.key(runId), ConsistentRead: true }));
    return Item ? toRun(Item) : null;
  }

  async findByGithubRunId(githubRunId: number): Promise<PipelineRun | null> {
    const { Items } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: INDEXES.byGroup.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': INDEXES.byGroup.partitionKey },
        ExpressionAttributeValues: { ':pk': runKeys.githubPartition(githubRunId) },
        Limit: 1,
      }),
    );
    const found = Items?.[0];
    // The index may lag the item: answer the item itself.
    return found ? this.get(String(found.run_id)) : null;
  }

  async list(query: RunQuery): Promise<Page<PipelineRun>> {
    const scope: CursorScope = { list: 'pipeline-runs', filters: { channel_id: query.channelId, status: query.status } };
    const after = query.cursor ? decodeCursor(query.cursor, scope, ['after'] as const)?.after : undefined;
    const { index, partitions } = query.channelId
      ? { index: INDEXES.byOwner.name, partitions: [runKeys.channelPartition(query.channelId)] }
      : query.status
        ? { index: INDEXES.byStatus.name, partitions: runKeys.statusPartitions(query.status) }
        : { index: INDEXES.byVideo.name, partitions: runKeys.listPartitions() };
    // Newest first: below the cursor's sort key.
    const page = await readMerged(this.table, {
      index,
      partitions,
      sortKey: after ? { expression: '#sk < :after', values: { ':after': after } } : undefined,
      ascending: false,
      // A channel's runs filtered on status read on until the page is full (bounded rounds).
      limit: query.limit,
    });
    let runs = page.entries.map((e) => toRun(e.item));
    if (query.channelId && query.status) runs = runs.filter((r) => r.status === query.status);
    const last = page.entries[page.entries.length - 1];
    return { items: runs, next_cursor: page.more && last ? encodeCursor(scope, { after: last.sortKey }) : null };
  }

  async listStale(status: RunStatus, before: string, limit: number, cursor?: string): Promise<Page<PipelineRun>> {
    const scope: CursorScope = { list: 'stale-runs', filters: { status, before } };
    const after = cursor ? decodeCursor(cursor, scope, ['after'] as const)?.after : undefined;
    const page = await readMerged(this.table, {
      index: INDEXES.byStatus.name,
      partitions: runKeys.statusPartitions(status),
      sortKey: { expression: '#sk BETWEEN :from AND :to', values: { ':from': after ? `${after}\u0000` : '0', ':to': before } },
      ascending: true,
      limit,
    });
    const last = page.entries[page.entries.length - 1];
    // The index lags: keep only runs whose item still has the status.
    const runs = (await Promise.all(page.entries.map((e) => this.get(String(e.item.run_id))))).filter(
      (r): r is PipelineRun => r !== null && r.status === status,
    );
    return { items: runs, next_cursor: page.more && last ? encodeCursor(scope, { after: last.sortKey }) : null };
  }

  async beginDispatch(runId: string, token: string, at: string, replacing?: string): Promise<PipelineRun | null> {
    return this.update(runId, {
      set: { dispatch_token: token, dispatch_started_at: at, updated_at: at },
      add: { attempts: 1 },
      condition: replacing
        ? '#status = :queued AND dispatch_token = :replacing'
        : '#status = :queued AND (attribute_not_exists(dispatch_token) OR attribute_type(dispatch_token, :nullType))',
      values: { ':queued': 'queued', ...(replacing ? { ':replacing': replacing } : { ':nullType': 'NULL' }) },
    });
  }

  async changeStatus(runId: string, change: RunChange): Promise<PipelineRun | null> {
    const current = await this.get(runId);
    if (!current || !change.from.includes(current.status)) return null;
    const set: Record<string, unknown> = {
      status: change.to,
      updated_at: change.at,
      dispatch_token: null,
      dispatch_started_at: null,
      gsi2pk: runKeys.statusPartition(change.to, runKeys.shardOf(runId)),
      gsi2sk: runKeys.changedSortKey(change.at, runId),
    };
    if (change.github !== undefined) {
      set.github = change.github;
      if (change.github?.run_id != null) set.gsi3pk = runKeys.githubPartition(change.github.run_id);
      if (change.github?.run_id != null) set.gsi3sk = 'RUN';
    }
    if (change.error !== undefined) set.last_error = change.error;
    if (change.conclusion !== undefined) set.conclusion = change.conclusion;
    if (change.to === 'dispatched' && !current.dispatched_at) set.dispatched_at = change.at;
    if (isFinalRun(change.to)) {
      set.completed_at = change.at;
      set[TTL_ATTRIBUTE] = expiryOf(change.at, this.retentionDays);
    }
    const values: Record<string, unknown> = { ':from': current.status };
    let condition = '#status = :from';
    if (change.token !== undefined) {
      condition += ' AND dispatch_token = :token';
      values[':token'] = change.token;
    }
    return this.update(runId, { set, condition, values });
  }

  async noteError(runId: string, error: RunError): Promise<void> {
    await this.update(runId, { set: { last_error: error }, condition: 'attribute_exists(pk)', values: {} });
  }

  private async update(
    runId: string,
    change: { set: Record<string, unknown>; add?: Record<string, number>; condition: string; values: Record<string, unknown> },
  ): Promise<PipelineRun | null> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ...change.values };
    const sets = Object.entries(change.set).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const adds = Object.entries(change.add ?? {}).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      return `#a${i} :a${i}`;
    });
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: runKeys.key(runId),
          UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(pk) AND ${change.condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toRun(Attributes) : null;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }
}

function githubIndex(run: PipelineRun): Record<string, string> {
  return run.github?.run_id != null ? { gsi3pk: runKeys.githubPartition(run.github.run_id), gsi3sk: 'RUN' } : {};
}

function toRun(item: Record<string, unknown>): PipelineRun {
  return {
    run_id: String(item.run_id),
    channel_id: String(item.channel_id),
    video_id: (item.video_id as string | null | undefined) ?? null,
    route: item.route as PipelineRun['route'],
    status: item.status as RunStatus,
    priority: (item.priority as PipelineRun['priority']) ?? 'normal',
    trigger_id: String(item.trigger_id),
    slot_id: (item.slot_id as string | null | undefined) ?? null,
    publications: (item.publications as PipelineRun['publications'] | undefined) ?? [],
    inputs: (item.inputs as Record<string, string> | undefined) ?? {},
    github: (item.github as PipelineRun['github'] | undefined) ?? null,
    attempts: Number(item.attempts ?? 0),
    dispatch_token: (item.dispatch_token as string | null | undefined) ?? null,
    dispatch_started_at: (item.dispatch_started_at as string | null | undefined) ?? null,
    last_error: (item.last_error as RunError | null | undefined) ?? null,
    conclusion: (item.conclusion as string | null | undefined) ?? null,
    created_at: String(item.created_at),
    updated_at: String(item.updated_at),
    dispatched_at: (item.dispatched_at as string | null | undefined) ?? null,
    completed_at: (item.completed_at as string | null | undefined) ?? null,
  };
}
