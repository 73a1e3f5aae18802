import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import type { Publication } from '#shared/domain/publication';
import { MAX_TRIGGER_BYTES, type PipelineTrigger } from '#shared/ports/trigger-queue';
import { triggerPartsOf, triggersOf } from '#shared/services/slot-dispatch';
import { publication } from '#tests/helpers/sample-entities';

const AT = '2026-03-20T18:00:00.000Z';
const SQS_MESSAGE_BYTES = 256 * 1024;

/** `count` publications of one slot on one channel, with ids as the system makes them (26-char ULIDs) and 64-char video ids. */
function largeGroup(count: number, overrides: Partial<Publication> = {}): Publication[] {
  return Array.from({ length: count }, (_, i) =>
    publication({ publication_id: `pub_${ulid()}`, video_id: `v${String(i).padStart(5, '0')}`.padEnd(64, 'x'), ...overrides }),
  );
}

const bytesOf = (trigger: PipelineTrigger) => Buffer.byteLength(JSON.stringify(trigger), 'utf8');

describe('Function: triggersOf', () => {
  it('splits 3,000 publications of one slot and channel into parts that each fit a message, every publication in exactly one', () => {
    // Prepare
    const group = largeGroup(3_000);
    expect(JSON.stringify(group.map((p) => ({ publication_id: p.publication_id, video_id: p.video_id }))).length).toBeGreaterThan(SQS_MESSAGE_BYTES);

    // Act
    const triggers = triggersOf(group, AT);

    // Assess
    expect(triggers.length).toBeGreaterThan(1);
    for (const trigger of triggers) {
      expect(bytesOf(trigger)).toBeLessThanOrEqual(MAX_TRIGGER_BYTES);
      expect(bytesOf(trigger)).toBeLessThan(SQS_MESSAGE_BYTES);
      expect(trigger).toMatchObject({ channel_id: 'channel-1', slot_id: 'slot-1', enqueued_at: AT });
    }
    const sent = triggers.flatMap((t) => t.publications.map((p) => p.publication_id));
    expect(sent).toEqual(group.map((p) => p.publication_id));
    expect(triggers.map((t) => t.trigger_id)).toEqual(triggers.map((_, i) => `slot-1/channel-1#${i + 1}`));
    // Filled up to the bound, not split finer than needed.
    expect(triggers.length).toBe(Math.ceil(triggers.reduce((n, t) => n + bytesOf(t), 0) / MAX_TRIGGER_BYTES));
  });

  it('makes the same parts with the same ids for the same publications (a resend is recognisable)', () => {
    // Prepare
    const group = largeGroup(3_000);

    // Act
    const first = triggersOf(group, AT);
    const again = triggersOf(group, AT);

    // Assess
    expect(again).toEqual(first);
  });

  it('keeps a group that fits in one trigger named after its slot and channel', () => {
    // Prepare
    const group = largeGroup(10);

    // Act
    const triggers = triggersOf([...group, ...largeGroup(5, { channel_id: 'channel-2' })], AT);

    // Assess
    expect(triggers.map((t) => [t.trigger_id, t.publications.length])).toEqual([
      ['slot-1/channel-1', 10],
      ['slot-1/channel-2', 5],
    ]);
  });

  it('gives each part the priority of its own publications', () => {
    // Prepare: the high-priority publications all fall in the last part.
    const group = [...largeGroup(2_000), ...largeGroup(10, { priority: 9 })];

    // Act
    const parts = triggerPartsOf('slot-1/channel-1', group, AT);

    // Assess
    expect(parts.map((t) => t.priority)).toEqual([...parts.slice(1).map(() => 'normal'), 'high']);
  });
});
