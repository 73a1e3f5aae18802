import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamoDb } from '#infra/local/embedded-dynamodb';
import { LOCAL_TABLE_NAME } from '#infra/local/local-orchestrator';
import type { SlotSchedulerSnapshot } from '#shared/adapters/local/in-process-slot-scheduler';
import type { TriggerQueueSnapshot } from '#shared/adapters/local/in-process-trigger-queue';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';
import { UNRECEIVED_MS } from '#shared/services/publication-reconciliation';
import { scanTable } from './embedded-table';
import { describeViolations, invariantViolations, wasCommitted } from './invariants';
import { LocalServer, type ApiResponse, type RequestOptions } from './local-server';

/**
 * The chaos workload of issue 7 ("Exactly once under crashes, races and
 * timeouts"), shared by tests/e2e/chaos.test.ts and `npm run bench chaos`.
 *
 * One DATA_DIR and `npm start` on it, the system started, six channels and
 * twenty videos. Each round:
 * 1. what a client does once the server is back: it retries what the last
 *    kill cut off (a booking only when it carries an Idempotency-Key: the
 *    same key and body; cancels and channel replacements always), and sends
 *    two bookings that run to their answer;
 * 2. a burst of 4-7 new requests at once (waves, coordinations with shift,
 *    reject and preempt and priorities 0-9, cancels of earlier groups and
 *    publications, a channel deleted with ?force=true and PUT again), for
 *    times from seconds ahead (their slots fire during the run) to days;
 * 3. kill -9 of the server 5-300 ms into the burst, and a restart on the
 *    same DATA_DIR.
 * Every random choice comes from the seed; the kill lands wherever the
 * server is at that wall-clock moment, so outcomes differ from run to run.
 *
 * Then the last server runs until its first reconciliation (which treats
 * every booking of the dead processes as dead) has finished and the queue is
 * empty, and stops cleanly. The world is read from DATA_DIR alone: the table
 * (a dynalite of this process on DATA_DIR/dynamodb), the pending schedules
 * (slot-schedules.json) and the queue (trigger-queue.json), and held to
 * tests/helpers/invariants.ts, with the publications of every 201 and 202
 * answer as the accepted set. On top: every accepted group is committed and
 * has every publication its answer counted, no group is left `planning`,
 * and an Idempotency-Key booked one group at most.
 *
 * The triggers sent, from durable state: the in-process queue keeps only
 * what is still queued, and the consumer records a publication's first
 * receipt (`trigger_received_at`). So the triggers are one per publication
 * received, plus every message still queued or dead-lettered, plus one per
 * `dispatching` publication whose trigger the reconciliation will send again
 * (a process killed between marking a slot's publications `dispatching` and
 * sending their trigger; the reconciliation re-sends after UNRECEIVED_MS,
 * which this run does not wait for, so such a publication counts as carried
 * only while that resend is not yet due). `triggersMayRepeat` is on, since a
 * publication may be received and queued again. What `dispatched_once`
 * proves here: every publication that left `scheduled` was (or is about to
 * be) carried by a trigger, none still `scheduled` was, and no trigger names
 * a publication that does not exist. A second delivery that the consumer
 * absorbed leaves no durable trace, so it is not counted.
 */

export interface ChaosOptions {
  /** An empty directory for DATA_DIR. */
  dataDir: string;
  /** Rounds of burst + kill -9 + restart (20 by default). */
  rounds?: number;
  /** Seeds every random choice (random by default; the report says which). */
  seed?: number;
  /** Progress lines (one a round). */
  log?: (line: string) => void;
  /** Keeps each server's output there (server-<n>.log), to investigate a run. */
  serverLogDir?: string;
}

