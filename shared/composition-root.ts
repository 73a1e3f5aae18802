import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GITHUB_TOKEN_PLACEHOLDER, localSettings, reloadSettings, required, settings } from './config';
import { logger } from './logger';
import { systemClock, type Clock } from './ports/clock';
import type { IdGenerator } from './ports/id-generator';
import type { TriggerQueue } from './ports/trigger-queue';
import type { QueueMonitor } from './ports/queue-monitor';
import { RUN_METRICS, type RunMetrics } from './ports/run-metrics';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsRunMetrics } from './adapters/metrics/powertools-run-metrics';
import type { SlotScheduler } from './ports/slot-scheduler';
import type { WorkflowRunSignals } from './ports/run-signals';
import type { WebhookSecretSource } from './ports/webhook-secret-source';
import { ulidGenerator } from './adapters/ulid-generator';
import type { TableContext } from './adapters/dynamodb/document-client';
import { DynamoActivityLog } from './adapters/dynamodb/activity-log';
import { DynamoChannelHealthRepository } from './adapters/dynamodb/channel-health-repository';
import { DynamoStatisticsRepository } from './adapters/dynamodb/statistics-repository';
import { DynamoChannelRepository } from './adapters/dynamodb/channel-repository';
import { DynamoPublicationRepository } from './adapters/dynamodb/publication-repository';
import { DynamoSystemStateRepository } from './adapters/dynamodb/system-state-repository';
import { DynamoVideoRepository } from './adapters/dynamodb/video-repository';
import { DynamoLedgerRepository } from './adapters/dynamodb/ledger-repository';
import { DynamoPublicationGroupRepository } from './adapters/dynamodb/publication-group-repository';
import { DynamoJobCursorRepository } from './adapters/dynamodb/job-cursor-repository';
import { DynamoWebhookDeliveryRepository } from './adapters/dynamodb/webhook-delivery-repository';
import { CompactIdempotencyStore } from './adapters/dynamodb/compact-idempotency-store';
import { SqsTriggerQueue } from './adapters/sqs/sqs-trigger-queue';
import { SqsQueueMonitor } from './adapters/sqs/sqs-queue-monitor';
import { EventBridgeSlotScheduler } from './adapters/scheduler/eventbridge-slot-scheduler';
import { SecretsManagerWebhookSecret } from './adapters/secrets/secrets-manager-webhook-secret';
import { StaticWebhookSecret } from './adapters/secrets/static-webhook-secret';
import { AuditTrail } from './services/audit-trail';
import { ChannelRegistry } from './services/channel-registry';
import { ChannelRemoval } from './services/channel-removal';
import { LedgerBookkeeping } from './services/ledger-bookkeeping';
import { SystemStatus } from './services/system-status';
import { Dashboard } from './services/dashboard';
import { SystemControl } from './services/system-control';
import { VideoCatalog } from './services/video-catalog';
import { CoordinatePublication } from './services/coordinate-publication';
import { GroupBooking } from './services/group-booking';
import { GithubWebhookIntake } from './services/github-webhook-intake';
import { PublicationCancellation } from './services/publication-cancellation';
import { PublicationQueries } from './services/publication-queries';
import { PublicationReconciliation } from './services/publication-reconciliation';
import { ScheduleWave } from './services/schedule-wave';
import { SlotDispatch } from './services/slot-dispatch';
import { RunTracking } from './services/run-tracking';
import { PipelineRunQueries, PipelineRuns } from './services/pipeline-runs';
import { DynamoRunEffects } from './adapters/dynamodb/run-effects';
import { DynamoPipelineRunRepository } from './adapters/dynamodb/pipeline-run-repository';
import { RunReconciliation } from './services/run-reconciliation';
import { PipelineDispatch } from './services/pipeline-dispatch';
import { ConfigSync } from './services/config-sync';
import { VideoDistribution } from './services/video-distribution';
import type { ProcessingQueue } from './ports/processing-queue';
import { GitHubCallError, type GitHubContents, type GitHubHealthCheck, type GitHubWorkflows } from './ports/github';
import { ChannelHealthSweep } from './services/channel-health-sweep';
import { ChannelMonitor } from './services/channel-monitor';
import { SqsProcessingQueue } from './adapters/sqs/sqs-processing-queue';
import { DynamoDispatchPacer } from './adapters/dynamodb/dispatch-pacer';
import { OctokitWorkflows } from './adapters/github/octokit-workflows';

