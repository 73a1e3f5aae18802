import { describe, expect, it } from 'vitest';
import { DynamoWebhookDeliveryRepository } from '#shared/adapters/dynamodb/webhook-delivery-repository';
import type { WebhookDelivery } from '#shared/ports/webhook-delivery-repository';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { scanTable, useTablePerTest } from '#tests/helpers/embedded-table';

const delivery = (id: string, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  delivery_id: id,
  event: 'workflow_run',
  action: 'completed',
  github_run_id: 289_782_451,
  run_id: 'run_0123456789abcdef0123456789',
  matched: true,
  changed: true,
  received_at: '2026-11-21T18:00:00.000Z',
  ...overrides,
});

describe('Class: DynamoWebhookDeliveryRepository', () => {
  let table: EmbeddedTable;
  let repository: DynamoWebhookDeliveryRepository;

  useTablePerTest((created) => {
    table = created;
    repository = new DynamoWebhookDeliveryRepository(table);
  });

  describe('Method: record', () => {
    it('writes one item under WEBHOOK#<delivery id> / DELIVERY that expires (TTL) a week after it was received', async () => {
      // Act
      const recorded = await repository.record(delivery('72d3162e-cc78-11e3-81ab-4c9367dc0958'));

      // Assess
      expect(recorded).toBe(true);
      expect(await scanTable(table)).toEqual([
        {
          pk: 'WEBHOOK#72d3162e-cc78-11e3-81ab-4c9367dc0958',
          sk: 'DELIVERY',
          entity: 'webhook_delivery',
          ...delivery('72d3162e-cc78-11e3-81ab-4c9367dc0958'),
          expires_at: Date.parse('2026-11-28T18:00:00.000Z') / 1000,
        },
      ]);
    });

    it('records a delivery once: a second record of the same id answers false and leaves the first as it was', async () => {
      // Prepare
      await repository.record(delivery('d-1'));

      // Act
      const again = await repository.record(delivery('d-1', { changed: false, received_at: '2026-11-22T00:00:00.000Z' }));

      // Assess
      expect(again).toBe(false);
      expect(await scanTable(table)).toEqual([expect.objectContaining({ changed: true, received_at: '2026-11-21T18:00:00.000Z' })]);
    });

    it('lets exactly one of concurrent records of the same delivery win', async () => {
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => repository.record(delivery('d-race'))));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('Method: isRecorded', () => {
    it('knows a recorded delivery and no other', async () => {
      await repository.record(delivery('d-1'));
      expect([await repository.isRecorded('d-1'), await repository.isRecorded('d-2')]).toEqual([true, false]);
    });
  });
});