export interface ChaosReport {
  seed: number;
  rounds: number;
  kills: number;
  /** Requests of the workload (set-up, rounds, retries); the reads that watch the run are not counted. */
  requests: number;
  /** Answers by HTTP status, with the error code of a refusal; `lost` counts requests a kill cut off. */
  answers: Record<string, number>;
  /** Publications of every 201/202 answer (a wave's: the publications of its group). */
  accepted: number;
  /** Bookings sent with an Idempotency-Key, and those whose first attempt was still in progress when the run ended (never answered). */
  keyed: { sent: number; unresolved: number };
  /** Groups (coordinations and waves) by final status, as the table holds them. */
  groups: Record<string, number>;
  /** Publications by final status. */
  publications: Record<string, number>;
  /** `coordination.rolled_back` activity entries, and the distinct groups they name. */
  rollbacks: { entries: number; groups: number };
  /** Items whose index entries a kill left half-written, repaired by the next server before serving. */
  repairedItems: number;
  /** `dispatching` publications whose trigger a kill lost and the reconciliation will send again. */
  awaitingResend: number;
  /** Every guarantee broken, one line each (`invariant: detail`); empty when they all hold. */
  violations: string[];
  /** ERROR lines the servers logged, each prefixed with the server's number (1: the first). */
  serverErrors: string[];
  durationMs: number;
}

/** Six channels: time zones around the world, gaps from none to an hour, daily caps from none to six. */
export const CHAOS_CHANNELS: readonly { id: string; body: Record<string, unknown> }[] = [
  { id: 'chaos-utc', body: { name: 'UTC', priority: 5, publishing: { timezone: 'UTC', slots: ['09:00', '18:00'], min_gap_minutes: 0 } } },
  { id: 'chaos-paris', body: { name: 'Paris', priority: 7, publishing: { timezone: 'Europe/Paris', slots: ['08:00', '12:30', '19:00'], min_gap_minutes: 15, max_per_day: 12 } } },
  { id: 'chaos-ny', body: { name: 'New York', priority: 4, publishing: { timezone: 'America/New_York', slots: ['07:00', '17:00'], min_gap_minutes: 30, max_per_day: 8 } } },
  { id: 'chaos-tokyo', body: { name: 'Tokyo', priority: 6, publishing: { timezone: 'Asia/Tokyo', slots: ['06:00', '21:00'], min_gap_minutes: 5, max_per_day: 20 } } },
  { id: 'chaos-sydney', body: { name: 'Sydney', priority: 3, publishing: { timezone: 'Australia/Sydney', slots: ['10:00'], min_gap_minutes: 60, max_per_day: 6 } } },
  { id: 'chaos-kolkata', body: { name: 'Kolkata', priority: 8, publishing: { timezone: 'Asia/Kolkata', slots: [], min_gap_minutes: 10 } } },
];
export const CHAOS_VIDEOS: readonly string[] = Array.from({ length: 20 }, (_, i) => `chaos-v${String(i).padStart(2, '0')}`);

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The local reconciliation's period in this run (RECONCILE_INTERVAL_SECONDS). */
const RECONCILE_INTERVAL_SECONDS = 2;
/** Bookings a round sends before its burst, each answered. */
const CALM_BOOKINGS = 2;
/** How far into a burst the kill lands, at most. */
const MAX_KILL_DELAY_MS = 300;
/** How long the last server retries keyed bookings whose first attempt is still in progress (that lasts the 30-second API timeout). */
const FINAL_RETRY_MS = 12_000;
/** How long the last server may take to settle (its first reconciliation done, the queue drained). */
const SETTLE_TIMEOUT_MS = 30_000;

/** Runs the chaos workload and reads the world it leaves: see the module comment. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  return new ChaosRun(options).execute();
}

/** mulberry32: small, fast and good enough to pick requests; the seed makes the requests repeatable. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const picked: T[] = [];
    while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0] as T);
    return picked;
  }
}

type GroupKind = 'wave' | 'coordination';

/** A request of the workload; `retry` when its answer was lost (or said to try later) and a client would send it again. */
interface Operation {
  send(): Promise<'done' | 'retry'>;
  /** Not to be retried before this time (epoch ms): a 409 idempotency_in_progress's retry-after. */
  notBefore: number;
}

/** A booking sent with an Idempotency-Key: the groups it may have booked are those of its kind at its (unique) base time. */
interface KeyedBooking {
  key: string;
  kind: GroupKind;
  scheduledAt: string;
}