/**
 * The composition root: every client, adapter and service is built here, once
 * per cold start, on first use. Each getter is its own export so a function's
 * bundle carries only the clients it reaches. The local server and the tests
 * swap adapters with `overrideAdapters` (an in-process queue, a fixed clock).
 */
export interface Overridable {
  clock: Clock;
  triggerQueue: TriggerQueue;
  slotScheduler: SlotScheduler;
  processingQueue: ProcessingQueue;
  githubWorkflows: GitHubWorkflows;
  /** The contents API the config sync writes through (tests: a client on the simulator without the write pacing). */
  githubContents: GitHubContents;
  /** The health sweep's look at repositories (tests: a client on the simulator, or a fake). */
  githubHealthCheck: GitHubHealthCheck;
  /** What applies GitHub's word on a workflow run (the webhook's; tests record the signals it sends). */
  workflowRunSignals: WorkflowRunSignals;
  /** Run counts (CloudWatch through Powertools in AWS; locally, counts in the process). */
  runMetrics: RunMetrics;
  /** Every queue's depth for the dashboard (locally, the in-process queues'; tests, a settable fake). */
  queueMonitor: QueueMonitor;
  /**
   * This is the only process on its data (the local server, by its DATA_DIR
   * lock): whatever another process left unfinished died with it.
   */
  soleProcess: boolean;
}

let overrides: Partial<Overridable> = {};
const built = new Map<string, unknown>();

function once<T>(name: string, build: () => T): T {
  if (!built.has(name)) built.set(name, build());
  return built.get(name) as T;
}

/** Replaces adapters and forgets everything built so far (local server, tests). */
export function overrideAdapters(replacements: Partial<Overridable>): void {
  overrides = { ...overrides, ...replacements };
  built.clear();
}

/** Back to the real adapters, nothing built, settings read afresh (tests). */
export function resetComposition(): void {
  overrides = {};
  built.clear();
  reloadSettings();
}

export const clock = (): Clock => overrides.clock ?? systemClock;

/**
 * This process, as the lease owner of the bookings it writes: one per Lambda
 * execution environment, or per local server (which tells the reconciliation
 * that every other owner's unfinished booking died with its process).
 */
const PROCESS_OWNER = `proc_${randomUUID()}`;
export const processOwner = (): string => PROCESS_OWNER;

export const ids = (): IdGenerator => once('ids', () => ulidGenerator(clock()));

export const dynamoClient = (): DynamoDBClient =>
  once('dynamoClient', () => {
    const { AWS_REGION, DYNAMODB_ENDPOINT } = settings();
    return new DynamoDBClient({
      region: AWS_REGION,
      // Throttling (a hot partition, a new on-demand table's 4,000 WCU/s) is retried with backoff,
      // and adaptive mode slows this client's own sending while it lasts (docs/simulated-aws.md).
      maxAttempts: 8,
      retryMode: 'adaptive',
      ...(DYNAMODB_ENDPOINT
        ? { endpoint: DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
    });
  });

export const table = (): TableContext =>
  once('table', () => ({
    doc: DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } }),
    tableName: required('TABLE_NAME'),
  }));

