import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoSystemStateRepository } from '#shared/adapters/dynamodb/system-state-repository';
import type { AppliedTransition, ControlCommand, SystemStatus } from '#shared/domain/system-state';
import type { EmbeddedTable } from '#tests/helpers/embedded-table';
import { scanTable, useTablePerTest } from '#tests/helpers/embedded-table';

const transition = (command: ControlCommand, from: SystemStatus, to: SystemStatus, id: string, at = '2026-03-15T12:00:00.000Z'): AppliedTransition => ({
  activity_id: id,
  command,
  from,
  to,
  at,
  actor: 'test:operator',
  request_id: `req-${id}`,
});

describe('Class: DynamoSystemStateRepository', () => {
  let table: EmbeddedTable;
  let repository: DynamoSystemStateRepository;

  useTablePerTest((created) => {
    table = created;
    repository = new DynamoSystemStateRepository(table);
  });

  describe('Method: get', () => {
    it('reads the initial stopped state before any write, without creating an item', async () => {
      // Act
      const state = await repository.get();

      // Assess
      expect(state).toEqual({ status: 'stopped', since: null, updated_at: null, version: 0, last_transition: null });
      expect(await scanTable(table)).toEqual([]);
    });
  });

  describe('Method: applyTransition', () => {
    it('applies the first transition on the absent item (absent counts as stopped)', async () => {
      // Prepare
      const first = transition('start', 'stopped', 'running', 'A1');

      // Act
      const state = await repository.applyTransition({ expectedFrom: ['stopped'], to: 'running', transition: first });

      // Assess
      const expected = { status: 'running', since: first.at, updated_at: first.at, version: 1, last_transition: first };
      expect(state).toEqual(expected);
      expect(await repository.get()).toEqual(expected);
    });

    it('increments the version and keeps the last transition on every applied write', async () => {
      // Prepare
      await repository.applyTransition({ expectedFrom: ['stopped'], to: 'running', transition: transition('start', 'stopped', 'running', 'A1') });
      const pause = transition('pause', 'running', 'paused', 'A2', '2026-03-15T12:05:00.000Z');

      // Act
      const state = await repository.applyTransition({ expectedFrom: ['running'], to: 'paused', transition: pause });

      // Assess
      expect(state).toMatchObject({ status: 'paused', version: 2, since: pause.at, last_transition: pause });
    });

    it('returns null and changes nothing when the stored status is not the expected one', async () => {
      // Prepare
      await repository.applyTransition({ expectedFrom: ['stopped'], to: 'running', transition: transition('start', 'stopped', 'running', 'A1') });
      const before = await scanTable(table);

      // Act
      const state = await repository.applyTransition({ expectedFrom: ['paused'], to: 'running', transition: transition('resume', 'paused', 'running', 'A2') });

      // Assess
      expect(state).toBeNull();
      expect(await scanTable(table)).toEqual(before);
    });

    it('returns null for an absent item when stopped is not expected, creating nothing', async () => {
      // Act
      const state = await repository.applyTransition({ expectedFrom: ['running'], to: 'paused', transition: transition('pause', 'running', 'paused', 'A1') });

      // Assess
      expect(state).toBeNull();
      expect(await scanTable(table)).toEqual([]);
    });

    it('accepts any of several expected statuses', async () => {
      // Prepare
      await repository.applyTransition({ expectedFrom: ['stopped'], to: 'running', transition: transition('start', 'stopped', 'running', 'A1') });
      await repository.applyTransition({ expectedFrom: ['running'], to: 'paused', transition: transition('pause', 'running', 'paused', 'A2') });

      // Act
      const state = await repository.applyTransition({ expectedFrom: ['running', 'paused'], to: 'stopped', transition: transition('stop', 'paused', 'stopped', 'A3') });

      // Assess
      expect(state).toMatchObject({ status: 'stopped', version: 3 });
    });

    it('lets exactly one of many concurrent writers from the same status win', async () => {
      // Act
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          repository.applyTransition({ expectedFrom: ['stopped'], to: 'running', transition: transition('start', 'stopped', 'running', `W${i}`) }),
        ),
      );

      // Assess
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      const stored = await repository.get();
      expect(stored.version).toBe(1);
      expect(stored.last_transition?.activity_id).toBe(winners[0]?.last_transition?.activity_id);
    });
  });
});
