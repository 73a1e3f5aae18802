import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { startGitHubSimulator, type GitHubSimulator } from '#infra/local/github-simulator';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoDispatchPacer, type PacerRates } from '#shared/adapters/dynamodb/dispatch-pacer';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import type { TableContext } from '#shared/adapters/dynamodb/document-client';
import { DynamoPipelineRunRepository } from '#shared/adapters/dynamodb/pipeline-run-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { DynamoSystemStateRepository } from '#shared/adapters/dynamodb/system-state-repository';
import { createTableInput } from '#shared/adapters/dynamodb/table-definition';
import { OctokitWorkflows } from '#shared/adapters/github/octokit-workflows';
import { ulidGenerator } from '#shared/adapters/ulid-generator';
import { DISPATCH_LIMITS } from '#shared/config';
import { mapConcurrent, sleep } from '#shared/concurrency';
import { systemClock, type Clock } from '#shared/ports/clock';
import type { DispatchedWorkflowRun, GitHubWorkflows, WorkflowTarget } from '#shared/ports/github';
import { delayOf, type PipelineTrigger, type QueueDepth, type SendOptions, type TriggerQueue } from '#shared/ports/trigger-queue';
import { pipelineTriggerMessage } from '#shared/schemas/events';
import { LAST_RECEIVE, PipelineDispatch, type DispatchResult, type RunOutcome } from '#shared/services/pipeline-dispatch';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingProcessingQueue, RecordingSlotScheduler } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

/** The trigger queue's maxReceiveCount (infra/stateful-stack.ts): the receive after which SQS dead-letters a message. */
const MAX_RECEIVE_COUNT = LAST_RECEIVE;
/** The trigger queue's visibility timeout: a receive that threw is delivered again this long after. */
const VISIBILITY_TIMEOUT_MS = 18 * 60_000;
const BOOKED_AT = '2026-11-21T10:00:00.000Z';
const TOKEN = 'bench-token';
/** Rates no measurement here reaches, for the parts that measure the dispatcher rather than the pacing. */
const UNBOUND_RATES: PacerRates = { perMinute: 100_000, perHour: 1_000_000 };

export interface GitHubWaveReport {
  videos: number;
  channels: number;
  publications: number;
  slots: number;
  triggers: number;
  /** Receives of the dispatcher, by run outcome. */
  outcomes: Record<string, number>;
  /** The pacing the composition root's dispatcher ran with (the settings' highest minute rate). */
  pacer: PacerRates;
  githubRequests: number;
  dispatchRequests: number;
  /** Requests other than dispatches, by method and path shape. */
  otherRequests: Record<string, number>;
  requestsPerPublication: number;
  dispatchesPerPublication: number;
  simulatorRuns: number;
  /** Publications each workflow run carries (its `publications` input), smallest and largest. */
  publicationsPerRun: { min: number; max: number };
  wallMs: { book: number; fire: number; dispatch: number };
}

export interface ThroughputRun {
  receivers: number;
  /** `each`: every receiver its own dispatcher and GitHub client (a Lambda instance each); `shared`: one for all (one process). */
  clients: 'each' | 'shared';
  latencyMs: number;
  triggers: number;
  dispatched: number;
  wallMs: number;
  dispatchesPerSecond: number;
  /** One receive of a trigger that dispatched, from the message in hand to the run recorded. */
  p50Ms: number;
  p95Ms: number;
  outcomes: Record<string, number>;
  githubRequests: number;
  simulatorRuns: number;
}

export interface PacingReport {
  rates: PacerRates;
  receivers: number;
  triggers: number;
  dispatched: number;
  /** The most dispatches GitHub got in any 60 s (and any hour) of the fake clock. */
  maxInAnyMinute: number;
  maxInAnyHour: number;
  /** Triggers sent back to the queue with a delay (each wait counts), and how many distinct triggers waited. */
  requeued: number;
  triggersRequeued: number;
  longestDelaySeconds: number;
  deadLettered: number;
  failedReceives: number;
  simulatorRuns: number;
  /** Fake time from the first delivery to the last dispatch. */
  simulatedSeconds: number;
  wallMs: number;
}

