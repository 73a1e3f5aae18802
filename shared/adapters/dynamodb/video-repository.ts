import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { Video, VideoStatus } from '#shared/domain/video';
import type { DistributableVideo, DistributionClaim, VideoRepository } from '#shared/ports/video-repository';
import { batchGet } from './batch';
import type { CursorScope } from './cursor';
import type { TableContext } from './document-client';
import { videoKeys } from './keys';
import { queryPage } from './query-pages';
import { INDEXES } from './table-definition';

/** Videos: one item each, listed newest first through gsi1 (all) and gsi2 (per status). */
export class DynamoVideoRepository implements VideoRepository {
  constructor(private readonly table: TableContext) {}

  async create(video: Video): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...videoKeys.item(video.video_id, video.status, video.created_at), entity: 'video', ...video },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(videoId: string): Promise<Video | null> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: videoKeys.key(videoId), ConsistentRead: true }),
    );
    return Item ? toVideo(Item) : null;
  }

  async getMany(videoIds: readonly string[]): Promise<Map<string, Video>> {
    const items = await batchGet(this.table.doc, this.table.tableName, videoIds.map(videoKeys.key));
    return new Map(items.map((item) => [String(item.video_id), toVideo(item)]));
  }

  async addPending(videoId: string, count: number, at: string): Promise<void> {
    // One write for the usual case (an available video becomes assigned); a second only if it was not available.
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: videoKeys.key(videoId),
          UpdateExpression: 'SET #status = :assigned, gsi2pk = :partition, updated_at = :at ADD pending_publications :count',
          ConditionExpression: '#status = :available',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':assigned': 'assigned',
            ':available': 'available',
            ':partition': videoKeys.statusPartition('assigned'),
            ':at': at,
            ':count': count,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: videoKeys.key(videoId),
          UpdateExpression: 'SET updated_at = :at ADD pending_publications :count',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at, ':count': count },
        }),
      );
    }
  }

  async removePending(videoId: string, count: number, at: string): Promise<void> {
    const { Attributes } = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: videoKeys.key(videoId),
        UpdateExpression: 'SET updated_at = :at ADD pending_publications :minus',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at, ':minus': -count },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (Number(Attributes?.pending_publications ?? 0) <= 0) await this.moveStatus(videoId, 'assigned', 'available', at, true);
  }

  /** Moves the video between statuses (and its status index) if it is still in `from`. */
  private async moveStatus(videoId: string, from: VideoStatus, to: VideoStatus, at: string, onlyWhenNonePending = false): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: videoKeys.key(videoId),
          UpdateExpression: 'SET #status = :to, gsi2pk = :partition, updated_at = :at',
          ConditionExpression: onlyWhenNonePending
            ? '#status = :from AND (attribute_not_exists(pending_publications) OR pending_publications <= :zero)'
            : '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to,
            ':from': from,
            ':partition': videoKeys.statusPartition(to),
            ':at': at,
            ...(onlyWhenNonePending ? { ':zero': 0 } : {}),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listAvailable(limit: number, cursor?: string): Promise<Page<DistributableVideo>> {
    const page = await queryPage(
      this.table,
      { index: INDEXES.byStatus.name, partition: videoKeys.statusPartition('available'), ascending: true },
      { limit, cursor, scope: { list: 'videos-to-distribute', filters: {} } },
    );
    return {
      items: page.items.map((item) => ({ ...toVideo(item), claimed_until: (item.distribution_claim_until as string | undefined) ?? null })),
      next_cursor: page.nextCursor,
    };
  }

  async claimForDistribution(videoId: string, claim: DistributionClaim): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: videoKeys.key(videoId),
          UpdateExpression: 'SET distribution_claim_owner = :owner, distribution_claim_until = :until',
          ConditionExpression: '#status = :available AND (attribute_not_exists(distribution_claim_until) OR distribution_claim_until <= :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':owner': claim.owner, ':until': claim.until, ':now': claim.now, ':available': 'available' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseDistributionClaim(videoId: string, owner: string): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: videoKeys.key(videoId),
          UpdateExpression: 'REMOVE distribution_claim_owner, distribution_claim_until',
          ConditionExpression: 'distribution_claim_owner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** GET /videos: newest first, or those of one status; the cursor is bound to that status. */
  async list(request: PageRequest & { status?: VideoStatus | undefined }): Promise<Page<Video>> {
    const page = await queryPage(
      this.table,
      request.status
        ? { index: INDEXES.byStatus.name, partition: videoKeys.statusPartition(request.status), ascending: false }
        : { index: INDEXES.byOwner.name, partition: videoKeys.listPartition, ascending: false },
      { limit: request.limit, cursor: request.cursor, scope: videoListScope(request.status) },
    );
    return { items: page.items.map(toVideo), next_cursor: page.nextCursor };
  }
}

/** What a GET /videos cursor is bound to: the status filter. */
export function videoListScope(status: VideoStatus | undefined): CursorScope {
  return { list: 'videos', filters: { status } };
}

export function toVideo(item: Record<string, unknown>): Video {
  return {
    video_id: item.video_id as string,
    title: item.title as string,
    tags: (item.tags as string[] | undefined) ?? [],
    language: (item.language as string | null | undefined) ?? null,
    category: (item.category as string | null | undefined) ?? null,
    duration_seconds: item.duration_seconds === null || item.duration_seconds === undefined ? null : Number(item.duration_seconds),
    source_url: (item.source_url as string | null | undefined) ?? null,
    status: item.status as VideoStatus,
    created_at: item.created_at as string,
    updated_at: item.updated_at as string,
  };
}
