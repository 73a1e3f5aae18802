import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import { createTableInput } from '#shared/adapters/dynamodb/table-definition';
import type { ChannelDefinition } from '#shared/domain/channel';
import type { PipelineRun } from '#shared/domain/pipeline-run';
import type { Publication, PublicationStatus } from '#shared/domain/publication';
import { InMemoryQueueMonitor, InMemorySlotScheduler, InMemoryTriggerQueue } from '#tests/helpers/in-memory-ports';
import { meterReads, type ReadCounts } from '#tests/helpers/read-meter';
import { bootRoutes } from '#tests/helpers/route-harness';

/** The reads measured: GET /dashboard and GET /monitor-channels (the last sweep's findings, no refresh). */
export const MEASURED_ROUTES = ['dashboard', 'monitorChannels'] as const;

/** One GET measured: the route, the table's size, what was read, how long it took. */
export interface DashboardMeasure {
  route: (typeof MEASURED_ROUTES)[number];
  channels: number;
  finishedPublications: number;
  status: number;
  wallMs: number;
  itemsRead: number;
  itemsReturned: number;
  calls: Record<string, number>;
  scans: number;
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const definition: ChannelDefinition = {
  name: 'Bench channel',
  status: 'active',
  priority: 5,
  github: null,
  publishing: { timezone: 'UTC', slots: [], min_gap_minutes: 0, max_per_day: null },
  filters: null,
  config: {},
};

function finishedPublication(n: number, channels: number, now: number): Publication {
  const status: PublicationStatus = n % 10 === 0 ? 'failed' : n % 25 === 0 ? 'cancelled' : 'succeeded';
  const at = iso(now - (n % (30 * 24)) * HOUR - HOUR);
  return {
    publication_id: `pub_BENCH${String(n).padStart(21, '0')}`,
    group_id: 'wave_BENCH0000000000000000000000',
    group_kind: 'wave',
    video_id: `video-${n % 5_000}`,
    channel_id: `ch-${String(n % channels).padStart(4, '0')}`,
    scheduled_at: at,
    requested_at: at,
    shifted_from: null,
    priority: 5,
    status,
    slot_id: `slot-${n % 720}`,
    run_id: `run_bench_${n}`,
    status_reason: null,
    trigger_received_at: at,
    created_at: at,
    updated_at: at,
  };
}

/**
 * GET /dashboard (issue 10's acceptance) on the embedded table, at 10 and
 * 1,000 channels and 1,000 and 100,000 finished publications: items read (a
 * middleware on the composition root's DynamoDB client: a Query's
 * ScannedCount, a BatchGetItem's responses), calls, Scans, wall time. The
 * table grows in place: 10 channels and 1,000 finished; 1,000 channels; then
 * the history to 100,000; then back to 10 channels (the other 990 and their
 * health deleted). Each state is read once to warm the handler, then measured.
 * Seeded through the repositories (BatchWriteItem for publications); 500
 * runs' day counters over the 30 days give the statistics something to sum.
 */
export async function measureDashboard(options: { history?: number | undefined; log?: (line: string) => void } = {}): Promise<DashboardMeasure[]> {
  const history = options.history ?? 100_000;
  const log = options.log ?? (() => undefined);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tableName = `bench-dashboard-${randomUUID().slice(0, 8)}`;
  const admin = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await admin.send(new CreateTableCommand(createTableInput(tableName)));
  try {
    const api = await bootRoutes(
      { tableName, endpoint },
      { queueMonitor: new InMemoryQueueMonitor(), triggerQueue: new InMemoryTriggerQueue(), slotScheduler: new InMemorySlotScheduler() },
    );
    const { root } = api;
    const now = Date.now();
    const meter = meterReads(root.dynamoClient());
    const results: DashboardMeasure[] = [];
    let finished = 0;
    let channelCount = 0;

    const addChannels = async (upTo: number) => {
      const ids = Array.from({ length: upTo - channelCount }, (_, i) => `ch-${String(channelCount + i).padStart(4, '0')}`);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids.slice(i, i + 50).map(async (id, k) => {
            await root.channelRepository().put(id, { ...definition, status: (i + k) % 10 === 9 ? 'paused' : 'active' }, iso(now));
            await root.channelHealthRepository().put({
              channel_id: id,
              status: (i + k) % 20 === 0 ? 'unhealthy' : 'healthy',
              repository: 'unchecked',
              credentials: 'unchecked',
              workflow: 'unchecked',
              reason: (i + k) % 20 === 0 ? 'the newest 3 runs failed' : 'no run failed in the last 24 h',
              reason_code: (i + k) % 20 === 0 ? 'consecutive_failures' : 'ok',
              checked_at: iso(now),
              repository_checked_at: null,
              errors: [],
            });
          }),
        );
      }
      channelCount = upTo;
    };
    const addHistory = async (upTo: number) => {
      const started = Date.now();
      for (let from = finished; from < upTo; from += 10_000) {
        const batch = Array.from({ length: Math.min(10_000, upTo - from) }, (_, i) => finishedPublication(from + i, 1_000, now));
        await root.publicationRepository().putMany(batch);
      }
      log(`seeded ${(upTo - finished).toLocaleString('en-US')} finished publications in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      finished = upTo;
    };
    const measure = async () => {
      for (const route of MEASURED_ROUTES) {
        await api.call(route);
        meter.take();
        const started = performance.now();
        const answer = await api.call(route);
        const wallMs = performance.now() - started;
        const counts: ReadCounts = meter.take();
        results.push({ route, channels: channelCount, finishedPublications: finished, status: answer.status, wallMs, ...counts });
        log(`${route}: ${channelCount} channels, ${finished.toLocaleString('en-US')} finished: ${answer.status}, ${counts.itemsRead} items read, ${wallMs.toFixed(0)} ms`);
      }
    };

    // What every state shares: running, a few pending publications, the day counters of 500 runs over 30 days.
    await api.call('start');
    const upcoming = Array.from({ length: 40 }, (_, i) => ({ ...finishedPublication(10_000_000 + i, 10, now), status: 'scheduled' as const, scheduled_at: iso(now + (i + 1) * 6 * HOUR), run_id: null }));
    await root.publicationRepository().putMany(upcoming);
    const effects = new DynamoRunEffects(root.table());
    for (let i = 0; i < 500; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          effects.runFinished({ run_id: `run_stats_${i + k}`, channel_id: 'ch-0000', video_id: null, publications: [] } as unknown as PipelineRun, {
            succeeded: (i + k) % 8 !== 0,
            at: iso(now - ((i + k) % 30) * 24 * HOUR),
            publications: 1,
          }),
        ),
      );
    }

    await addChannels(10);
    await addHistory(Math.min(1_000, history));
    await measure();
    await addChannels(1_000);
    await measure();
    await addHistory(history);
    await measure();
    // Back to 10 channels: the other 990 and their health leave.
    for (let i = 10; i < 1_000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, k) => {
          const id = `ch-${String(i + k).padStart(4, '0')}`;
          await root.channelRepository().delete(id);
          await root.channelHealthRepository().remove(id);
        }),
      );
    }
    channelCount = 10;
    await measure();
    return results.sort((a, b) => a.route.localeCompare(b.route) || a.channels - b.channels || a.finishedPublications - b.finishedPublications);
  } finally {
    admin.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