export interface GitHubDispatchReport {
  wave: GitHubWaveReport;
  throughput: ThroughputRun[];
  pacing: PacingReport;
}

export interface GitHubDispatchOptions {
  /** Triggers per throughput run (one a channel). Default 120, which keeps the run at 1 receiver and 300 ms under a minute. */
  triggers?: number;
  /** The simulator's answer time for a dispatch in the throughput runs. Default 300 ms. */
  latencyMs?: number;
  /** Triggers pushed through the pacer. Default 200. */
  pacedTriggers?: number;
}

/**
 * The GitHub side of the dispatcher (issue 9): every trigger through the
 * real PipelineDispatch, the real Octokit client (minMillisecondsBetweenWrites
 * 0, so its courtesy spacing of writes does not hide the dispatcher) and the
 * GitHub simulator, on the embedded table, the triggers made by booking waves
 * through the real routes and firing their slots.
 * 1. A simultaneous wave of 100 videos x 50 channels: GitHub requests per publication.
 * 2. Throughput at 1, 4 and 16 concurrent receivers, the simulator answering each dispatch after `latencyMs`.
 * 3. The pacer at 60 a minute on a fake clock: no 60 s window over the rate, nothing dead-lettered.
 */
export async function measureGitHubDispatch(options: GitHubDispatchOptions = {}, log: (line: string) => void = () => {}): Promise<GitHubDispatchReport> {
  const triggers = options.triggers ?? 120;
  const latencyMs = options.latencyMs ?? 300;
  const dynamo = await startDynalite();
  try {
    log('wave of 100 x 50 through the composition root\'s dispatcher ...');
    const wave = await measureWave(dynamo, 100, 50);
    const throughput: ThroughputRun[] = [];
    const runs: Pick<ThroughputRun, 'receivers' | 'clients' | 'latencyMs'>[] = [
      { receivers: 1, clients: 'each', latencyMs },
      { receivers: 4, clients: 'each', latencyMs },
      { receivers: 16, clients: 'each', latencyMs },
      { receivers: 16, clients: 'shared', latencyMs },
      { receivers: 1, clients: 'each', latencyMs: 0 },
      { receivers: 16, clients: 'each', latencyMs: 0 },
    ];
    log(`throughput: ${runs.length} runs of ${triggers} triggers ...`);
    const fleet = await bookFleet(dynamo, { channels: triggers, videosPerWave: 1, waves: runs.length, queueClock: systemClock });
    for (const [i, run] of runs.entries()) throughput.push(await measureThroughput(fleet, i, run));
    log('pacing at 60 a minute on a fake clock ...');
    const pacing = await measurePacing(dynamo, options.pacedTriggers ?? 200);
    return { wave, throughput, pacing };
  } finally {
    await dynamo.close();
  }
}

// ---- 1. the wave ----

