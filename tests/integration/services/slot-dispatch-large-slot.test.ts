import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoPublicationGroupRepository } from '#shared/adapters/dynamodb/publication-group-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { INITIAL_SYSTEM_STATE } from '#shared/domain/system-state';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import { SlotDispatch } from '#shared/services/slot-dispatch';
import { embeddedTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock, SequentialIds } from '#tests/helpers/in-memory-ports';
import { RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { publication, publicationGroup } from '#tests/helpers/sample-entities';

/** SQS's largest message. */
const SQS_MESSAGE_BYTES = 256 * 1024;
const PUBLICATIONS = 3_000;
const FIRE_AT = '2026-03-20T18:00:00.000Z';

/**
 * SPEC "Guarantees": no message the system writes exceeds 256 KB. One channel
 * with 3,000 videos in one slot once made a single ~390 KB trigger that SQS
 * refused on every resend; the slot now goes out in parts.
 */
describe('SlotDispatch: a 3,000-publication slot on one channel (against dynalite)', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  const clock = new FixedClock(FIRE_AT);
  const queue = new RecordingTriggerQueue();
  const group = publicationGroup({ status: 'scheduled' });
  const publications = Array.from({ length: PUBLICATIONS }, (_, i) =>
    publication({ publication_id: `pub_${ulid()}`, group_id: group.group_id, video_id: `v${String(i).padStart(5, '0')}`.padEnd(64, 'x'), scheduled_at: FIRE_AT }),
  );
  const running: SystemStateRepository = {
    get: async () => ({ ...INITIAL_SYSTEM_STATE, status: 'running' }),
    applyTransition: async () => null,
  };
  let repository: DynamoPublicationRepository;

  beforeAll(async () => {
    table = await embeddedTable('large-slot');
    repository = new DynamoPublicationRepository(table);
    const groups = new DynamoPublicationGroupRepository(table);
    await groups.create(group);
    await repository.putMany(publications);
  }, 60_000);
  afterAll(async () => table.close());

  it('dispatches every publication exactly once, in triggers none of which exceeds a message', async () => {
    // Prepare
    const dispatch = new SlotDispatch({
      publications: repository,
      groups: new DynamoPublicationGroupRepository(table),
      state: running,
      queue,
      activity: new DynamoActivityLog(table, clock, 30),
      clock,
      ids: new SequentialIds(),
    });

    // Act
    const result = await dispatch.fire({ slot_id: 'slot-1', group_id: group.group_id, fire_at: FIRE_AT });

    // Assess
    expect(result).toMatchObject({ outcome: 'dispatched', dispatched: PUBLICATIONS });
    const triggers = queue.triggers;
    expect(triggers.length).toBeGreaterThan(1);
    const sizes = triggers.map((t) => Buffer.byteLength(JSON.stringify(t), 'utf8'));
    expect(Math.max(...sizes)).toBeLessThan(SQS_MESSAGE_BYTES);
    const sent = triggers.flatMap((t) => t.publications.map((p) => p.publication_id));
    expect(sent).toHaveLength(PUBLICATIONS);
    expect(new Set(sent)).toEqual(new Set(publications.map((p) => p.publication_id)));
    expect(new Set(triggers.map((t) => t.trigger_id)).size).toBe(triggers.length);
    expect(triggers.every((t) => t.channel_id === 'channel-1' && t.slot_id === 'slot-1')).toBe(true);
  }, 60_000);
});
