import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INITIAL_SYSTEM_STATE, type SystemState } from '#shared/domain/system-state';
import type { SystemStateRepository, TransitionWrite } from '#shared/ports/system-state-repository';
import type { TableContext } from './document-client';
import { systemStateKeys } from './keys';

/** The one system state item, changed only by writes conditioned on its current status. */
export class DynamoSystemStateRepository implements SystemStateRepository {
  constructor(private readonly table: TableContext) {}

  async get(): Promise<SystemState> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: systemStateKeys.key(), ConsistentRead: true }),
    );
    return Item ? toState(Item) : { ...INITIAL_SYSTEM_STATE };
  }

  async applyTransition(write: TransitionWrite): Promise<SystemState | null> {
    const values: Record<string, unknown> = {
      ':to': write.to,
      ':at': write.transition.at,
      ':transition': write.transition,
      ':one': 1,
      ':zero': 0,
    };
    const accepted = write.expectedFrom.map((status, i) => {
      values[`:from${i}`] = status;
      return `:from${i}`;
    });
    // A missing item is the initial `stopped` state.
    const conditions = [`#status IN (${accepted.join(', ')})`];
    if (write.expectedFrom.includes('stopped')) conditions.push('attribute_not_exists(pk)');
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: systemStateKeys.key(),
          UpdateExpression:
            'SET #status = :to, since = :at, updated_at = :at, last_transition = :transition, version = if_not_exists(version, :zero) + :one, entity = :entity',
          ConditionExpression: conditions.join(' OR '),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':entity': 'system_state' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toState(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }
}

function toState(item: Record<string, unknown>): SystemState {
  return {
    status: item.status as SystemState['status'],
    since: (item.since as string | undefined) ?? null,
    updated_at: (item.updated_at as string | undefined) ?? null,
    version: Number(item.version ?? 0),
    last_transition: (item.last_transition as SystemState['last_transition'] | undefined) ?? null,
  };
}
