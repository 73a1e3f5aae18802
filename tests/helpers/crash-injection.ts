import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '#shared/adapters/dynamodb/document-client';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoLedgerRepository } from '#shared/adapters/dynamodb/ledger-repository';
import { DynamoJobCursorRepository } from '#shared/adapters/dynamodb/job-cursor-repository';
import { DynamoPublicationGroupRepository } from '#shared/adapters/dynamodb/publication-group-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { DynamoSystemStateRepository } from '#shared/adapters/dynamodb/system-state-repository';
import { DynamoVideoRepository } from '#shared/adapters/dynamodb/video-repository';
import { ulidGenerator } from '#shared/adapters/ulid-generator';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { EnsureResult, SlotSchedule, SlotScheduler } from '#shared/ports/slot-scheduler';
import type { PipelineTrigger, QueueDepth, SendOptions, TriggerQueue } from '#shared/ports/trigger-queue';
import { ChannelRegistry } from '#shared/services/channel-registry';
import { ChannelRemoval } from '#shared/services/channel-removal';
import { GroupBooking } from '#shared/services/group-booking';
import { LedgerBookkeeping } from '#shared/services/ledger-bookkeeping';
import { PublicationCancellation } from '#shared/services/publication-cancellation';
import { PublicationReconciliation } from '#shared/services/publication-reconciliation';
import { SlotDispatch } from '#shared/services/slot-dispatch';
import { SystemControl } from '#shared/services/system-control';
import { VideoCatalog } from '#shared/services/video-catalog';
import { DynamoDispatchPacer } from '#shared/adapters/dynamodb/dispatch-pacer';
import { DynamoPipelineRunRepository } from '#shared/adapters/dynamodb/pipeline-run-repository';
import { DynamoRunEffects } from '#shared/adapters/dynamodb/run-effects';
import type { DispatchedWorkflowRun, GitHubWorkflows, WorkflowRunState, WorkflowTarget } from '#shared/ports/github';
import type { ProcessingJob, ProcessingQueue } from '#shared/ports/processing-queue';
import { PipelineDispatch } from '#shared/services/pipeline-dispatch';
import { RunReconciliation } from '#shared/services/run-reconciliation';
import { RunTracking } from '#shared/services/run-tracking';

/**
 * Crashes on demand: a process that dies right after its N-th write reached
 * the store (DynamoDB, Scheduler or SQS), and stays dead. Whatever it wrote
 * before stands; nothing after it happens. Recovery is then a new process
 * (`serviceGraph` again, crashAfter Infinity) over the same table, scheduler
 * and queue, which is what a Lambda retry or the next reconciliation is.
 */

/** What a dead process's every call throws. */
export class SimulatedCrash extends Error {
  constructor(readonly afterWrite: number) {
    super(`simulated crash after write ${afterWrite}`);
    this.name = 'SimulatedCrash';
  }
}

/** DynamoDB commands that change the table (the SDK's names, with or without `Command`). */
export const WRITE_COMMANDS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** One write the process attempted, for reading which write a crash point follows. */
export interface WriteRecord {
  /** 1-based: crashAfter N stops after the write whose index is N. */
  index: number;
  command: string;
  /** The keys it touched (`pk|sk`), the slots or the triggers. */
  target: string;
}

/**
 * The life of one process: counts its writes, dies after the `crashAfter`-th
 * one completes (a conditional-check failure counts: the write reached the
 * store), and from then on fails every call. Calls already in flight when it
 * dies finish at the store but answer SimulatedCrash, as a process that died
 * waiting for them would never see their answers; a write begun after the
 * fatal one was begun never reaches the store. So crashAfter N leaves exactly
 * the first N writes done, whatever the concurrency.
 */
export class ProcessLife {
  private count = 0;
  private deadFlag = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly log: WriteRecord[] = [];

  constructor(
    readonly crashAfter: number = Infinity,
    /** Dies instead of making the write this names (set-ups that stop a request at a chosen step). */
    private readonly dieBefore?: (write: { command: string; target: string }, log: readonly WriteRecord[]) => boolean,
  ) {}

  /** Writes attempted so far. */
  get writes(): number {
    return this.count;
  }

  get dead(): boolean {
    return this.deadFlag;
  }