class ChaosRun {
  private readonly seed: number;
  private readonly rounds: number;
  private readonly random: SeededRandom;
  private readonly log: (line: string) => void;
  private server: LocalServer | undefined;
  private round = 0;
  private servers = 0;
  private kills = 0;
  private requests = 0;
  private readonly answers = new Map<string, number>();
  /** Publication ids the answers named (coordinations). */
  private readonly acceptedIds = new Set<string>();
  /** Groups an answer accepted, with the publication count it gave (null: a 202, which does not say). */
  private readonly acceptedGroups = new Map<string, number | null>();
  /** Every group an answer named, and every publication: what the cancels pick from. */
  private readonly knownGroups: { kind: GroupKind; id: string }[] = [];
  private readonly knownPublications: string[] = [];
  private readonly keyedBookings: KeyedBooking[] = [];
  private readonly usedSeconds = new Set<number>();
  private retries: Operation[] = [];
  private readonly serverErrors: string[] = [];
  private repairedItems = 0;

  constructor(private readonly options: ChaosOptions) {
    this.seed = options.seed ?? Math.floor(Math.random() * 1_000_000);
    this.rounds = options.rounds ?? 20;
    this.random = new SeededRandom(this.seed);
    this.log = options.log ?? (() => undefined);
  }

  async execute(): Promise<ChaosReport> {
    const startedAt = Date.now();
    try {
      await this.startServer();
      await this.setUp();
      for (this.round = 1; this.round <= this.rounds; this.round++) {
        const began = Date.now();
        const { sent, killAfterMs } = await this.runRound();
        await this.startServer();
        this.log(`round ${this.round}/${this.rounds}: ${sent} requests, kill -9 ${killAfterMs} ms into the burst, ${Date.now() - began} ms with the restart; ${this.retries.length} to retry`);
      }
      const unresolvedRetries = await this.retryTheRest();
      await this.settle();
      const rollbacks = await this.rollbacks();
      await this.stopServer('SIGTERM');
      const world = await this.readWorld();
      return {
        seed: this.seed,
        rounds: this.rounds,
        kills: this.kills,
        requests: this.requests,
        answers: Object.fromEntries([...this.answers].sort(([a], [b]) => (a < b ? -1 : 1))),
        accepted: world.accepted,
        keyed: { sent: this.keyedBookings.length, unresolved: unresolvedRetries },
        groups: world.groups,
        publications: world.publications,
        rollbacks,
        repairedItems: this.repairedItems,
        awaitingResend: world.awaitingResend,
        violations: world.violations,
        serverErrors: this.serverErrors,
        durationMs: Date.now() - startedAt,
      };
    } finally {
      if (this.server) await this.stopServer('SIGKILL');
    }
  }

  // ---- the server's life ----

  private async startServer(): Promise<void> {
    this.servers++;
    this.server = await LocalServer.start({
      dataDir: this.options.dataDir,
      // INFO: the end of the first reconciliation is its "reconciliation done" line.
      env: { RECONCILE_INTERVAL_SECONDS: String(RECONCILE_INTERVAL_SECONDS), POWERTOOLS_LOG_LEVEL: 'INFO' },
    });
  }

  /** Stops the server (SIGKILL: kill -9) and reads what it printed: its ERROR lines, and the index repair at its start. */
  private async stopServer(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const server = this.api;
    this.server = undefined;
    const exitCode = await server.stop(signal);
    const log = server.log();
    if (this.options.serverLogDir) {
      await mkdir(this.options.serverLogDir, { recursive: true });
      await writeFile(path.join(this.options.serverLogDir, `server-${this.servers}.log`), log);
    }
    this.serverErrors.push(...log.split('\n').filter((line) => line.includes('"level":"ERROR"')).map((line) => `server ${this.servers}: ${line}`));
    this.repairedItems += Number(/repaired the index entries of (\d+) item/.exec(log)?.[1] ?? 0);
    if (signal === 'SIGKILL') this.kills++;
    else if (exitCode !== 0) throw new Error(`the last server did not stop cleanly (exit ${exitCode})\n${log.slice(-5_000)}`);
  }

  private get api(): LocalServer {
    if (!this.server) throw new Error('no server is running');
    return this.server;
  }

