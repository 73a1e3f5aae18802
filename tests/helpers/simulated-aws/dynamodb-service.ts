import { Worker } from 'node:worker_threads';

/** A DynamoDB endpoint for the simulated deployment. */
export interface DynamoDbService {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite on a worker thread, on 127.0.0.1 and a free port. In AWS the
 * table's own work (parsing, conditions, indexes, storage) runs on
 * DynamoDB's servers, not on the function's CPU: the simulation charges it
 * as latency (REGION_LATENCY_MS). Run in the caller's thread, dynalite's CPU
 * (about a third of a 10,000-publication wave's) would be counted a second
 * time, as the function's own, and a request's time would measure the
 * emulator rather than the code.
 */
export async function startDynamoDbService(): Promise<DynamoDbService> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url));
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { port: number }) => resolve(message.port));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await worker.terminate();
    },
  };
}