async function measureWave(dynamo: Dynalite, videos: number, channels: number): Promise<GitHubWaveReport> {
  const github = await startGitHubSimulator({ token: TOKEN });
  // The highest minute rate the settings take: 50 dispatches stay far below it (checked: no outcome `paced`).
  const pacer = { perMinute: DISPATCH_LIMITS.perMinute.max, perHour: DISPATCH_LIMITS.perHour.max };
  const saved = { minute: process.env.GITHUB_DISPATCHES_PER_MINUTE, hour: process.env.GITHUB_DISPATCHES_PER_HOUR };
  process.env.GITHUB_DISPATCHES_PER_MINUTE = String(pacer.perMinute);
  process.env.GITHUB_DISPATCHES_PER_HOUR = String(pacer.perHour);
  try {
    const bookStarted = performance.now();
    const fleet = await bookFleet(dynamo, {
      channels,
      videosPerWave: videos,
      waves: 1,
      queueClock: null,
      githubWorkflows: githubClient(github),
    });
    const book = performance.now() - bookStarted;
    const fireStarted = performance.now();
    const slots = await fleet.fire(0);
    const fire = performance.now() - fireStarted;
    const triggers = fleet.queue.waiting;

    // The composition root's dispatcher, as functions/queue/pipeline-triggers.ts calls it; five receivers (the default dispatchConcurrency).
    const dispatcher = fleet.api.root.pipelineDispatch();
    const dispatchStarted = performance.now();
    // The queue runs on the orchestrator's fixed clock here: a trigger sent back with a delay is due once the clock is moved on.
    const deliveries = await drain(fleet.queue, Array.from({ length: 5 }, () => dispatcher), fakeTime(fleet.clock));
    const dispatch = performance.now() - dispatchStarted;

    const publications = videos * channels;
    const dispatchRequests = github.requests.filter(isDispatchRequest).length;
    const carried = github.dispatches.map((d) => (JSON.parse(String(d.inputs.publications)) as unknown[]).length);
    return {
      videos,
      channels,
      publications,
      slots,
      triggers,
      outcomes: tally(deliveries.flatMap((d) => d.outcomes)),
      pacer,
      githubRequests: github.requests.length,
      dispatchRequests,
      otherRequests: tally(github.requests.filter((r) => !isDispatchRequest(r)).map((r) => `${r.method} ${r.path.replace(/\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')}`)),
      requestsPerPublication: github.requests.length / publications,
      dispatchesPerPublication: dispatchRequests / publications,
      simulatorRuns: github.runs.length,
      publicationsPerRun: { min: Math.min(...carried), max: Math.max(...carried) },
      wallMs: { book, fire, dispatch },
    };
  } finally {
    restoreEnv('GITHUB_DISPATCHES_PER_MINUTE', saved.minute);
    restoreEnv('GITHUB_DISPATCHES_PER_HOUR', saved.hour);
    await github.close();
  }
}

// ---- 2. throughput ----

async function measureThroughput(fleet: Fleet, wave: number, run: Pick<ThroughputRun, 'receivers' | 'clients' | 'latencyMs'>): Promise<ThroughputRun> {
  const github = await startGitHubSimulator({ token: TOKEN });
  try {
    // No status: every dispatch answered as usual, `latencyMs` late (docs/pipelines.md "Misbehaviour on request").
    if (run.latencyMs > 0) github.misbehave({ method: 'POST', path: /\/dispatches$/, delayMs: run.latencyMs, times: Number.MAX_SAFE_INTEGER });
    const dispatcherOf = () => dispatcherOn(fleet.table, { github: githubClient(github), rates: UNBOUND_RATES, clock: systemClock, requeue: fleet.queue, credential: 'throughput' });
    const shared = run.clients === 'shared' ? dispatcherOf() : null;
    const receivers = Array.from({ length: run.receivers }, () => shared ?? dispatcherOf());
    await fleet.fire(wave);
    const triggers = fleet.queue.waiting;
    const started = performance.now();
    const deliveries = await drain(fleet.queue, receivers, realTime);
    const wallMs = performance.now() - started;
    const latencies = deliveries.filter((d) => d.outcomes.includes('dispatched')).map((d) => d.ms);
    return {
      ...run,
      triggers,
      dispatched: latencies.length,
      wallMs,
      dispatchesPerSecond: latencies.length / (wallMs / 1000),
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      outcomes: tally(deliveries.flatMap((d) => d.outcomes)),
      githubRequests: github.requests.length,
      simulatorRuns: github.runs.length,
    };
  } finally {
    await github.close();
  }
}

// ---- 3. pacing ----