  /** Channels, videos and a running system: nothing is killed here. */
  private async setUp(): Promise<void> {
    const expectOk = (answer: ApiResponse | null, what: string) => {
      if (!answer || answer.status >= 300) throw new Error(`set-up failed: ${what} answered ${answer?.status}: ${JSON.stringify(answer?.body)}`);
    };
    expectOk(await this.call('POST', '/start'), 'POST /start');
    for (const { id, body } of CHAOS_CHANNELS) expectOk(await this.call('PUT', `/channels/${id}`, { body }), `PUT /channels/${id}`);
    for (const id of CHAOS_VIDEOS) expectOk(await this.call('POST', '/videos', { body: { video_id: id, title: `Chaos ${id}` } }), `POST /videos ${id}`);
  }

  /** One round: the retries due and two answered bookings, then a burst cut off by kill -9 (see the module comment). */
  private async runRound(): Promise<{ sent: number; killAfterMs: number }> {
    const now = Date.now();
    const due = this.retries.filter((operation) => operation.notBefore <= now);
    this.retries = this.retries.filter((operation) => operation.notBefore > now);
    const calm = [...due, ...this.newOperations(CALM_BOOKINGS)];
    await Promise.all(calm.map((operation) => this.perform(operation)));

    const burst = this.newOperations(this.random.int(4, 7));
    const killAfterMs = this.random.int(5, MAX_KILL_DELAY_MS);
    const starts = burst.map(() => this.random.int(0, 40));
    const sending = burst.map(async (operation, i) => {
      await sleep(starts[i] as number);
      await this.perform(operation);
    });
    await sleep(killAfterMs);
    await this.stopServer('SIGKILL');
    await Promise.all(sending);
    return { sent: calm.length + burst.length, killAfterMs };
  }

  /** Sends an operation; one to retry waits for a later round. */
  private async perform(operation: Operation): Promise<void> {
    if ((await operation.send()) === 'retry') this.retries.push(operation);
  }

  /**
   * After the rounds, on the last server: retries what is left until it is
   * answered, for FINAL_RETRY_MS at most (a keyed booking cut off in the last
   * rounds stays in progress for the rest of its 30 seconds).
   * @returns how many were never answered.
   */
  private async retryTheRest(): Promise<number> {
    const until = Date.now() + FINAL_RETRY_MS;
    while (this.retries.length > 0) {
      const next = Math.min(...this.retries.map((operation) => operation.notBefore));
      if (next > until) break;
      await sleep(Math.max(0, next - Date.now()));
      const now = Date.now();
      const due = this.retries.filter((operation) => operation.notBefore <= now);
      this.retries = this.retries.filter((operation) => operation.notBefore > now);
      await Promise.all(due.map((operation) => this.perform(operation)));
    }
    return this.retries.length;
  }

