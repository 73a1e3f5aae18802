import { randomBytes, randomUUID } from 'node:crypto';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { DynamoDBClient, GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, type CreateScheduleCommandInput, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STORED_CHANNEL_IDS } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { CompactIdempotencyStore, ITEM_PAYLOAD_BYTES } from '#shared/adapters/dynamodb/compact-idempotency-store';
import { DynamoJobCursorRepository } from '#shared/adapters/dynamodb/job-cursor-repository';
import { channelKeys, groupKeys, jobKeys, ledgerKeys, systemStateKeys, videoKeys, webhookDeliveryKeys } from '#shared/adapters/dynamodb/keys';
import { DynamoLedgerRepository } from '#shared/adapters/dynamodb/ledger-repository';
import { DynamoPublicationGroupRepository } from '#shared/adapters/dynamodb/publication-group-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { DynamoVideoRepository } from '#shared/adapters/dynamodb/video-repository';
import { DynamoWebhookDeliveryRepository } from '#shared/adapters/dynamodb/webhook-delivery-repository';
import { EventBridgeSlotScheduler } from '#shared/adapters/scheduler/eventbridge-slot-scheduler';
import { SqsTriggerQueue } from '#shared/adapters/sqs/sqs-trigger-queue';
import { shadowIdOf } from '#shared/domain/channel-ledger';
import { MAX_BODY_BYTES } from '#shared/http/http-handler';
import { MAX_CONFIG_BYTES } from '#shared/schemas/channels';
import { MAX_CHANNELS_PER_REQUEST } from '#shared/schemas/coordination';
import { MAX_LEDGER_BOOKINGS } from '#shared/services/group-booking';
import { lambdaContext } from '#tests/helpers/api-gateway-event';
import { startEmbeddedDynamo, type EmbeddedDynamo, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { channelDefinition, video } from '#tests/helpers/sample-entities';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';
import { itemSize, MAX_ITEM_BYTES } from '#tests/helpers/simulated-aws/item-size';

/**
 * SPEC "Guarantees": no item, message or schedule input the system writes can
 * exceed its AWS limit (400 KB items, 256 KB messages), whatever the request.
 * Each entity is written at the largest the API (or the domain) lets it be,
 * read back raw (marshalled) and weighed by DynamoDB's own rules; where the
 * API bounds it, the step beyond the bound is refused with a 4xx. The sizes
 * measured here are the ones docs/data-model.md "Item sizes" tabulates.
 */

/** SQS's limit on a message and on a SendMessageBatch, bodies and attributes together. */
const SQS_MESSAGE_BYTES = 256 * 1024;
/** The limit the brief and the SPEC hold schedule inputs to (Scheduler's own is far below the 256 KB of its API requests). */
const SCHEDULE_INPUT_BYTES = 256 * 1024;
const NOW = '2026-06-01T10:00:00.000Z';
const NOON = '2026-06-02T12:00:00.000Z';
const FIRE_AT = '2026-06-03T18:00:00.000Z';
/**
 * The most UTF-8 bytes a length limit lets through: zod counts UTF-16 code
 * units, and a character of the Basic Multilingual Plane above U+07FF is one
 * unit and 3 bytes (a 4-byte emoji is two units: 2 bytes a unit).
 */
const WIDE = '語';
/**
 * Who asks, as stored in groups, audit entries and the system state: an IAM
 * ARN is at most 2,048 characters, a JWT's claims ride in API Gateway's
 * 10 KB of request headers. 10 KB bounds both.
 */
const LONGEST_ACTOR = `jwt:${'a'.repeat(10 * 1024 - 4)}`;
const AS_LONGEST_ACTOR = { lambda: { actor: LONGEST_ACTOR } };
/** A booking on dynalite may outlive the default 28 s an answer waits (then a 202): these tests are about sizes. */
const LONG_RUNNING = { remainingTimeMs: 900_000 };

/** An id of 64 characters (the schema's longest), unique by its prefix. */
const longId = (prefix: string) => prefix.padEnd(64, 'x');

type RawItem = Record<string, AttributeValue>;
/** itemSize over the SDK's marshalled type (the helper types attribute values loosely). */
const sizeOf = (item: RawItem | undefined): number => itemSize(item as Parameters<typeof itemSize>[0]);

/** The largest item of each kind met so far, across the file: printed at the end, tabulated in docs/data-model.md. */
const largest = new Map<string, { bytes: number; key: string }>();

/** What an item is, as the data model names its entities. */
function kindOf(item: RawItem): string {
  const pk = item.pk?.S ?? '';
  const sk = item.sk?.S ?? '';
  if (pk === 'IDEMPOTENCY') return sk.includes('#PART#') ? 'idempotency answer part' : 'idempotency record';
  const entity = item.entity?.S ?? `unknown (${pk})`;
  if (entity === 'activity') return pk.startsWith('ACTIVITY#') ? 'activity entry' : 'activity copy';
  return entity;
}

function note(kind: string, bytes: number, key: string): void {
  const before = largest.get(kind);
  if (!before || bytes > before.bytes) largest.set(kind, { bytes, key });
}

describe('Item sizes: every entity at its worst case, within 400 KB (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  let raw: DynamoDBClient;

  /** One item read back raw (marshalled), as DynamoDB stores it, and its size by DynamoDB's rules. */
  async function rawSize(table: EmbeddedTable, key: { pk: string; sk: string }): Promise<number> {
    const { Item } = await raw.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }),
    );
    expect(Item, `${key.pk} ${key.sk}`).toBeDefined();
    return sizeOf(Item);
  }

  /** Every item a scenario wrote, read raw: each within the limit, the largest of each kind noted. Returns them by kind. */
  async function everyItemWithinLimit(table: EmbeddedTable): Promise<Map<string, number>> {
    const byKind = new Map<string, number>();
    let start: RawItem | undefined;
    do {
      const page = await raw.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const bytes = sizeOf(item);
        const kind = kindOf(item);
        const key = `${item.pk?.S} ${item.sk?.S}`;
        expect(bytes, `${kind} ${key}`).toBeLessThanOrEqual(MAX_ITEM_BYTES);
        note(kind, bytes, key);
        byKind.set(kind, Math.max(byKind.get(kind) ?? 0, bytes));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return byKind;
  }

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    const rows = [...largest].sort(([, a], [, b]) => b.bytes - a.bytes);
    console.log(
      ['largest item of each kind (bytes, DynamoDB rules; limit 409,600):', ...rows.map(([kind, { bytes, key }]) => `  ${kind.padEnd(26)} ${String(bytes).padStart(7)}  ${key.slice(0, 60)}`)].join('\n'),
    );
    raw.destroy();
    await dynamo.close();
  });

  describe('the registry: a channel and a video with every field at its longest', () => {
    let table: EmbeddedTable;
    let api: RouteCaller;
    const clock = new FixedClock(NOW);
    const channelId = longId('channel-max');
    const videoId = longId('video-max');

    /** 288 slots, every five minutes of the day. */
    const everySlot = Array.from({ length: 288 }, (_, i) => `${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}`);
    const longestStrings = (count: number, length: number) => Array.from({ length: count }, () => WIDE.repeat(length));
    /** `{"s":"..."}` of exactly `bytes` bytes as JSON. */
    const configOf = (bytes: number) => ({ s: WIDE.repeat(Math.floor((bytes - 8) / 3)) + 'x'.repeat((bytes - 8) % 3) });
    const largestChannel = (overrides: Record<string, unknown> = {}) => ({
      name: WIDE.repeat(200),
      status: 'active',
      priority: 9,
      github: { owner: 'o'.repeat(39), repo: 'r'.repeat(100), workflow: `${'w'.repeat(200)}.yaml`, ref: WIDE.repeat(255) },
      publishing: { timezone: 'America/North_Dakota/New_Salem', slots: everySlot, min_gap_minutes: 1440, max_per_day: 1000 },
      filters: {
        tags_any: longestStrings(100, 100),
        tags_none: longestStrings(100, 100),
        languages: longestStrings(100, 100),
        categories: longestStrings(100, 100),
        min_duration_seconds: 604_800,
        max_duration_seconds: 604_800,
      },
      config: configOf(MAX_CONFIG_BYTES),
      ...overrides,
    });
    const largestVideo = (overrides: Record<string, unknown> = {}) => ({
      video_id: videoId,
      title: WIDE.repeat(500),
      tags: longestStrings(100, 100),
      language: 'abc-abcdefgh-abcdefgh-abcdefgh-abcd',
      category: WIDE.repeat(100),
      duration_seconds: 604_800,
      source_url: `https://videos.example.test/${WIDE.repeat(2048 - 'https://videos.example.test/'.length)}`,
      status: 'available',
      ...overrides,
    });

    beforeAll(async () => {
      table = await dynamo.createTable('sizes-registry');
      api = await bootRoutes(table, { clock, triggerQueue: new RecordingTriggerQueue() });
    });

    it('the system state, after a transition by the longest actor', async () => {
      // Act
      const started = await api.call('start', { authorizer: AS_LONGEST_ACTOR });

      // Assess
      expect(started.status).toBe(200);
      const bytes = await rawSize(table, systemStateKeys.key());
      expect(bytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      note('system_state', bytes, 'SYSTEM STATE');
    });

    it(`a channel with every field at its longest and a ${MAX_CONFIG_BYTES}-byte config`, async () => {
      // Prepare
      const body = JSON.stringify(largestChannel());
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);

      // Act
      const put = await api.call('putChannel', { params: { channel_id: channelId }, body, authorizer: AS_LONGEST_ACTOR });

      // Assess
      expect(put.status).toBe(201);
      const bytes = await rawSize(table, channelKeys.key(channelId));
      expect(bytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      note('channel', bytes, channelKeys.key(channelId).pk);
    });

    it.each([
      ['config one byte over its bound', { config: configOf(MAX_CONFIG_BYTES + 1) }, 'config'],
      ['a name of 201 characters', { name: WIDE.repeat(201) }, 'name'],
      ['a github ref of 256 characters', { github: { owner: 'o', repo: 'r', workflow: 'p.yml', ref: WIDE.repeat(256) } }, 'github.ref'],
      ['101 filter tags', { filters: { tags_any: longestStrings(101, 1) } }, 'filters.tags_any'],
      ['a filter tag of 101 characters', { filters: { categories: [WIDE.repeat(101)] } }, 'filters.categories.0'],
    ])('refuses a channel with %s (400, naming the field)', async (_what, overrides, field) => {
      // Act
      const put = await api.call('putChannel', { params: { channel_id: 'refused' }, body: largestChannel({ filters: null, ...overrides }) });

      // Assess
      expect(put.status).toBe(400);
      expect(put.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    });

    it('refuses a config whose numbers grow past the bound when stored (1e20 is 21 digits as JSON), where it was a 500', async () => {
      // Prepare: 256 KB of `1e20`, stored as JSON.stringify spells them out: 1.1 MB.
      const count = Math.floor((MAX_BODY_BYTES - 100) / 5);
      const body = `{"name":"Numbers","config":{"n":[${Array(count).fill('1e20').join(',')}]}}`;
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);

      // Act
      const put = await api.call('putChannel', { params: { channel_id: 'numbers' }, body });

      // Assess
      expect(put.status).toBe(400);
      expect(put.body.error.details.fields).toEqual([{ field: 'config', in: 'body', message: expect.stringContaining(`${MAX_CONFIG_BYTES} bytes`) }]);
      expect((await api.call('getChannel', { params: { channel_id: 'numbers' } })).status).toBe(404);
    });

    it('a video with every field at its longest (its answer kept by an Idempotency-Key)', async () => {
      // Act
      const created = await api.call('createVideo', { body: largestVideo(), headers: { 'Idempotency-Key': 'largest-video' }, authorizer: AS_LONGEST_ACTOR });

      // Assess
      expect(created.status).toBe(201);
      const bytes = await rawSize(table, videoKeys.key(videoId));
      expect(bytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      note('video', bytes, videoKeys.key(videoId).pk);
    });

    it.each([
      ['a video_id of 65 characters', { video_id: 'v'.repeat(65) }, 'video_id'],
      ['a title of 501 characters', { title: WIDE.repeat(501) }, 'title'],
      ['101 tags', { tags: longestStrings(101, 1) }, 'tags'],
      ['a tag of 101 characters', { tags: [WIDE.repeat(101)] }, 'tags.0'],
      ['a language tag of 36 characters', { language: 'abc-abcdefgh-abcdefgh-abcdefgh-abcde' }, 'language'],
      ['a category of 101 characters', { category: WIDE.repeat(101) }, 'category'],
      ['a source_url of 2,049 characters', { source_url: `https://videos.example.test/${'u'.repeat(2049 - 'https://videos.example.test/'.length)}` }, 'source_url'],
    ])('refuses a video with %s (400, naming the field)', async (_what, overrides, field) => {
      // Act
      const created = await api.call('createVideo', { body: largestVideo({ video_id: 'refused', ...overrides }) });

      // Assess
      expect(created.status).toBe(400);
      expect(created.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    });

    it('leaves no item of the registry over the limit (audit entries and the idempotency record included)', async () => {
      const byKind = await everyItemWithinLimit(table);
      expect([...byKind.keys()].sort()).toEqual(
        ['activity copy', 'activity entry', 'channel', 'idempotency record', 'system_state', 'video'].sort(),
      );
    });
  });

  describe(`a coordination across ${MAX_CHANNELS_PER_REQUEST} channels of 64-character ids, preempting every one`, () => {
    let table: EmbeddedTable;
    let api: RouteCaller;
    const clock = new FixedClock(NOW);
    const scheduler = new RecordingScheduler();
    const channelIds = Array.from({ length: MAX_CHANNELS_PER_REQUEST }, (_, i) => longId(`channel-${String(i).padStart(4, '0')}-`));
    const [low, high] = [longId('video-low'), longId('video-high')];
    let answer: { coordination_id: string; publications: { publication_id: string }[]; conflicts: unknown[]; preempted: unknown[] };

    beforeAll(async () => {
      table = await dynamo.createTable('sizes-coordination');
      api = await bootRoutes(table, {
        clock,
        slotScheduler: scheduler.slotScheduler(clock),
        triggerQueue: new RecordingTriggerQueue(),
      });
      // The channels through their repository (a PUT each would take minutes): a 60-minute gap, so a booking at noon is in the way.
      const channels = new DynamoChannelRepository(table);
      for (const channelId of channelIds) {
        await channels.put(channelId, channelDefinition({ publishing: { timezone: 'UTC', slots: [], min_gap_minutes: 60, max_per_day: null } }), NOW);
      }
      for (const videoId of [low, high]) expect((await api.call('createVideo', { body: { video_id: videoId, title: videoId } })).status).toBe(201);
      expect((await api.call('start')).status).toBe(200);
      const booked = await api.call('coordinatePublication', { body: { video_id: low, channel_ids: channelIds, timing: 'simultaneous', scheduled_at: NOON, priority: 1 } }, LONG_RUNNING);
      expect(booked.status).toBe(201);
      const preempting = await api.call(
        'coordinatePublication',
        {
          body: { video_id: high, channel_ids: channelIds, timing: 'simultaneous', scheduled_at: NOON, priority: 9, conflict_policy: 'preempt' },
          headers: { 'Idempotency-Key': 'largest-coordination' },
          authorizer: AS_LONGEST_ACTOR,
        },
        LONG_RUNNING,
      );
      expect(preempting.status).toBe(201);
      answer = preempting.body;
      expect(answer.preempted).toHaveLength(MAX_CHANNELS_PER_REQUEST);
    }, 600_000);

    it(`refuses ${MAX_CHANNELS_PER_REQUEST + 1} channels (400), so the group's list is at its longest`, async () => {
      const refused = await api.call('coordinatePublication', {
        body: { video_id: high, channel_ids: [...channelIds, longId('one-more')], timing: 'simultaneous', scheduled_at: NOON },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['channel_ids']);
    });

    it('a publication cancelled with the longest reason, and the coordination with it', async () => {
      // Prepare
      const reason = WIDE.repeat(500);
      const [first] = answer.publications;

      // Act
      const cancelled = await api.call('cancelPublication', { params: { publication_id: first!.publication_id }, body: { reason }, authorizer: AS_LONGEST_ACTOR });
      const whole = await api.call('cancelCoordination', { params: { coordination_id: answer.coordination_id }, body: { reason }, authorizer: AS_LONGEST_ACTOR });

      // Assess
      expect(cancelled.status).toBe(200);
      expect(whole.status).toBe(200);
      expect((await api.call('cancelPublication', { params: { publication_id: first!.publication_id }, body: { reason: WIDE.repeat(501) } })).status).toBe(400);
    });

    it(`a group at its domain maximum: ${MAX_CHANNELS_PER_REQUEST} channel ids, the longest actor, a failure reason of 500 wide characters`, async () => {
      // Prepare: the coordination as booked, with every optional field the domain may set at its longest.
      const groups = new DynamoPublicationGroupRepository(table);
      const booked = await groups.get(answer.coordination_id);
      expect(booked?.channel_ids).toHaveLength(MAX_CHANNELS_PER_REQUEST);
      note('group (booked through the API)', await rawSize(table, groupKeys.key(answer.coordination_id)), groupKeys.key(answer.coordination_id).pk);
      const groupId = `coord_${ulid()}`;

      // Act
      await groups.create({
        ...booked!,
        group_id: groupId,
        status: 'failed',
        lease_owner: `proc_${randomUUID()}`,
        lease_until: NOON,
        cancel_requested_at: NOON,
        rollback_started_at: NOON,
        cancelled_at: NOON,
        status_reason: WIDE.repeat(500),
      });

      // Assess
      const bytes = await rawSize(table, groupKeys.key(groupId));
      expect(bytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      note('group (domain maximum)', bytes, groupKeys.key(groupId).pk);
    });

    it('schedule inputs: each a few hundred bytes', () => {
      expect(scheduler.inputs.length).toBeGreaterThan(0);
      const largestInput = Math.max(...scheduler.inputs.map((input) => Buffer.byteLength(input.Target?.Input ?? '', 'utf8')));
      expect(largestInput).toBeLessThanOrEqual(SCHEDULE_INPUT_BYTES);
      note('schedule input (Target.Input)', largestInput, '');
    });

    it(`leaves no item over the limit: activity entries of ${MAX_STORED_CHANNEL_IDS} channel ids, their copies, publications, slots, the group, the key link, the idempotency record`, async () => {
      const byKind = await everyItemWithinLimit(table);
      for (const kind of ['activity entry', 'activity copy', 'publication', 'slot', 'group', 'booking_key', 'idempotency record', 'ledger']) {
        expect(byKind.get(kind), kind).toBeGreaterThan(0);
      }
    });
  });

  describe('one channel at its ledger bound, and a slot of as many publications as one request can name, fired through SQS', () => {
    let table: EmbeddedTable;
    let api: RouteCaller;
    const clock = new FixedClock(NOW);
    const scheduler = new RecordingScheduler();
    const sqs = new RecordingSqs();
    const channelId = longId('channel-full');
    const videoIds = Array.from({ length: MAX_LEDGER_BOOKINGS }, (_, i) => longId(`video-${String(i).padStart(4, '0')}-`));
    /** As many 64-character video ids as a wave's body can carry: one slot's publications on one channel come from one request. */
    let inOneBody = 0;
    const waveBody = (ids: string[], channel: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ video_ids: ids, channel_ids: [channel], wave_config: config, priority: 9, ...extra });

    beforeAll(async () => {
      table = await dynamo.createTable('sizes-slot');
      api = await bootRoutes(table, {
        clock,
        slotScheduler: scheduler.slotScheduler(clock),
        triggerQueue: new SqsTriggerQueue(sqs as unknown as SQSClient, { queueUrl: 'https://sqs.test/triggers', deadLetterQueueUrl: 'https://sqs.test/dlq' }),
      });
      const videos = new DynamoVideoRepository(table);
      for (let i = 0; i < videoIds.length; i += 200) {
        await Promise.all(videoIds.slice(i, i + 200).map((id) => videos.create(video(id, NOW))));
      }
      for (const [id, gap] of [[channelId, 0], [longId('channel-preempted'), 1]] as const) {
        const put = await api.call('putChannel', { params: { channel_id: id }, body: { name: id, publishing: { timezone: 'UTC', min_gap_minutes: gap } } });
        expect(put.status).toBe(201);
      }
      expect((await api.call('start')).status).toBe(200);
      inOneBody = videoIds.length;
      while (Buffer.byteLength(waveBody(videoIds.slice(0, inOneBody), channelId, { timing: 'simultaneous', scheduled_at: FIRE_AT })) > MAX_BODY_BYTES) inOneBody--;
    }, 300_000);

    it('refuses a wave body one video id longer (413), and books the one that fits in one slot', async () => {
      // Prepare
      const config = { timing: 'simultaneous', scheduled_at: FIRE_AT };

      // Act
      const tooLarge = await api.call('scheduleWave', { body: waveBody(videoIds.slice(0, inOneBody + 1), channelId, config) });
      const booked = await api.call('scheduleWave', { body: waveBody(videoIds.slice(0, inOneBody), channelId, config) }, LONG_RUNNING);

      // Assess
      expect(tooLarge.status).toBe(413);
      expect(booked.status).toBe(201);
      expect(booked.body).toMatchObject({ total_publications: inOneBody, slots: 1 });
    }, 300_000);

    it(`fills the ledger to ${MAX_LEDGER_BOOKINGS} bookings and refuses one more (422 channel_calendar_full)`, async () => {
      // Prepare
      const rest = videoIds.slice(inOneBody);
      const filled = await api.call(
        'scheduleWave',
        { body: waveBody(rest, channelId, { timing: 'simultaneous', scheduled_at: '2026-06-04T18:00:00Z' }) },
        LONG_RUNNING,
      );
      expect(filled.status).toBe(201);

      // Act
      const oneMore = await api.call('coordinatePublication', {
        body: { video_id: videoIds[0], channel_ids: [channelId], timing: 'simultaneous', scheduled_at: '2026-06-05T18:00:00Z' },
      });

      // Assess
      expect(oneMore.status).toBe(422);
      expect(oneMore.body.error).toMatchObject({ code: 'channel_calendar_full', details: { booked: MAX_LEDGER_BOOKINGS, requested: 1 } });
      const bytes = await rawSize(table, ledgerKeys.key(channelId));
      expect(bytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      note('ledger (booked through the API)', bytes, ledgerKeys.key(channelId).pk);
    }, 300_000);

    it('refuses a preempt whose moves would leave more than the bound in the ledger (their old times are kept until the commit), where it was a 500', async () => {
      // Prepare: 2,000 bookings a minute apart (gap 1 minute), then 2,000 of a higher priority at the same times:
      // 2,000 bookings + 2,000 new + a shadow for each of the 2,000 moved would be 6,000 (about 480 KB).
      const channel = longId('channel-preempted');
      const ids = videoIds.slice(0, 2_000);
      const staggered = { timing: 'staggered', scheduled_at: '2026-06-10T00:00:00Z', delay_seconds: 60 };
      const first = await api.call('scheduleWave', { body: waveBody(ids, channel, staggered, { priority: 0 }) }, LONG_RUNNING);
      expect(first.status).toBe(201);
      const ledgers = new DynamoLedgerRepository(table);
      const before = await ledgers.get(channel);

      // Act
      const preempting = await api.call('scheduleWave', { body: waveBody(ids, channel, staggered, { conflict_policy: 'preempt' }) }, LONG_RUNNING);

      // Assess
      expect(preempting.status).toBe(422);
      expect(preempting.body.error).toMatchObject({
        code: 'channel_calendar_full',
        details: { channel_id: channel, limit: MAX_LEDGER_BOOKINGS, booked: 2_000, requested: 2_000, moved: 2_000 },
      });
      expect((await ledgers.get(channel)).bookings).toEqual(before.bookings);
    }, 300_000);

    it(`a ledger at its domain maximum: ${MAX_LEDGER_BOOKINGS} bookings of the longest encoding (a shadow of a coordination's publication)`, async () => {
      // Prepare
      const channel = longId('channel-ledger-max');
      const at = Date.parse('2200-01-01T00:00:00.000Z');
      const bookings = Array.from({ length: MAX_LEDGER_BOOKINGS }, (_, i) => ({
        publication_id: shadowIdOf(`pub_${ulid()}`),
        at: at + i * 60_000,
        priority: 9,
        group_id: `coord_${ulid()}`,
      }));

      // Act
      const written = await new DynamoLedgerRepository(table).replace(channel, 0, bookings, NOW);

      // Assess
      expect(written).toBe(true);
      const bytes = await rawSize(table, ledgerKeys.key(channel));
      expect(bytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      note('ledger (domain maximum)', bytes, ledgerKeys.key(channel).pk);
    });

    it('fires the slot from its schedule input: every SQS message and every SendMessageBatch within 256 KB, each publication sent once', async () => {
      // Prepare
      const input = scheduler.inputs.find((i) => (i.Target?.Input ?? '').includes(FIRE_AT.slice(0, 19)))?.Target?.Input;
      expect(input).toBeDefined();
      expect(Buffer.byteLength(input!, 'utf8')).toBeLessThanOrEqual(SCHEDULE_INPUT_BYTES);
      clock.set(FIRE_AT);
      const { handler } = await import('#functions/scheduled/fire-slot');

      // Act
      const fired = (await handler(JSON.parse(input!), lambdaContext('fire-slot', 900_000))) as { outcome: string; dispatched: number };

      // Assess
      expect(fired).toMatchObject({ outcome: 'dispatched', dispatched: inOneBody });
      const entries = sqs.batches.flat();
      const sizes = entries.map(messageBytes);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(SQS_MESSAGE_BYTES);
      for (const batch of sqs.batches) expect(batch.reduce((sum, entry) => sum + messageBytes(entry), 0)).toBeLessThanOrEqual(SQS_MESSAGE_BYTES);
      const sent = entries.flatMap((entry) => (JSON.parse(entry.MessageBody ?? '{}') as { publications: { publication_id: string }[] }).publications);
      expect(sent).toHaveLength(inOneBody);
      expect(new Set(sent.map((p) => p.publication_id)).size).toBe(inOneBody);
      expect(entries.length).toBeGreaterThan(1);
      note('trigger message (SQS)', Math.max(...sizes), `${entries.length} parts of ${inOneBody} publications`);
      note('schedule input (Target.Input)', Math.max(...scheduler.inputs.map((i) => Buffer.byteLength(i.Target?.Input ?? ''))), '');
    }, 300_000);

    it('the reconciliation job cursor, at a position in the dispatching publications', async () => {
      // Prepare
      const page = await new DynamoPublicationRepository(table).listByStatus('dispatching', 1);
      expect(page.next_cursor).not.toBeNull();

      // Act
      await new DynamoJobCursorRepository(table).put('reconcile-resend', page.next_cursor, NOW);

      // Assess
      expect(await rawSize(table, jobKeys.cursor('reconcile-resend'))).toBeLessThan(2_048);
    });

    it('leaves no item over the limit', async () => {
      const byKind = await everyItemWithinLimit(table);
      for (const kind of ['ledger', 'slot', 'publication', 'group', 'job_cursor']) expect(byKind.get(kind), kind).toBeGreaterThan(0);
    });
  });

  describe('idempotency records at the compact store’s bounds', () => {
    let table: EmbeddedTable;
    const request = (key: string) => ({ headers: { 'idempotency-key': key }, body: { video_id: 'v1' }, pathParameters: null, queryStringParameters: null });
    const store = () => {
      const s = new CompactIdempotencyStore({ tableName: table.tableName, client: raw });
      s.configure({
        config: new IdempotencyConfig({ eventKeyJmesPath: 'headers."idempotency-key"', payloadValidationJmesPath: '[body, pathParameters, queryStringParameters]', expiresAfterSeconds: 86_400 }),
        keyPrefix: 'coordinate-publication',
      });
      return s;
    };
    /** What the store compresses an answer's body to (its own settings). */
    const compressed = (body: string) =>
      brotliCompressSync(Buffer.from(body), { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_LGWIN]: zlib.BROTLI_MAX_WINDOW_BITS } }).length;
    /** An answer of random text (incompressible) whose body compresses to at most `target` bytes, as close as a search finds. */
    function incompressibleAnswer(target: number) {
      const noise = randomBytes(target * 2).toString('base64');
      let [lo, hi] = [0, noise.length];
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (compressed(JSON.stringify({ noise: noise.slice(0, mid) })) <= target) lo = mid;
        else hi = mid - 1;
      }
      return { statusCode: 201, headers: { 'content-type': 'application/json', 'x-request-id': 'req-000000-00000000' }, body: JSON.stringify({ noise: noise.slice(0, lo) }) };
    }

    beforeAll(async () => {
      table = await dynamo.createTable('sizes-idempotency');
    });

    it(`a record holding ${ITEM_PAYLOAD_BYTES} compressed bytes, the most it keeps inline`, async () => {
      // Prepare
      const answer = incompressibleAnswer(ITEM_PAYLOAD_BYTES);
      expect(compressed(answer.body)).toBeGreaterThan(ITEM_PAYLOAD_BYTES - 64);

      // Act
      await store().saveInProgress(request('inline'), 30_000);
      await store().saveSuccess(request('inline'), answer as never);

      // Assess
      const byKind = await everyItemWithinLimit(table);
      expect([...byKind.keys()]).toEqual(['idempotency record']);
    });

    it('a record whose answer goes in parts: each part and the record within the limit', async () => {
      // Prepare
      const answer = incompressibleAnswer(3 * ITEM_PAYLOAD_BYTES - 1);

      // Act
      await store().saveInProgress(request('parts'), 30_000);
      await store().saveSuccess(request('parts'), answer as never);

      // Assess
      const byKind = await everyItemWithinLimit(table);
      expect(byKind.get('idempotency answer part')).toBeGreaterThan(ITEM_PAYLOAD_BYTES);
      expect(((await store().getRecord(request('parts'))).getResponse() as { body: string }).body === answer.body).toBe(true);
    });
  });

  describe('a webhook delivery with every field at its longest', () => {
    it('a 100-character delivery id, a 100-character action, a run id found in the name', async () => {
      // Prepare
      const table = await dynamo.createTable('sizes-webhook');
      const deliveryId = 'd'.repeat(100);

      // Act
      await new DynamoWebhookDeliveryRepository(table).record({
        delivery_id: deliveryId,
        event: 'workflow_run',
        action: 'a'.repeat(100),
        github_run_id: Number.MAX_SAFE_INTEGER,
        run_id: `run_${'0'.repeat(40)}`,
        matched: true,
        changed: true,
        received_at: NOW,
      });

      // Assess
      const bytes = await rawSize(table, webhookDeliveryKeys.key(deliveryId));
      note('webhook delivery', bytes, webhookDeliveryKeys.key(deliveryId).pk.slice(0, 30));
      expect(bytes).toBeLessThan(1_024);
    });
  });
});

/** SQS's count of a message against its 256 KB: the body and each attribute's name, type and value. */
function messageBytes(entry: SendMessageBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

/** An SQS client that accepts every SendMessageBatch and keeps its entries. */
class RecordingSqs {
  readonly batches: SendMessageBatchRequestEntry[][] = [];

  async send(command: unknown) {
    if (!(command instanceof SendMessageBatchCommand)) return { Attributes: {} };
    const entries = command.input.Entries ?? [];
    this.batches.push(entries);
    return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: '' })), Failed: [] };
  }
}

/** A Scheduler client that accepts every CreateSchedule (and delete) and keeps what it was asked to create. */
class RecordingScheduler {
  readonly inputs: CreateScheduleCommandInput[] = [];

  async send(command: unknown) {
    if (command instanceof CreateScheduleCommand) this.inputs.push(command.input);
    return {};
  }

  /** The real adapter over this client. */
  slotScheduler(clock: FixedClock): EventBridgeSlotScheduler {
    return new EventBridgeSlotScheduler(
      this as unknown as SchedulerClient,
      {
        groupName: 'orchestrator-slots',
        targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:orchestrator-fire-slot',
        roleArn: 'arn:aws:iam::123456789012:role/orchestrator-scheduler',
        deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:orchestrator-slot-dlq',
      },
      clock,
    );
  }
}