export const systemStateRepository = () => once('systemState', () => new DynamoSystemStateRepository(table()));
export const channelRepository = () => once('channels', () => new DynamoChannelRepository(table()));
export const videoRepository = () => once('videos', () => new DynamoVideoRepository(table()));
/** Index entries are mended only on dynalite (DYNAMODB_ENDPOINT), which writes them before the item: publication-index-check.ts. */
export const publicationRepository = () =>
  once(
    'publications',
    () =>
      new DynamoPublicationRepository(table(), {
        repairIndexEntries: settings().DYNAMODB_ENDPOINT !== undefined,
        retentionDays: settings().PUBLICATION_RETENTION_DAYS,
      }),
  );
export const statisticsRepository = () => once('statistics', () => new DynamoStatisticsRepository(table()));
export const channelHealthRepository = () => once('channelHealth', () => new DynamoChannelHealthRepository(table()));
export const ledgerRepository = () => once('ledgers', () => new DynamoLedgerRepository(table()));
export const groupRepository = () => once('groups', () => new DynamoPublicationGroupRepository(table(), settings().PUBLICATION_RETENTION_DAYS));
export const jobCursorRepository = () => once('jobCursors', () => new DynamoJobCursorRepository(table()));
export const webhookDeliveries = () => once('webhookDeliveries', () => new DynamoWebhookDeliveryRepository(table()));
export const activityLog = () =>
  once('activity', () => new DynamoActivityLog(table(), clock(), settings().ACTIVITY_RETENTION_DAYS));

export const triggerQueue = (): TriggerQueue =>
  overrides.triggerQueue ??
  once(
    'triggerQueue',
    () =>
      new SqsTriggerQueue(new SQSClient({ region: settings().AWS_REGION }), {
        queueUrl: required('TRIGGER_QUEUE_URL'),
        highQueueUrl: settings().TRIGGER_HIGH_QUEUE_URL,
        deadLetterQueueUrl: required('TRIGGER_DLQ_URL'),
      }),
  );

export const slotScheduler = (): SlotScheduler =>
  overrides.slotScheduler ??
  once(
    'slotScheduler',
    () =>
      new EventBridgeSlotScheduler(new SchedulerClient({ region: settings().AWS_REGION, maxAttempts: 8 }), {
        groupName: required('SCHEDULE_GROUP_NAME'),
        targetArn: required('SLOT_TARGET_ARN'),
        roleArn: required('SCHEDULER_ROLE_ARN'),
        deadLetterQueueArn: required('SLOT_DLQ_ARN'),
      }, clock()),
  );

/**
 * The GitHub webhook's secret: from Secrets Manager when
 * GITHUB_WEBHOOK_SECRET_ARN is set (AWS), else the GITHUB_WEBHOOK_SECRET value
 * (local), else none (every delivery is refused with 401).
 */
export const webhookSecretSource = (): WebhookSecretSource =>
  once('webhookSecret', () => {
    const { GITHUB_WEBHOOK_SECRET_ARN, AWS_REGION } = settings();
    if (GITHUB_WEBHOOK_SECRET_ARN) {
      const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: AWS_REGION }) });
      return new SecretsManagerWebhookSecret(provider, GITHUB_WEBHOOK_SECRET_ARN);
    }
    // A local setting, read as the GitHub token is (githubToken below).
    return new StaticWebhookSecret(localSettings().GITHUB_WEBHOOK_SECRET);
  });

/**
 * Powertools idempotency records for one route, in the same table under their
 * own partition; an answer of any size fits (compact-idempotency-store.ts).
 */
export const idempotencyStore = (routeId: string) =>
  once(`idempotency:${routeId}`, () => new CompactIdempotencyStore({ tableName: required('TABLE_NAME'), client: dynamoClient() }));

export const systemControl = () =>
  once(
    'systemControl',
    () =>
      new SystemControl({
        state: systemStateRepository(),
        activity: activityLog(),
        clock: clock(),
        ids: ids(),
        // Start and resume send held publications on, in scheduled order.
        onRunning: async (meta) => {
          await slotDispatch().releaseHeld(meta);
          // Manual pipeline runs accepted while paused go with them.
          await pipelineRuns().releaseHeld();
        },
      }),
  );

