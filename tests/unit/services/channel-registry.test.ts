import { describe, expect, it } from 'vitest';
import { NotFound } from '#shared/domain/errors';
import { ChannelRegistry } from '#shared/services/channel-registry';
import { inMemoryPorts } from '#tests/helpers/in-memory-ports';
import { channelDefinition, META } from '#tests/helpers/sample-entities';

function registry() {
  const ports = inMemoryPorts();
  const service = new ChannelRegistry({ channels: ports.channels, ledgers: ports.ledgers, activity: ports.activity, clock: ports.clock, ids: ports.ids });
  return { ports, service };
}

describe('Class: ChannelRegistry', () => {
  describe('Method: put', () => {
    it('creates a new channel at version 1 and records channel.created', async () => {
      // Prepare
      const { ports, service } = registry();
      const now = ports.clock.now().toISOString();

      // Act
      const { channel, created } = await service.put('channel-1', channelDefinition({ name: 'Cats' }), META);

      // Assess
      expect(created).toBe(true);
      expect(channel).toMatchObject({ channel_id: 'channel-1', name: 'Cats', version: 1, created_at: now, updated_at: now });
      expect(ports.activity.all()).toEqual([
        {
          activity_id: expect.any(String),
          at: now,
          type: 'channel.created',
          actor: META.actor,
          target: { type: 'channel', id: 'channel-1' },
          channel_ids: ['channel-1'],
          details: { version: 1, status: 'active' },
          request_id: META.request_id,
        },
      ]);
    });

    it('replaces an existing channel, keeping created_at, and records channel.updated', async () => {
      // Prepare
      const { ports, service } = registry();
      const createdAt = ports.clock.now().toISOString();
      await service.put('channel-1', channelDefinition(), META);
      ports.clock.advance(3_600_000);

      // Act
      const { channel, created } = await service.put('channel-1', channelDefinition({ status: 'paused', priority: 9 }), META);

      // Assess
      expect(created).toBe(false);
      expect(channel).toMatchObject({ version: 2, status: 'paused', priority: 9, created_at: createdAt, updated_at: ports.clock.now().toISOString() });
      expect(ports.activity.all().map((e) => [e.type, e.details])).toEqual([
        ['channel.created', { version: 1, status: 'active' }],
        ['channel.updated', { version: 2, status: 'paused' }],
      ]);
    });
  });

  describe('Method: get', () => {
    it('returns the stored channel', async () => {
      // Prepare
      const { service } = registry();
      await service.put('channel-1', channelDefinition({ name: 'Dogs' }), META);

      // Act
      const channel = await service.get('channel-1');

      // Assess
      expect(channel).toMatchObject({ channel_id: 'channel-1', name: 'Dogs' });
    });

    it('is a NotFound channel_not_found (404) for an unknown id', async () => {
      // Prepare
      const { service } = registry();

      // Act
      const error = await service.get('nope').catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(NotFound);
      expect(error).toMatchObject({ code: 'channel_not_found', details: { channel_id: 'nope' } });
    });
  });

  describe('Method: list', () => {
    it('lists channels in id order, filtered by status, one page at a time', async () => {
      // Prepare
      const { service } = registry();
      for (const id of ['c', 'a', 'd', 'b']) await service.put(id, channelDefinition({ status: id === 'd' ? 'inactive' : 'active' }), META);

      // Act
      const first = await service.list({ limit: 2, status: 'active' });
      const second = await service.list({ limit: 2, status: 'active', cursor: first.next_cursor ?? undefined });

      // Assess
      expect(first.items.map((c) => c.channel_id)).toEqual(['a', 'b']);
      expect(second.items.map((c) => c.channel_id)).toEqual(['c']);
      expect(second.next_cursor).toBeNull();
    });
  });
});