async function measurePacing(dynamo: Dynalite, triggers: number): Promise<PacingReport> {
  const github = await startGitHubSimulator({ token: TOKEN });
  const started = performance.now();
  try {
    const clock = new FixedClock(BOOKED_AT);
    const fleet = await bookFleet(dynamo, { channels: triggers, videosPerWave: 1, waves: 1, queueClock: clock, clock });
    const rates: PacerRates = { perMinute: DISPATCH_LIMITS.perMinute.default, perHour: DISPATCH_LIMITS.perHour.default };
    const receivers = DISPATCH_LIMITS.concurrency.default;
    // Each receiver its own dispatcher and client (a Lambda instance each), all on one pacer item.
    const dispatched: number[] = [];
    const dispatchers = Array.from({ length: receivers }, () =>
      dispatcherOn(fleet.table, { github: new TimedWorkflows(githubClient(github), clock, dispatched), rates, clock, requeue: fleet.queue, credential: 'pacing' }),
    );
    await fleet.fire(0);
    const firstDelivery = clock.now().getTime();
    const deliveries = await drain(fleet.queue, dispatchers, fakeTime(clock));
    const delayed = fleet.queue.sent.filter((s) => s.delaySeconds > 0);
    return {
      rates,
      receivers,
      triggers,
      dispatched: dispatched.length,
      maxInAnyMinute: maxInWindow(dispatched, 60_000),
      maxInAnyHour: maxInWindow(dispatched, 3_600_000),
      requeued: delayed.length,
      triggersRequeued: new Set(delayed.map((s) => s.triggerId)).size,
      longestDelaySeconds: Math.max(0, ...delayed.map((s) => s.delaySeconds)),
      deadLettered: fleet.queue.deadLettered.length,
      failedReceives: deliveries.filter((d) => d.error !== null).length,
      simulatorRuns: github.runs.length,
      simulatedSeconds: (Math.max(firstDelivery, ...dispatched) - firstDelivery) / 1000,
      wallMs: performance.now() - started,
    };
  } finally {
    await github.close();
  }
}

/** The most of `times` (ms) in any window of `windowMs` (a window holds t with start <= t < start + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** GitHubWorkflows that notes the clock's time of every dispatch GitHub accepted. */
class TimedWorkflows implements GitHubWorkflows {
  constructor(
    private readonly inner: GitHubWorkflows,
    private readonly clock: Clock,
    private readonly times: number[],
  ) {}

  async dispatch(target: WorkflowTarget, inputs: Record<string, string>): Promise<DispatchedWorkflowRun> {
    const at = this.clock.now().getTime();
    const dispatched = await this.inner.dispatch(target, inputs);
    this.times.push(at);
    return dispatched;
  }

  findRun(...args: Parameters<GitHubWorkflows['findRun']>): ReturnType<GitHubWorkflows['findRun']> {
    return this.inner.findRun(...args);
  }

  getRun(...args: Parameters<GitHubWorkflows['getRun']>): ReturnType<GitHubWorkflows['getRun']> {
    return this.inner.getRun(...args);
  }
}

// ---- the system under measurement ----

interface Dynalite {
  endpoint: string;
  createTable(): Promise<TableContext>;
  close(): Promise<void>;
}