export const channelRegistry = () =>
  once(
    'channelRegistry',
    () =>
      new ChannelRegistry({ channels: channelRepository(), ledgers: ledgerRepository(), activity: activityLog(), clock: clock(), ids: ids() }),
  );

export const channelRemoval = () =>
  once(
    'channelRemoval',
    () =>
      new ChannelRemoval({
        channels: channelRepository(),
        publications: publicationRepository(),
        ledgers: ledgerRepository(),
        groups: groupRepository(),
        activity: activityLog(),
        clock: clock(),
        ids: ids(),
        cancelChannelPublications: (channelId, meta, known) => publicationCancellation().cancelChannelPublications(channelId, meta, known),
        health: channelHealthRepository(),
      }),
  );

export const systemStatus = () =>
  once('systemStatus', () => new SystemStatus({ state: systemStateRepository(), publications: publicationRepository(), queue: triggerQueue() }));

/** Every queue's depth: GetQueueAttributes on the six queues' URLs (queue:depth, processing:depth, slot-dlq:depth). */
export const queueMonitor = (): QueueMonitor =>
  overrides.queueMonitor ??
  once(
    'queueMonitor',
    () =>
      new SqsQueueMonitor(new SQSClient({ region: settings().AWS_REGION }), {
        // Without a high-priority queue every trigger goes to the normal one (SqsTriggerQueue), which is then read twice.
        trigger_high: settings().TRIGGER_HIGH_QUEUE_URL ?? required('TRIGGER_QUEUE_URL'),
        trigger_normal: required('TRIGGER_QUEUE_URL'),
        trigger_dead_letter: required('TRIGGER_DLQ_URL'),
        processing: required('PROCESSING_QUEUE_URL'),
        processing_dead_letter: required('PROCESSING_DLQ_URL'),
        slot_dead_letter: required('SLOT_DLQ_URL'),
      }),
  );

/** GET /dashboard: the health sweep's record (JOB#health-sweep) tells the system's health whether the sweep still runs. */
export const dashboard = () =>
  once(
    'dashboard',
    () =>
      new Dashboard({
        state: systemStateRepository(),
        channels: channelRepository(),
        health: channelHealthRepository(),
        publications: publicationRepository(),
        statistics: statisticsRepository(),
        activity: activityLog(),
        queues: queueMonitor(),
        clock: clock(),
        healthSweepLastRun: () => channelHealthRepository().lastSweep(),
      }),
  );

export const ledgerBookkeeping = () => once('ledgerBookkeeping', () => new LedgerBookkeeping(ledgerRepository(), clock()));

export const videoCatalog = () => once('videoCatalog', () => new VideoCatalog({ videos: videoRepository(), clock: clock(), ids: ids() }));

export const auditTrail = () => once('auditTrail', () => new AuditTrail(activityLog()));

export const slotDispatch = () =>
  once(
    'slotDispatch',
    () =>
      new SlotDispatch({
        publications: publicationRepository(),
        groups: groupRepository(),
        state: systemStateRepository(),
        queue: triggerQueue(),
        activity: activityLog(),
        clock: clock(),
        ids: ids(),
      }),
  );

export const groupBooking = () =>
  once(
    'groupBooking',
    () =>
      new GroupBooking({
        channels: channelRepository(),
        videos: videoRepository(),
        ledgers: ledgerRepository(),
        bookkeeping: ledgerBookkeeping(),
        publications: publicationRepository(),
        groups: groupRepository(),
        state: systemStateRepository(),
        scheduler: slotScheduler(),
        activity: activityLog(),
        dispatch: slotDispatch(),
        clock: clock(),
        ids: ids(),
        owner: processOwner(),
        keyWindowSeconds: settings().IDEMPOTENCY_TTL_SECONDS,
      }),
  );

