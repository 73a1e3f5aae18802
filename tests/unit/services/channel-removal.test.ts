import { describe, expect, it, vi } from 'vitest';
import { Conflict, NotFound } from '#shared/domain/errors';
import { ChannelRegistry } from '#shared/services/channel-registry';
import { ChannelRemoval } from '#shared/services/channel-removal';
import type { PublicationGroupRepository } from '#shared/ports/publication-group-repository';
import { inMemoryPorts } from '#tests/helpers/in-memory-ports';
import { channelDefinition, META, publication, publicationGroup } from '#tests/helpers/sample-entities';

function removal() {
  const ports = inMemoryPorts();
  const cancelChannelPublications = vi.fn(async (channelId: string) =>
    ports.publications.cancelPendingOf(channelId, ports.clock.now().toISOString()),
  );
  const registry = new ChannelRegistry({ channels: ports.channels, ledgers: ports.ledgers, activity: ports.activity, clock: ports.clock, ids: ports.ids });
  const removal = new ChannelRemoval({
    channels: ports.channels,
    publications: ports.publications,
    ledgers: ports.ledgers,
    groups: ports.groups as unknown as PublicationGroupRepository,
    activity: ports.activity,
    clock: ports.clock,
    ids: ports.ids,
    cancelChannelPublications,
  });
  // The tests put channels through the registry and remove them through the removal.
  const service = { put: registry.put.bind(registry), delete: removal.delete.bind(removal) };
  return { ports, service, cancelChannelPublications };
}

describe('Class: ChannelRemoval', () => {
  describe('Method: delete', () => {
    it('removes a channel without pending publications and records channel.deleted, cancelling nothing', async () => {
      // Prepare
      const { ports, service, cancelChannelPublications } = removal();
      await service.put('channel-1', channelDefinition(), META);
      await ports.publications.putMany([publication({ channel_id: 'channel-1', status: 'succeeded' })]);

      // Act
      const result = await service.delete('channel-1', false, META);

      // Assess
      expect(result).toEqual({ channel_id: 'channel-1', deleted: true, cancelled_publications: 0 });
      expect(await ports.channels.get('channel-1')).toBeNull();
      expect(cancelChannelPublications).not.toHaveBeenCalled();
      expect(ports.activity.all().at(-1)).toMatchObject({
        type: 'channel.deleted',
        target: { type: 'channel', id: 'channel-1' },
        channel_ids: ['channel-1'],
        details: { forced: false, cancelled_publications: 0 },
      });
    });

    it('is refused with 409 channel_has_pending_publications while publications are pending, changing nothing', async () => {
      // Prepare
      const { ports, service, cancelChannelPublications } = removal();
      await service.put('channel-1', channelDefinition(), META);
      await ports.publications.putMany([
        publication({ channel_id: 'channel-1', status: 'scheduled' }),
        publication({ channel_id: 'channel-1', status: 'held' }),
        publication({ channel_id: 'channel-2', status: 'scheduled' }),
      ]);
      const entriesBefore = ports.activity.all().length;

      // Act
      const error = await service.delete('channel-1', false, META).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(Conflict);
      expect(error).toMatchObject({
        code: 'channel_has_pending_publications',
        details: { channel_id: 'channel-1', pending_publications: 2 },
      });
      expect(await ports.channels.get('channel-1')).not.toBeNull();
      expect(cancelChannelPublications).not.toHaveBeenCalled();
      expect(ports.activity.all()).toHaveLength(entriesBefore);
    });

    it('with force, cancels the pending publications through the cancel port, then removes the channel', async () => {
      // Prepare
      const { ports, service, cancelChannelPublications } = removal();
      await service.put('channel-1', channelDefinition(), META);
      await ports.publications.putMany([
        publication({ channel_id: 'channel-1', status: 'scheduled' }),
        publication({ channel_id: 'channel-1', status: 'held' }),
      ]);

      // Act
      const result = await service.delete('channel-1', true, META);

      // Assess
      expect(cancelChannelPublications).toHaveBeenCalledExactlyOnceWith('channel-1', META, []);
      expect(result).toEqual({ channel_id: 'channel-1', deleted: true, cancelled_publications: 2 });
      expect(await ports.publications.countPendingForChannel('channel-1')).toBe(0);
      expect(await ports.channels.get('channel-1')).toBeNull();
      expect(ports.activity.all().at(-1)).toMatchObject({ type: 'channel.deleted', details: { forced: true, cancelled_publications: 2 } });
    });

    it('closes the channel ledger, so that no booking lands on the channel after it', async () => {
      // Prepare
      const { ports, service } = removal();
      await service.put('channel-1', channelDefinition(), META);

      // Act
      await service.delete('channel-1', false, META);

      // Assess
      const ledger = await ports.ledgers.get('channel-1');
      expect(ledger.closed_at).toBe(ports.clock.now().toISOString());
      expect(await ports.ledgers.replace('channel-1', ledger.version - 1, [])).toBe(false);
    });

    it('with force, hands the cancel port the pending publications its ledger books, whatever its index lists', async () => {
      // Prepare
      const { ports, service, cancelChannelPublications } = removal();
      await service.put('channel-1', channelDefinition(), META);
      const booked = publication({ publication_id: 'pub_01J00000000000000000000001', channel_id: 'channel-1', status: 'scheduled', group_id: 'wave_01J00000000000000000000001' });
      await ports.publications.putMany([booked]);
      ports.groups.groups.set(booked.group_id, publicationGroup({ group_id: booked.group_id, kind: 'wave', status: 'scheduled' }));
      await ports.ledgers.replace('channel-1', 0, [{ publication_id: booked.publication_id, at: Date.parse(booked.scheduled_at), priority: 5, group_id: booked.group_id }]);

      // Act
      await service.delete('channel-1', true, META);

      // Assess
      expect(cancelChannelPublications).toHaveBeenCalledExactlyOnceWith('channel-1', META, [booked.publication_id]);
    });

    it('refuses with 409 channel_busy while a request still booking holds a time on it, even with force, and changes nothing', async () => {
      // Prepare
      const { ports, service, cancelChannelPublications } = removal();
      await service.put('channel-1', channelDefinition(), META);
      const planning = publicationGroup({ group_id: 'wave_01J00000000000000000000002', kind: 'wave', status: 'planning' });
      ports.groups.groups.set(planning.group_id, planning);
      await ports.ledgers.replace('channel-1', 0, [{ publication_id: 'pub_01J00000000000000000000002', at: Date.parse('2026-03-20T18:00:00Z'), priority: 5, group_id: planning.group_id }]);

      // Act
      const refused = service.delete('channel-1', true, META);

      // Assess
      await expect(refused).rejects.toMatchObject({ code: 'channel_busy', details: { group_ids: [planning.group_id], retryable: true } });
      expect(cancelChannelPublications).not.toHaveBeenCalled();
      expect(await ports.channels.get('channel-1')).not.toBeNull();
      expect((await ports.ledgers.get('channel-1')).closed_at).toBeNull();
    });

    it('is a NotFound channel_not_found for an unknown id, recording nothing', async () => {
      // Prepare
      const { ports, service } = removal();

      // Act
      const error = await service.delete('ghost', true, META).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(NotFound);
      expect(error).toMatchObject({ code: 'channel_not_found' });
      expect(ports.channels.deleted).toEqual([]);
      expect(ports.activity.all()).toHaveLength(0);
    });
  });
});