async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  let tables = 0;
  return {
    endpoint,
    async createTable() {
      const tableName = `bench-github-${++tables}`;
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      return { doc, tableName };
    },
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The real GitHub client against the simulator, its writes not spaced (the default spaces them 1 s apart). */
function githubClient(github: GitHubSimulator): OctokitWorkflows {
  return new OctokitWorkflows({ baseUrl: github.url, token: async () => TOKEN, minMillisecondsBetweenWrites: 0 });
}

interface Fleet {
  api: RouteCaller;
  /** The orchestrator's clock: set to each slot's time as it fires. */
  clock: FixedClock;
  table: TableContext;
  queue: BenchTriggerQueue;
  /** Fires wave `index`'s slots through the real fire-slot handler; resolves to how many. */
  fire(index: number): Promise<number>;
}

interface FleetOptions {
  channels: number;
  videosPerWave: number;
  /** Simultaneous waves booked, an hour apart from 11:00, each of its own videos on every channel. */
  waves: number;
  /** The clock the queue's delays run on; null: the booking's own. */
  queueClock: Clock | null;
  clock?: FixedClock;
  githubWorkflows?: GitHubWorkflows;
}

/**
 * A fresh table with `channels` channels, each with a repository (the
 * simulator has any), booked through the real routes: each wave a
 * simultaneous one (one slot) of its own videos on every channel.
 */
async function bookFleet(dynamo: Dynalite, options: FleetOptions): Promise<Fleet> {
  const table = await dynamo.createTable();
  const clock = options.clock ?? new FixedClock(BOOKED_AT);
  const queue = new BenchTriggerQueue(options.queueClock ?? clock);
  const api = await bootRoutes(
    { tableName: table.tableName, endpoint: dynamo.endpoint },
    {
      clock,
      slotScheduler: new RecordingSlotScheduler(),
      triggerQueue: queue,
      processingQueue: new RecordingProcessingQueue(),
      ...(options.githubWorkflows ? { githubWorkflows: options.githubWorkflows } : {}),
    },
  );
  const ok = async (what: string, answer: Promise<{ status: number; body: unknown }>) => {
    const { status, body } = await answer;
    if (status >= 300) throw new Error(`${what} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };
  const channelIds = Array.from({ length: options.channels }, (_, c) => `gh-channel-${String(c).padStart(4, '0')}`);
  await mapConcurrent(channelIds, 16, (id) =>
    ok(`PUT /channels/${id}`, api.call('putChannel', {
      params: { channel_id: id },
      body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: 0 }, github: { owner: 'bench', repo: id, workflow: 'publish.yml', ref: 'main' } },
    })),
  );
  const videoIds = (wave: number) => Array.from({ length: options.videosPerWave }, (_, v) => `gh-video-${wave}-${String(v).padStart(4, '0')}`);
  await mapConcurrent(Array.from({ length: options.waves }, (_, w) => videoIds(w)).flat(), 16, (id) =>
    ok(`POST /videos ${id}`, api.call('createVideo', { body: { video_id: id, title: id } })),
  );
  await ok('POST /start', api.call('start'));
  const waveIds: string[] = [];
  for (let w = 0; w < options.waves; w++) {
    const scheduledAt = new Date(Date.parse(BOOKED_AT) + (w + 1) * 3_600_000).toISOString();
    const body = (await ok('POST /schedule-wave', api.call('scheduleWave', {
      body: { video_ids: videoIds(w), channel_ids: channelIds, wave_config: { timing: 'simultaneous', scheduled_at: scheduledAt } },
    }))) as { wave_id: string };
    waveIds.push(body.wave_id);
  }
  type FireHandler = (event: unknown, context: unknown) => Promise<unknown>;
  const fireSlot = ((await import('#functions/scheduled/fire-slot')) as unknown as { handler: FireHandler }).handler;
  return {
    api,
    clock,
    table,
    queue,
    async fire(index) {
      const waveId = waveIds[index] as string;
      const wave = (await ok('GET /waves/{id}', api.call('getWave', { params: { wave_id: waveId } }))) as { slots: { slot_id: string; fire_at: string }[] };
      for (const slot of wave.slots) {
        clock.set(slot.fire_at);
        await fireSlot({ slot_id: slot.slot_id, group_id: waveId, fire_at: slot.fire_at }, lambdaContext('fire-slot', 120_000));
      }
      return wave.slots.length;
    },
  };
}

/** PipelineDispatch on the DynamoDB adapters, as the composition root builds it, with the given GitHub, pacing and clock. */
function dispatcherOn(
  table: TableContext,
  options: { github: GitHubWorkflows; rates: PacerRates; clock: Clock; requeue: TriggerQueue; credential: string },
): PipelineDispatch {
  return new PipelineDispatch({
    runs: new DynamoPipelineRunRepository(table),
    publications: new DynamoPublicationRepository(table, { repairIndexEntries: true }),
    channels: new DynamoChannelRepository(table),
    state: new DynamoSystemStateRepository(table),
    github: options.github,
    effects: new DynamoRunEffects(table),
    pacer: new DynamoDispatchPacer(table, options.rates),
    processing: new RecordingProcessingQueue(),
    requeue: options.requeue,
    activity: new DynamoActivityLog(table, options.clock, 30),
    clock: options.clock,
    ids: ulidGenerator(options.clock),
    credential: options.credential,
  });
}

// ---- the queue between them ----

interface QueuedMessage {
  body: string;
  dueAtMs: number;
  receiveCount: number;
}

/**
 * The trigger queue as SQS keeps it, in memory: JSON bodies, per-message
 * delays, a receive count, and a dead-letter queue after MAX_RECEIVE_COUNT
 * receives that threw.
 */
class BenchTriggerQueue implements TriggerQueue {
  private readonly messages: QueuedMessage[] = [];
  /** Every trigger sent, with its delay. */
  readonly sent: { triggerId: string; delaySeconds: number }[] = [];
  readonly deadLettered: string[] = [];

  constructor(private readonly clock: Clock) {}

  get waiting(): number {
    return this.messages.length;
  }

  async send(triggers: readonly PipelineTrigger[], options?: SendOptions): Promise<void> {
    const delaySeconds = delayOf(options);
    const dueAtMs = this.clock.now().getTime() + delaySeconds * 1000;
    for (const trigger of triggers) {
      this.messages.push({ body: JSON.stringify(trigger), dueAtMs, receiveCount: 0 });
      this.sent.push({ triggerId: trigger.trigger_id, delaySeconds });
    }
  }

  async depth(): Promise<QueueDepth> {
    return { pending: this.messages.length, in_flight: 0, dead_letter: this.deadLettered.length };
  }

  /** The first message due, taken off the queue (in flight) with its receive count raised; null when none is due. */
  receive(): QueuedMessage | null {
    const now = this.clock.now().getTime();
    const index = this.messages.findIndex((m) => m.dueAtMs <= now);
    if (index < 0) return null;
    const [message] = this.messages.splice(index, 1) as [QueuedMessage];
    message.receiveCount += 1;
    return message;
  }

  /** A receive that threw: the message comes back after the visibility timeout, or goes to the dead-letter queue. */
  release(message: QueuedMessage): void {
    if (message.receiveCount >= MAX_RECEIVE_COUNT) {
      this.deadLettered.push(message.body);
      return;
    }
    message.dueAtMs = this.clock.now().getTime() + VISIBILITY_TIMEOUT_MS;
    this.messages.push(message);
  }

  nextDueAt(): number | null {
    return this.messages.length === 0 ? null : Math.min(...this.messages.map((m) => m.dueAtMs));
  }
}

interface Delivery {
  ms: number;
  outcomes: RunOutcome[];
  error: string | null;
}

type Receiver = Pick<PipelineDispatch, 'receive'>;

/** How receivers wait for a delayed message when nothing is in flight. */
type QueueTime = (dueAtMs: number) => Promise<void>;
const realTime: QueueTime = (dueAtMs) => sleep(Math.max(1, dueAtMs - Date.now()));
const fakeTime = (clock: FixedClock): QueueTime => async (dueAtMs) => clock.set(new Date(Math.max(dueAtMs, clock.now().getTime())).toISOString());

/**
 * Receives until the queue is empty, one receiver a loop, each message as
 * functions/queue/pipeline-triggers.ts takes it: the body parsed, then
 * `receive(trigger, receiveCount)`; one that throws is left to the queue.
 */
async function drain(queue: BenchTriggerQueue, receivers: readonly Receiver[], wait: QueueTime): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  let inFlight = 0;
  const loop = async (receiver: Receiver): Promise<void> => {
    for (;;) {
      const message = queue.receive();
      if (message) {
        inFlight++;
        const started = performance.now();
        let result: DispatchResult | null = null;
        let error: string | null = null;
        try {
          result = await receiver.receive(pipelineTriggerMessage.parse(JSON.parse(message.body)), message.receiveCount);
        } catch (thrown) {
          error = thrown instanceof Error ? thrown.message : String(thrown);
          queue.release(message);
        } finally {
          inFlight--;
        }
        deliveries.push({ ms: performance.now() - started, outcomes: result?.runs.map((r) => r.outcome) ?? [], error });
        continue;
      }
      const next = queue.nextDueAt();
      if (next === null && inFlight === 0) return;
      // Another receiver may still send something back: wait for it before moving time on.
      if (next === null || inFlight > 0) await sleep(2);
      else await wait(next);
    }
  };
  await Promise.all(receivers.map(loop));
  return deliveries;
}

// ---- arithmetic ----

function isDispatchRequest(request: { method: string; path: string }): boolean {
  return request.method === 'POST' && request.path.endsWith('/dispatches');
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