export const coordinatePublication = () => once('coordinatePublication', () => new CoordinatePublication(groupBooking()));
export const scheduleWave = () => once('scheduleWave', () => new ScheduleWave(groupBooking()));
export const publicationQueries = () => once('publicationQueries', () => new PublicationQueries(publicationRepository(), groupRepository()));

export const publicationCancellation = () =>
  once(
    'publicationCancellation',
    () =>
      new PublicationCancellation({
        publications: publicationRepository(),
        groups: groupRepository(),
        videos: videoRepository(),
        scheduler: slotScheduler(),
        activity: activityLog(),
        bookkeeping: ledgerBookkeeping(),
        clock: clock(),
        ids: ids(),
        rollbackGroup: async (groupId, reason) => (await groupBooking().rollback(groupId, reason)) ?? 0,
      }),
  );

export const publicationReconciliation = () =>
  once(
    'publicationReconciliation',
    () =>
      new PublicationReconciliation({
        publications: publicationRepository(),
        groups: groupRepository(),
        state: systemStateRepository(),
        booking: groupBooking(),
        dispatch: slotDispatch(),
        activity: activityLog(),
        cursors: jobCursorRepository(),
        clock: clock(),
        ids: ids(),
        owner: processOwner(),
      }),
  );

export const runMetrics = (): RunMetrics =>
  overrides.runMetrics ??
  once('runMetrics', () => new PowertoolsRunMetrics(new Metrics({ namespace: RUN_METRICS.namespace, serviceName: RUN_METRICS.service })));

export const pipelineRunRepository = () =>
  once('pipelineRuns', () => new DynamoPipelineRunRepository(table(), settings().PUBLICATION_RETENTION_DAYS));

export const pipelineRuns = () =>
  once(
    'pipelineRunsService',
    () =>
      new PipelineRuns({
        runs: pipelineRunRepository(),
        channels: channelRepository(),
        videos: videoRepository(),
        state: systemStateRepository(),
        queue: triggerQueue(),
        activity: activityLog(),
        clock: clock(),
        ids: ids(),
      }),
  );

export const pipelineRunQueries = () => once('pipelineRunQueries', () => new PipelineRunQueries(pipelineRunRepository()));

/** A finished run's lasting effects (day counters, last publication, videos published): a run's end, by its report or at dispatch. */
export const runEffects = () => once('runEffects', () => new DynamoRunEffects(table()));

export const runTracking = () =>
  once(
    'runTracking',
    () =>
      new RunTracking({
        runs: pipelineRunRepository(),
        publications: publicationRepository(),
        effects: runEffects(),
        activity: activityLog(),
        clock: clock(),
        metrics: runMetrics(),
      }),
  );

/** The GitHub token: GITHUB_TOKEN locally; in AWS the token secret (read by ARN, cached). Never logged. */
export const githubToken = (): (() => Promise<string>) =>
  once('githubToken', () => {
    const unset = () => new GitHubCallError('unauthorized', 'no GitHub token is configured (GITHUB_TOKEN locally, the token secret in AWS)', null);
    const { GITHUB_TOKEN_SECRET_ARN, AWS_REGION } = settings();
    if (GITHUB_TOKEN_SECRET_ARN) {
      // The same cached Secrets Manager read as the webhook secret's (5 minutes: a rotated token is picked up).
      const secret = new SecretsManagerWebhookSecret(new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: AWS_REGION }) }), GITHUB_TOKEN_SECRET_ARN);
      return async () => {
        const token = await secret.get();
        // The stack creates the secret holding a stand-in value until the operator puts the token in.
        if (!token || token === GITHUB_TOKEN_PLACEHOLDER) throw unset();
        return token;
      };
    }
    const { GITHUB_TOKEN } = localSettings();
    return async () => {
      if (GITHUB_TOKEN) return GITHUB_TOKEN;
      throw unset();
    };
  });

