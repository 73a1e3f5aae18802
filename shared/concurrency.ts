/**
 * Runs `task` over `items` with at most `limit` in flight, keeping input order
 * in the results. Independent calls (DynamoDB batches, schedules, sends) go
 * through here so that none of them is unbounded.
 *
 * On the first failure no further task starts, and the failure is thrown only
 * once every task in flight has ended: a caller that undoes its work on
 * failure (a booking's rollback) must never race writes of its own still
 * running.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Full-jitter exponential backoff delay for retry `attempt` (0-based), in milliseconds. */
export function backoffDelay(attempt: number, baseMs = 10, capMs = 1_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