  /** Waits for the last server's first reconciliation to end and for its queue to be empty. */
  private async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const reconciled = this.api.log().includes('"message":"reconciliation done"');
      const status = await this.api.request('GET', '/status');
      const queue = status.body?.queue as { pending: number; in_flight: number } | undefined;
      if (reconciled && queue?.pending === 0 && queue.in_flight === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`the last server did not settle within ${SETTLE_TIMEOUT_MS} ms (reconciled: ${reconciled}, queue: ${JSON.stringify(queue)})`);
      }
      await sleep(250);
    }
  }

  /** The reconciliations' rollbacks, from the audit trail (GET /activity?type=coordination.rolled_back, every page). */
  private async rollbacks(): Promise<{ entries: number; groups: number }> {
    const targets: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/activity?type=coordination.rolled_back&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await this.api.request('GET', query);
      if (page.status !== 200) throw new Error(`GET /activity answered ${page.status}: ${JSON.stringify(page.body)}`);
      targets.push(...(page.body.items as { target: { id: string } }[]).map((entry) => entry.target.id));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    return { entries: targets.length, groups: new Set(targets).size };
  }

  /** One request of the workload; null when a kill cut it off (no answer, or half of one). */
  private async call(method: string, pathAndQuery: string, options: RequestOptions = {}): Promise<ApiResponse | null> {
    this.requests++;
    try {
      // Sent after the kill: nobody listens (a refused connection).
      if (!this.server) throw new TypeError('fetch failed: the server is down');
      const answer = await this.server.request(method, pathAndQuery, options);
      const code = answer.status >= 400 ? (answer.body?.error?.code as string | undefined) : undefined;
      this.count(code ? `${answer.status} ${code}` : String(answer.status));
      return answer;
    } catch (error) {
      // fetch reports a refused or reset connection (and a body cut short) as a TypeError; anything else is a finding.
      if (!(error instanceof TypeError)) throw error;
      this.count('lost');
      return null;
    }
  }

  private count(outcome: string): void {
    this.answers.set(outcome, (this.answers.get(outcome) ?? 0) + 1);
  }

  // ---- the workload ----

  /** `bookings` waves and coordinations, with a few cancels of earlier groups and publications and, at times, a channel replaced. */
  private newOperations(bookings: number): Operation[] {
    const operations: Operation[] = [];
    for (let i = 0; i < bookings; i++) operations.push(this.booking(this.random.chance(0.45) ? 'wave' : 'coordination'));
    const groupCancels = this.knownGroups.length === 0 ? 0 : this.random.int(0, 2);
    for (let i = 0; i < groupCancels; i++) operations.push(this.groupCancel(this.random.pick(this.knownGroups)));
    const publicationCancels = this.knownPublications.length === 0 ? 0 : this.random.int(0, 2);
    for (let i = 0; i < publicationCancels; i++) operations.push(this.publicationCancel(this.random.pick(this.knownPublications)));
    if (this.random.chance(0.2)) operations.push(this.channelReplacement(this.random.pick(CHAOS_CHANNELS)));
    return operations;
  }

  /**
   * A wave or a coordination: random channels, videos, timing, time, policy
   * and priority. Half of those of the first third of the rounds carry an
   * Idempotency-Key: a retry meets its first attempt `in progress` for the
   * 30 seconds of the API's timeout, so keys sent later would mostly end the
   * run unanswered.
   */
  private booking(kind: GroupKind): Operation {
    const keyed = this.round <= this.rounds / 3 && this.random.chance(0.5);
    const scheduledAt = this.bookingTime(keyed);
    const channelIds = this.random.sample(CHAOS_CHANNELS, this.random.int(2, 4)).map((c) => c.id);
    const policy = this.random.pick(['shift', 'shift', 'reject', 'preempt', 'preempt'] as const);
    const priority = this.random.int(0, 9);
    let body: Record<string, unknown>;
    if (kind === 'wave') {
      const timing = this.random.pick(['simultaneous', 'staggered'] as const);
      body = {
        video_ids: this.random.sample(CHAOS_VIDEOS, this.random.int(1, 4)),
        channel_ids: channelIds,
        wave_config: {
          timing,
          ...(scheduledAt ? { scheduled_at: scheduledAt } : {}),
          ...(timing === 'staggered' ? { delay_seconds: this.random.int(30, 900), stagger_by: this.random.pick(['video', 'channel'] as const) } : {}),
        },
        priority,
        conflict_policy: policy,
      };
    } else {
      const timing = this.random.pick(['simultaneous', 'staggered', 'independent'] as const);
      body = {
        video_id: this.random.pick(CHAOS_VIDEOS),
        channel_ids: channelIds,
        timing,
        ...(scheduledAt ? { scheduled_at: scheduledAt } : {}),
        ...(timing === 'staggered' ? { delay_seconds: this.random.int(30, 900) } : {}),
        priority,
        conflict_policy: policy,
      };
    }
    const key = keyed ? `chaos-${this.seed}-${this.keyedBookings.length}` : undefined;
    if (key && scheduledAt) this.keyedBookings.push({ key, kind, scheduledAt });
    const operation: Operation = {
      notBefore: 0,
      send: async () => {
        const answer = await this.call('POST', kind === 'wave' ? '/schedule-wave' : '/coordinate-publication', {
          body,
          ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
        });
        if (!answer) return key ? 'retry' : 'done';
        if (answer.status === 409 && answer.body?.error?.code === 'idempotency_in_progress') {
          operation.notBefore = Date.now() + Number(answer.headers.get('retry-after') ?? 2) * SECOND;
          return 'retry';
        }
        this.bookingAnswered(kind, answer);
        return 'done';
      },
    };
    return operation;
  }

  /**
   * When a booking asks for: seconds ahead (its slot fires during the run),
   * minutes, hours or days ahead, or now (absent). A keyed booking asks for
   * ten minutes ahead at least, so that its retry asks for the very same
   * time; every time asked for is a second of its own.
   */
  private bookingTime(keyed: boolean): string | undefined {
    const roll = this.random.next();
    if (!keyed && roll < 0.05) return undefined;
    const ahead =
      !keyed && roll < 0.3
        ? this.random.int(2, 8) * SECOND
        : roll < 0.6
          ? this.random.int(10, 120) * MINUTE
          : roll < 0.85
            ? this.random.int(2, 48) * HOUR
            : this.random.int(2, 5) * DAY + this.random.int(0, DAY / SECOND) * SECOND;
    let second = Math.ceil((Date.now() + ahead) / SECOND);
    while (this.usedSeconds.has(second)) second++;
    this.usedSeconds.add(second);
    return new Date(second * SECOND).toISOString();
  }

  private bookingAnswered(kind: GroupKind, answer: ApiResponse): void {
    const groupId = answer.body?.[kind === 'wave' ? 'wave_id' : 'coordination_id'] as string | undefined;
    if (!groupId || (answer.status !== 201 && answer.status !== 202)) return;
    this.knownGroups.push({ kind, id: groupId });
    if (answer.status === 202) {
      // An earlier attempt's group: accepted if it was committed; one still planning must end committed or undone.
      if (answer.body.status === 'scheduled' || answer.body.status === 'cancelled') {
        if (!this.acceptedGroups.has(groupId)) this.acceptedGroups.set(groupId, null);
      }
    } else if (kind === 'wave') {
      this.acceptedGroups.set(groupId, answer.body.total_publications as number);
    } else {
      const ids = (answer.body.publications as { publication_id: string | null }[]).flatMap((p) => (p.publication_id ? [p.publication_id] : []));
      ids.forEach((id) => this.acceptedIds.add(id));
      this.knownPublications.push(...ids);
      this.acceptedGroups.set(groupId, ids.length);
    }
  }

  private groupCancel(group: { kind: GroupKind; id: string }): Operation {
    const cancelPath = `/${group.kind === 'wave' ? 'waves' : 'coordinations'}/${group.id}/cancel`;
    return { notBefore: 0, send: async () => ((await this.call('POST', cancelPath, { body: { reason: 'chaos' } })) ? 'done' : 'retry') };
  }

  private publicationCancel(publicationId: string): Operation {
    return { notBefore: 0, send: async () => ((await this.call('POST', `/publications/${publicationId}/cancel`, { body: {} })) ? 'done' : 'retry') };
  }

  /** DELETE ?force=true, then PUT the channel again; a lost step is retried from where it stood. */
  private channelReplacement(channel: { id: string; body: Record<string, unknown> }): Operation {
    let step: 'delete' | 'put' = 'delete';
    return {
      notBefore: 0,
      send: async () => {
        if (step === 'delete') {
          const deleted = await this.call('DELETE', `/channels/${channel.id}?force=true`);
          if (!deleted) return 'retry';
          // Busy (a booking in flight): the channel stays, there is nothing to put back.
          if (deleted.status === 409) return 'done';
          step = 'put';
        }
        return (await this.call('PUT', `/channels/${channel.id}`, { body: channel.body })) ? 'done' : 'retry';
      },
    };
  }

  // ---- the world, read from DATA_DIR ----

  private async readWorld(): Promise<{
    accepted: number;
    awaitingResend: number;
    groups: Record<string, number>;
    publications: Record<string, number>;
    violations: string[];
  }> {
    const dataDir = this.options.dataDir;
    const dynamo = await startEmbeddedDynamoDb({ directory: path.join(dataDir, 'dynamodb') });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    let items: Record<string, unknown>[];
    try {
      items = await scanTable({ tableName: LOCAL_TABLE_NAME, doc: DynamoDBDocumentClient.from(client) });
    } finally {
      client.destroy();
      await dynamo.close();
    }
    const schedules = (await readJson<SlotSchedulerSnapshot>(path.join(dataDir, 'slot-schedules.json')))?.schedules ?? [];
    const queue = await readJson<TriggerQueueSnapshot>(path.join(dataDir, 'trigger-queue.json'));
    const now = Date.now();
    const publications = items.filter((item) => item.entity === 'publication');
    const groups = items.filter((item) => item.entity === 'group');

    const queued = [...(queue?.messages ?? []), ...(queue?.dead_letters ?? [])].map((message) => JSON.parse(message.body) as PipelineTrigger);
    const inQueue = new Set(queued.flatMap((trigger) => trigger.publications.map((p) => p.publication_id)));
    const received = publications.filter((p) => typeof p.trigger_received_at === 'string');
    // Lost between `dispatching` and the send: the reconciliation sends it again once unreceived for UNRECEIVED_MS.
    const resendNotYetDue = publications.filter(
      (p) =>
        p.status === 'dispatching' &&
        typeof p.trigger_received_at !== 'string' &&
        !inQueue.has(String(p.publication_id)) &&
        Date.parse(String(p.updated_at)) > now - UNRECEIVED_MS - 2 * RECONCILE_INTERVAL_SECONDS * SECOND,
    );
    const triggers: PipelineTrigger[] = [
      ...received.map((p) => triggerOf(p, 'received', String(p.trigger_received_at))),
      ...queued,
      ...resendNotYetDue.map((p) => triggerOf(p, 'resend-due', String(p.updated_at))),
    ];

    const violations: string[] = [];
    const accepted = new Set(this.acceptedIds);
    for (const [groupId, answered] of this.acceptedGroups) {
      const group = groups.find((g) => g.group_id === groupId);
      const own = publications.filter((p) => p.group_id === groupId);
      own.forEach((p) => accepted.add(String(p.publication_id)));
      if (!group) {
        violations.push(`accepted_exist_once: accepted group ${groupId} does not exist`);
        continue;
      }
      const committed = wasCommitted({
        status: String(group.status),
        total_publications: Number(group.total_publications ?? 0),
        first_at: (group.first_at as string | null | undefined) ?? null,
        committed_at: (group.committed_at as string | null | undefined) ?? null,
      });
      if (!committed) violations.push(`accepted_exist_once: accepted group ${groupId} is ${String(group.status)}, never committed`);
      const expected = answered ?? Number(group.total_publications ?? 0);
      if (own.length !== expected) violations.push(`accepted_exist_once: accepted group ${groupId} answered ${expected} publications, ${own.length} exist`);
    }
    for (const group of groups.filter((g) => g.status === 'planning')) {
      violations.push(`settled: group ${String(group.group_id)} is still planning (created ${String(group.created_at)}, lease owner ${String(group.lease_owner)})`);
    }
    for (const booking of this.keyedBookings) {
      const booked = groups.filter((g) => g.kind === booking.kind && g.scheduled_at === booking.scheduledAt && g.status !== 'failed' && g.status !== 'planning');
      if (booked.length > 1) {
        violations.push(`idempotent_retry: Idempotency-Key ${booking.key} booked ${booked.length} groups: ${booked.map((g) => String(g.group_id)).join(', ')}`);
      }
    }
    const snapshot = { items, schedules: schedules.map((s) => s.slot), triggers, now, accepted: [...accepted] };
    violations.push(...describeViolations(invariantViolations(snapshot, { triggersMayRepeat: true })));
    return {
      accepted: accepted.size,
      awaitingResend: resendNotYetDue.length,
      groups: tally(groups.map((g) => String(g.status))),
      publications: tally(publications.map((p) => String(p.status))),
      violations,
    };
  }
}

/** A trigger carrying one publication, as the durable state shows it was (or is about to be) sent. */
function triggerOf(publication: Record<string, unknown>, how: string, at: string): PipelineTrigger {
  return {
    trigger_id: `${how}/${String(publication.publication_id)}`,
    channel_id: String(publication.channel_id),
    slot_id: String(publication.slot_id),
    publications: [{ publication_id: String(publication.publication_id), video_id: String(publication.video_id) }],
    priority: 'normal',
    enqueued_at: at,
  };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