/** The one GitHub client: workflows and contents share its rate-limit handling and its queue of writes. */
const githubClient = (): OctokitWorkflows =>
  once(
    'githubClient',
    () =>
      new OctokitWorkflows({
        baseUrl: settings().GITHUB_API_URL,
        token: githubToken(),
        log: { debug: (message: string) => logger.debug(message), warn: (message: string) => logger.warn(message) },
      }),
  );

export const githubWorkflows = (): GitHubWorkflows => overrides.githubWorkflows ?? githubClient();

export const githubContents = (): GitHubContents => overrides.githubContents ?? githubClient();

export const githubHealthCheck = (): GitHubHealthCheck => overrides.githubHealthCheck ?? githubClient();

export const channelHealthSweep = () =>
  once(
    'channelHealthSweep',
    () =>
      new ChannelHealthSweep({
        channels: channelRepository(),
        runs: pipelineRunRepository(),
        health: channelHealthRepository(),
        github: githubHealthCheck(),
        clock: clock(),
        githubCallsPerSweep: settings().HEALTH_SWEEP_GITHUB_CALLS,
        onChannelFailure: (channelId, error) => logger.error('channel health evaluation failed; the sweep goes on', { channel_id: channelId, error: error as Error }),
      }),
  );

export const channelMonitor = () =>
  once(
    'channelMonitor',
    () =>
      new ChannelMonitor({
        channels: channelRepository(),
        health: channelHealthRepository(),
        statistics: statisticsRepository(),
        sweep: channelHealthSweep(),
        clock: clock(),
      }),
  );

export const configSync = () =>
  once(
    'configSync',
    () => new ConfigSync({ channels: channelRepository(), github: githubContents(), activity: activityLog(), clock: clock(), ids: ids() }),
  );

export const videoDistribution = () =>
  once(
    'videoDistribution',
    () =>
      new VideoDistribution({
        channels: channelRepository(),
        videos: videoRepository(),
        publications: publicationRepository(),
        ledgers: ledgerRepository(),
        state: systemStateRepository(),
        booking: groupBooking(),
        activity: activityLog(),
        clock: clock(),
        ids: ids(),
      }),
  );

export const processingQueue = (): ProcessingQueue =>
  overrides.processingQueue ??
  once('processingQueue', () => new SqsProcessingQueue(new SQSClient({ region: settings().AWS_REGION }), required('PROCESSING_QUEUE_URL')));

export const dispatchPacer = () =>
  once(
    'dispatchPacer',
    () => new DynamoDispatchPacer(table(), { perMinute: settings().GITHUB_DISPATCHES_PER_MINUTE, perHour: settings().GITHUB_DISPATCHES_PER_HOUR }),
  );

export const pipelineDispatch = () =>
  once(
    'pipelineDispatch',
    () =>
      new PipelineDispatch({
        runs: pipelineRunRepository(),
        publications: publicationRepository(),
        channels: channelRepository(),
        state: systemStateRepository(),
        github: githubWorkflows(),
        effects: runEffects(),
        pacer: dispatchPacer(),
        processing: processingQueue(),
        requeue: triggerQueue(),
        activity: activityLog(),
        clock: clock(),
        ids: ids(),
        owner: processOwner(),
        othersAreDead: overrides.soleProcess ?? false,
        metrics: runMetrics(),
      }),
  );

export const runReconciliation = () =>
  once(
    'runReconciliation',
    () =>
      new RunReconciliation({
        runs: pipelineRunRepository(),
        github: githubWorkflows(),
        signals: runTracking(),
        queue: triggerQueue(),
        state: systemStateRepository(),
        clock: clock(),
      }),
  );

/**
 * What applies GitHub's word on a workflow run for the webhook: the run
 * tracking service, unless a test records the signals instead.
 */
export const workflowRunSignals = (): WorkflowRunSignals => overrides.workflowRunSignals ?? runTracking();

export const githubWebhookIntake = () =>
  once('githubWebhookIntake', () => new GithubWebhookIntake({ deliveries: webhookDeliveries(), signals: workflowRunSignals, clock: clock() }));
