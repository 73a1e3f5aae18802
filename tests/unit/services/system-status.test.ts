import { describe, expect, it } from 'vitest';
import { SystemStatus } from '#shared/services/system-status';
import { inMemoryPorts } from '#tests/helpers/in-memory-ports';
import { publication } from '#tests/helpers/sample-entities';

const SEEDED_SINCE = '2026-03-01T08:00:00.000Z';

describe('Class: SystemStatus', () => {
  describe('Method: report', () => {
    it('reports the status with the held publication count and the queue depth', async () => {
      // Prepare
      const ports = inMemoryPorts();
      ports.state.seed({ status: 'paused', since: SEEDED_SINCE, updated_at: SEEDED_SINCE, version: 7, last_transition: null });
      const status = new SystemStatus({ state: ports.state, publications: ports.publications, queue: ports.queue });
      await ports.publications.putMany([
        publication({ status: 'held' }),
        publication({ status: 'held', channel_id: 'channel-2' }),
        publication({ status: 'scheduled' }),
        publication({ status: 'dispatched' }),
      ]);
      ports.queue.setDepth({ pending: 4, in_flight: 2, dead_letter: 1 });

      // Act
      const report = await status.report();

      // Assess
      expect(report).toEqual({
        status: 'paused',
        running: false,
        paused: true,
        since: SEEDED_SINCE,
        held_publications: 2,
        queue: { pending: 4, in_flight: 2, dead_letter: 1 },
      });
    });

    it('reports the initial state as stopped, never started', async () => {
      // Prepare
      const ports = inMemoryPorts();
      const status = new SystemStatus({ state: ports.state, publications: ports.publications, queue: ports.queue });

      // Act
      const report = await status.report();

      // Assess
      expect(report).toMatchObject({ status: 'stopped', running: false, paused: false, since: null, held_publications: 0 });
    });
  });
});
