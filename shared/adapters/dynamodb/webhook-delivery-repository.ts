import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expiryOf, WEBHOOK_DELIVERY_RETENTION_DAYS } from '#shared/domain/retention';
import type { WebhookDelivery, WebhookDeliveryRepository } from '#shared/ports/webhook-delivery-repository';
import type { TableContext } from './document-client';
import { webhookDeliveryKeys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';

/**
 * One small item per applied delivery (`WEBHOOK#<delivery id>` / `DELIVERY`),
 * written once with `attribute_not_exists`, gone by TTL after a week.
 */
export class DynamoWebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(
    private readonly table: TableContext,
    private readonly retentionDays = WEBHOOK_DELIVERY_RETENTION_DAYS,
  ) {}

  async isRecorded(deliveryId: string): Promise<boolean> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: webhookDeliveryKeys.key(deliveryId), ConsistentRead: true, ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
  }

  async record(delivery: WebhookDelivery): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...webhookDeliveryKeys.key(delivery.delivery_id),
            entity: 'webhook_delivery',
            ...delivery,
            [TTL_ATTRIBUTE]: expiryOf(delivery.received_at, this.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
