import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JobCursorRepository } from '#shared/ports/job-cursor-repository';
import type { TableContext } from './document-client';
import { jobKeys } from './keys';

/** One small item a job: the cursor its last run stopped at. */
export class DynamoJobCursorRepository implements JobCursorRepository {
  constructor(private readonly table: TableContext) {}

  async get(job: string): Promise<string | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: jobKeys.cursor(job), ConsistentRead: true }));
    return (Item?.cursor as string | null | undefined) ?? undefined;
  }

  async put(job: string, cursor: string | null, at: string): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...jobKeys.cursor(job), entity: 'job_cursor', job, cursor, updated_at: at } }),
    );
  }
}
