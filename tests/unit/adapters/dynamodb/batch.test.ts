import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchGet, batchWrite, type WriteRequest } from '#shared/adapters/dynamodb/batch';

type Input = { RequestItems: Record<string, unknown> };

/** A document client whose answers are scripted per call; it records what it was sent. */
function scriptedClient(answer: (input: Input, call: number) => Record<string, unknown>) {
  const sent: Input[] = [];
  const doc = {
    send: vi.fn(async (command: { input: Input }) => {
      sent.push(structuredClone(command.input));
      return answer(command.input, sent.length);
    }),
  } as unknown as DynamoDBDocumentClient;
  return { doc, sent };
}

const put = (n: number): WriteRequest => ({ PutRequest: { Item: { pk: `P${n}`, sk: 'S' } } });

describe('Function: batchWrite', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sends at most 25 requests a call', async () => {
    // Prepare
    const { doc, sent } = scriptedClient(() => ({}));

    // Act
    await batchWrite(doc, 't', Array.from({ length: 60 }, (_, i) => put(i)));

    // Assess
    expect(sent.map((s) => (s.RequestItems.t as unknown[]).length).sort()).toEqual([10, 25, 25]);
  });

  it('resends the unprocessed items until all are written', async () => {
    // Prepare: the first answer leaves two items unprocessed
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { doc, sent } = scriptedClient((input, call) => (call === 1 ? { UnprocessedItems: { t: (input.RequestItems.t as unknown[]).slice(0, 2) } } : {}));

    // Act
    await batchWrite(doc, 't', [put(1), put(2), put(3)]);

    // Assess
    expect(sent).toHaveLength(2);
    expect(sent[1]?.RequestItems.t).toEqual([put(1), put(2)]);
  });

  it('fails loudly when items stay unprocessed after every attempt', async () => {
    // Prepare
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { doc } = scriptedClient((input) => ({ UnprocessedItems: { t: input.RequestItems.t } }));

    // Act / Assess
    await expect(batchWrite(doc, 't', [put(1)])).rejects.toThrow(/unprocessed/);
  });
});

describe('Function: batchGet', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks for each key once, at most 100 a call, consistently', async () => {
    // Prepare
    const { doc, sent } = scriptedClient(() => ({ Responses: { t: [] } }));
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `P${i % 120}`, sk: 'S' }));

    // Act
    await batchGet(doc, 't', keys);

    // Assess
    const batches = sent.map((s) => s.RequestItems.t as { Keys: unknown[]; ConsistentRead: boolean });
    expect(batches.map((b) => b.Keys.length).sort()).toEqual([100, 20]);
    expect(batches.every((b) => b.ConsistentRead)).toBe(true);
  });

  it('asks again for unprocessed keys and returns every item found', async () => {
    // Prepare
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { doc, sent } = scriptedClient((input, call) => {
      const keys = (input.RequestItems.t as { Keys: { pk: string }[] }).Keys;
      return call === 1
        ? { Responses: { t: [{ pk: keys[0]?.pk, sk: 'S' }] }, UnprocessedKeys: { t: { Keys: keys.slice(1) } } }
        : { Responses: { t: keys.map((k) => ({ pk: k.pk, sk: 'S' })) } };
    });

    // Act
    const items = await batchGet(doc, 't', [{ pk: 'A', sk: 'S' }, { pk: 'B', sk: 'S' }, { pk: 'C', sk: 'S' }]);

    // Assess
    expect(sent).toHaveLength(2);
    expect(items.map((i) => i.pk).sort()).toEqual(['A', 'B', 'C']);
  });
});