  /** Runs one call of the process; `write` names it when it changes something. */
  async call<T>(write: { command: string; target: string } | null, action: () => Promise<T>): Promise<T> {
    if (this.deadFlag) throw new SimulatedCrash(this.crashAfter);
    let index = 0;
    if (write) {
      if (this.dieBefore?.(write, this.log)) {
        this.deadFlag = true;
        throw new SimulatedCrash(this.count);
      }
      index = ++this.count;
      if (index > this.crashAfter) {
        // Begun while the fatal write was still out: the process is gone before this one leaves.
        this.count = this.crashAfter;
        this.deadFlag = true;
        throw new SimulatedCrash(this.crashAfter);
      }
      this.log.push({ index, ...write });
    }
    const pending = action();
    this.inFlight.add(pending);
    try {
      const result = await pending;
      if (index === this.crashAfter) this.deadFlag = true;
      if (this.deadFlag) throw new SimulatedCrash(this.crashAfter);
      return result;
    } catch (error) {
      if (index === this.crashAfter) this.deadFlag = true;
      if (this.deadFlag) throw new SimulatedCrash(this.crashAfter);
      throw error;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  /** Resolves once no call of this process is still at the store, so a recovery never races the dead. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The write a crash point follows, for messages: `#3 UpdateItem PUB#pub_1|PUB`. */
  describeWrite(index: number): string {
    const record = this.log.find((r) => r.index === index);
    return record ? `#${index} ${record.command} ${record.target}` : `#${index}`;
  }
}

/** An initialize-step middleware, typed as loosely as the stack accepts it. */
type InitializeMiddleware = (
  next: (args: { input: any }) => Promise<any>,
  context: { commandName?: string },
) => (args: { input: any }) => Promise<any>;

/**
 * The SDK v3 middleware that runs every DynamoDB call through `life`: added
 * at the initialize step, it sees each logical call once (before the SDK's own
 * retries) with the document client's input still unmarshalled.
 */
export function crashInjection(life: ProcessLife): InitializeMiddleware {
  return (next, context) => (args) => {
    const command = (context.commandName ?? '').replace(/Command$/, '');
    const write = WRITE_COMMANDS.has(command) ? { command, target: targetOf(command, args.input) } : null;
    return life.call(write, () => next(args));
  };
}

/** The keys a write names, short enough for a test title. */
function targetOf(command: string, input: Record<string, unknown>): string {
  const keyText = (key: unknown) => {
    const k = (key ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => String((v as { S?: string } | undefined)?.S ?? v);
    return `${text(k.pk)}|${text(k.sk)}`;
  };
  switch (command) {
    case 'PutItem':
      return keyText(input.Item);
    case 'UpdateItem':
    case 'DeleteItem':
      return keyText(input.Key);
    case 'BatchWriteItem': {
      const requests = Object.values((input.RequestItems ?? {}) as Record<string, Record<string, { Item?: unknown; Key?: unknown }>[]>).flat();
      const keys = requests.map((r) => (r.PutRequest ? `put ${keyText(r.PutRequest.Item)}` : `delete ${keyText(r.DeleteRequest?.Key)}`));
      return `${keys.length} items: ${keys.slice(0, 2).join(', ')}${keys.length > 2 ? ', ...' : ''}`;
    }
    default:
      return `${((input.TransactItems as unknown[] | undefined) ?? []).length} items`;
  }
}

/** The scheduler, as seen from one process: ensure and remove are writes (the call took effect, then the crash). */
export class CrashingSlotScheduler implements SlotScheduler {
  constructor(
    private readonly inner: SlotScheduler,
    private readonly life: ProcessLife,
  ) {}

  async ensure(slots: readonly SlotSchedule[]): Promise<EnsureResult> {
    // An empty call makes no request to Scheduler, so it is no write.
    if (slots.length === 0) return this.life.call(null, () => this.inner.ensure(slots));
    return this.life.call({ command: 'CreateSchedule', target: slots.map((s) => s.slot_id).join(', ') }, () => this.inner.ensure(slots));
  }

  async remove(slotIds: readonly string[]): Promise<number> {
    if (slotIds.length === 0) return this.life.call(null, () => this.inner.remove(slotIds));
    return this.life.call({ command: 'DeleteSchedule', target: slotIds.join(', ') }, () => this.inner.remove(slotIds));
  }
}

/** The queue, as seen from one process: a send is a write. */
export class CrashingTriggerQueue implements TriggerQueue {
  constructor(
    private readonly inner: TriggerQueue,
    private readonly life: ProcessLife,
  ) {}

  async send(triggers: readonly PipelineTrigger[], options?: SendOptions): Promise<void> {
    if (triggers.length === 0) return this.life.call(null, () => this.inner.send(triggers, options));
    return this.life.call({ command: 'SendMessageBatch', target: triggers.map((t) => t.trigger_id).join(', ') }, () =>
      this.inner.send(triggers, options),
    );
  }

  async depth(): Promise<QueueDepth> {
    return this.life.call(null, () => this.inner.depth());
  }
}

/** GitHub, as seen from one process: a dispatch GitHub accepted is a write (the run started, then the crash). */
export class CrashingGitHub implements GitHubWorkflows {
  constructor(
    private readonly inner: GitHubWorkflows,
    private readonly life: ProcessLife,
  ) {}

  async dispatch(target: WorkflowTarget, inputs: Record<string, string>): Promise<DispatchedWorkflowRun> {
    return this.life.call({ command: 'workflow_dispatch', target: `${target.owner}/${target.repo} ${inputs.run_id ?? ''}` }, () => this.inner.dispatch(target, inputs));
  }

  async findRun(target: WorkflowTarget, nameMarker: string, createdAfter: string): Promise<WorkflowRunState | null> {
    return this.life.call(null, () => this.inner.findRun(target, nameMarker, createdAfter));
  }

  async getRun(target: Pick<WorkflowTarget, 'owner' | 'repo'>, githubRunId: number): Promise<WorkflowRunState | null> {
    return this.life.call(null, () => this.inner.getRun(target, githubRunId));
  }
}

/** The processing queue, as seen from one process: a job handed over is a write. */
export class CrashingProcessingQueue implements ProcessingQueue {
  constructor(
    private readonly inner: ProcessingQueue,
    private readonly life: ProcessLife,
  ) {}

  async send(job: ProcessingJob): Promise<void> {
    return this.life.call({ command: 'SendMessage', target: `processing ${job.run_id}` }, () => this.inner.send(job));
  }
}

/** Dispatch rates high enough that pacing never holds a guarantee scenario (pacing has its own tests). */
const SCENARIO_RATES = { perMinute: 10_000, perHour: 100_000 };

export interface ServiceGraphOptions {
  /** A clock tests can move (FixedClock). */
  clock: Clock & { advance?(ms: number): void };
  /** Survives the process, like Scheduler's schedules. */
  scheduler: SlotScheduler;
  /** Survives the process, like the SQS queue. */
  queue: TriggerQueue;
  /** The process dies after this many writes; Infinity (the default) counts without dying. */
  crashAfter?: number;
  /** The process dies instead of making the first write this names. */
  dieBefore?: ConstructorParameters<typeof ProcessLife>[1];
  /** Ids of this process; by default ULIDs on the clock, as in the composition root. */
  ids?: IdGenerator;
  /** Survives the process, like GitHub; a process without one refuses every GitHub call. */
  github?: GitHubWorkflows;
  /** Survives the process, like the processing queue's SQS queue. */
  processing?: ProcessingQueue;
}

/** What a process without a GitHub is answered. */
const NO_GITHUB: GitHubWorkflows = {
  dispatch: async () => {
    throw new Error('this world has no GitHub');
  },
  findRun: async () => null,
  getRun: async () => null,
};

/** Activity entries are kept this long in the table (the composition root reads ACTIVITY_RETENTION_DAYS; 365 is its default). */
const ACTIVITY_RETENTION_DAYS = 365;

/**
 * The real services over the real DynamoDB repositories, wired exactly as
 * shared/composition-root.ts wires them, in one process whose life is
 * `life`: its DynamoDB client carries the crash injection, its scheduler and
 * queue are the given ones seen through the same life. Build one per process;
 * `close` releases its client.
 */
export function serviceGraph(table: Pick<TableContext, 'tableName'> & { endpoint: string }, options: ServiceGraphOptions) {
  const life = new ProcessLife(options.crashAfter ?? Infinity, options.dieBefore);
  const { clock } = options;
  const client = new DynamoDBClient({
    region: 'us-east-1',
    maxAttempts: 5,
    endpoint: table.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(crashInjection(life), { step: 'initialize', name: 'crashInjection' });
  const context: TableContext = {
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: table.tableName,
  };
  const ids = options.ids ?? ulidGenerator(clock);
  const scheduler = new CrashingSlotScheduler(options.scheduler, life);
  const queue = new CrashingTriggerQueue(options.queue, life);

  const repositories = {
    state: new DynamoSystemStateRepository(context),
    channels: new DynamoChannelRepository(context),
    videos: new DynamoVideoRepository(context),
    publications: new DynamoPublicationRepository(context),
    ledgers: new DynamoLedgerRepository(context),
    groups: new DynamoPublicationGroupRepository(context),
    activity: new DynamoActivityLog(context, clock, ACTIVITY_RETENTION_DAYS),
    runs: new DynamoPipelineRunRepository(context),
  };
  const github = new CrashingGitHub(options.github ?? NO_GITHUB, life);
  const processing = new CrashingProcessingQueue(options.processing ?? { send: async () => undefined }, life);
  const ledgerBookkeeping = new LedgerBookkeeping(repositories.ledgers, clock);
  const slotDispatch = new SlotDispatch({
    publications: repositories.publications,
    groups: repositories.groups,
    state: repositories.state,
    queue,
    activity: repositories.activity,
    clock,
    ids,
  });
  const systemControl = new SystemControl({
    state: repositories.state,
    activity: repositories.activity,
    clock,
    ids,
    onRunning: async (meta) => {
      await slotDispatch.releaseHeld(meta);
    },
  });
  const channelRegistry = new ChannelRegistry({ channels: repositories.channels, ledgers: repositories.ledgers, activity: repositories.activity, clock, ids });
  // Each graph is a process of its own: the lease owner of the bookings it writes.
  const owner = `proc_${randomUUID()}`;
  const videoCatalog = new VideoCatalog({ videos: repositories.videos, clock, ids });
  const groupBooking = new GroupBooking({
    channels: repositories.channels,
    videos: repositories.videos,
    ledgers: repositories.ledgers,
    bookkeeping: ledgerBookkeeping,
    publications: repositories.publications,
    groups: repositories.groups,
    state: repositories.state,
    scheduler,
    activity: repositories.activity,
    dispatch: slotDispatch,
    clock,
    ids,
    owner,
  });
  const publicationCancellation = new PublicationCancellation({
    publications: repositories.publications,
    groups: repositories.groups,
    videos: repositories.videos,
    scheduler,
    activity: repositories.activity,
    bookkeeping: ledgerBookkeeping,
    clock,
    ids,
    rollbackGroup: async (groupId, reason) => (await groupBooking.rollback(groupId, reason)) ?? 0,
  });
  const channelRemoval = new ChannelRemoval({
    channels: repositories.channels,
    publications: repositories.publications,
    ledgers: repositories.ledgers,
    groups: repositories.groups,
    activity: repositories.activity,
    clock,
    ids,
    cancelChannelPublications: (channelId, meta, known) => publicationCancellation.cancelChannelPublications(channelId, meta, known),
  });
  const publicationReconciliation = new PublicationReconciliation({
    publications: repositories.publications,
    groups: repositories.groups,
    state: repositories.state,
    booking: groupBooking,
    dispatch: slotDispatch,
    activity: repositories.activity,
    cursors: new DynamoJobCursorRepository(context),
    clock,
    ids,
    owner,
  });
  const pipelineDispatch = new PipelineDispatch({
    runs: repositories.runs,
    publications: repositories.publications,
    channels: repositories.channels,
    state: repositories.state,
    github,
    effects: new DynamoRunEffects(context),
    pacer: new DynamoDispatchPacer(context, SCENARIO_RATES),
    processing,
    requeue: queue,
    activity: repositories.activity,
    clock,
    ids,
  });
  const runTracking = new RunTracking({
    runs: repositories.runs,
    publications: repositories.publications,
    effects: new DynamoRunEffects(context),
    activity: repositories.activity,
    clock,
  });
  const runReconciliation = new RunReconciliation({ runs: repositories.runs, github, signals: runTracking, queue, state: repositories.state, clock });

  return {
    life,
    table: context,
    /** The scheduler and queue as this process sees them (they die with it). */
    scheduler,
    queue,
    repositories,
    ledgerBookkeeping,
    slotDispatch,
    systemControl,
    channelRegistry,
    videoCatalog,
    groupBooking,
    publicationCancellation,
    channelRemoval,
    publicationReconciliation,
    /** The trigger consumer of issue 9 (functions/queue/pipeline-triggers.ts), with GitHub and the processing queue seen through this life. */
    pipelineDispatch,
    runTracking,
    runReconciliation,
    github,
    /** Waits for the calls a crash left at the store, then releases the client. */
    async close(): Promise<void> {
      await life.settled();
      client.destroy();
    },
  };
}

export type ServiceGraph = ReturnType<typeof serviceGraph>;

/** At most this many crash points an operation is tried at (brief: all of them when there are few). */
export const MAX_CRASH_POINTS = 60;

/**
 * The crash points to try for an operation of `writes` writes: every one
 * when there are at most MAX_CRASH_POINTS, else every ceil(writes/60)-th
 * plus the last five.
 */
export function crashPointsOf(writes: number): number[] {
  if (writes <= MAX_CRASH_POINTS) return Array.from({ length: writes }, (_, i) => i + 1);
  const step = Math.ceil(writes / MAX_CRASH_POINTS);
  const points = new Set<number>();
  for (let n = step; n <= writes; n += step) points.add(n);
  for (let n = Math.max(1, writes - 4); n <= writes; n++) points.add(n);
  return [...points].sort((a, b) => a - b);
}
