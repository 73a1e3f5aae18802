import { describe, expect, it } from 'vitest';
import { runIdForTrigger, splitForDispatch, type RunPublication } from '#shared/domain/pipeline-run';

/** GitHub's limit on a workflow_dispatch's inputs payload (docs/pipelines.md "Where the inputs limit lies"). */
const GITHUB_MAX_INPUTS_CHARS = 65_535;

const publications = (count: number, videoIdLength = 64): RunPublication[] =>
  Array.from({ length: count }, (_, i) => ({
    publication_id: `pub_${String(i).padStart(26, '0')}`,
    video_id: String(i % 10 ** videoIdLength).padStart(videoIdLength, '0'),
  }));

describe('Function: splitForDispatch', () => {
  // Short ids are the worst case: the escaped quotes weigh most in a short entry.
  it.each([1, 12, 64])("keeps every part's dispatch inputs within GitHub's 65,535 characters as sent, the list being a JSON string inside JSON (video ids of %i characters)", (videoIdLength) => {
    // Prepare
    const all = publications(3_000, videoIdLength);

    // Act
    const parts = splitForDispatch(all);

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat()).toEqual(all);
    for (const part of parts) {
      const inputs = { run_id: runIdForTrigger('slot/channel', parts.indexOf(part) + 1), video_id: part[0]?.video_id, publications: JSON.stringify(part) };
      expect(JSON.stringify(inputs).length).toBeLessThanOrEqual(GITHUB_MAX_INPUTS_CHARS);
    }
  });

  it('keeps a slot that fits in one part', () => {
    // Act
    const parts = splitForDispatch(publications(50));

    // Assess
    expect(parts).toHaveLength(1);
  });
});
