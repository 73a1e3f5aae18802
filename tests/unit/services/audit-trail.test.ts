import { describe, expect, it } from 'vitest';
import { AuditTrail } from '#shared/services/audit-trail';
import { InMemoryActivityLog } from '#tests/helpers/in-memory-ports';
import { activityEntry } from '#tests/helpers/sample-entities';

async function trailWith() {
  const log = new InMemoryActivityLog();
  await log.append([
    activityEntry('A01', '2026-03-01T00:00:00.000Z', { type: 'system.started' }),
    activityEntry('A02', '2026-03-02T00:00:00.000Z', { type: 'channel.created', channel_ids: ['c1'], target: { type: 'channel', id: 'c1' } }),
    activityEntry('A03', '2026-03-03T00:00:00.000Z', { type: 'channel.created', channel_ids: ['c2'], target: { type: 'channel', id: 'c2' } }),
    activityEntry('A04', '2026-03-04T00:00:00.000Z', { type: 'channel.updated', channel_ids: ['c1'], target: { type: 'channel', id: 'c1' } }),
  ]);
  return new AuditTrail(log);
}

describe('Class: AuditTrail', () => {
  describe('Method: list', () => {
    it('lists the trail newest first, page by page', async () => {
      // Prepare
      const trail = await trailWith();

      // Act
      const first = await trail.list({ limit: 3 });
      const second = await trail.list({ limit: 3, cursor: first.next_cursor ?? undefined });

      // Assess
      expect(first.items.map((e) => e.activity_id)).toEqual(['A04', 'A03', 'A02']);
      expect(second).toEqual({ items: [expect.objectContaining({ activity_id: 'A01' })], next_cursor: null });
    });

    it('passes the type and channel filters through to the log', async () => {
      // Prepare
      const trail = await trailWith();

      // Act
      const created = await trail.list({ limit: 10, type: 'channel.created' });
      const ofC1 = await trail.list({ limit: 10, channelId: 'c1' });

      // Assess
      expect(created.items.map((e) => e.activity_id)).toEqual(['A03', 'A02']);
      expect(ofC1.items.map((e) => e.activity_id)).toEqual(['A04', 'A02']);
    });
  });
});
