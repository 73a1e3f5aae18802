import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoSystemStateRepository } from '#shared/adapters/dynamodb/system-state-repository';
import { publicationKeys } from '#shared/adapters/dynamodb/keys';
import { batchWrite } from '#shared/adapters/dynamodb/batch';
import { routes } from '#shared/routes';
import { apiEvent, invoke, TEST_ACTOR, type HttpAnswer } from '#tests/helpers/api-gateway-event';
import type { EmbeddedDynamo, EmbeddedTable } from '#tests/helpers/embedded-table';
import { startEmbeddedDynamo } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { InMemoryTriggerQueue } from '#tests/helpers/in-memory-ports';

/**
 * POST /start, /stop, /pause, /resume and GET /status through the middy
 * stack against dynalite. The handlers are bound to one table at import, so
 * the file shares one table and each test starts by stopping the system.
 */
describe('Handlers: system control', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let http: Handlers;
  const queue = new InMemoryTriggerQueue();

  const control = (command: 'start' | 'stop' | 'pause' | 'resume') => invoke(http[command], apiEvent(routes[command]));

  /** Every activity entry, newest first, through GET /activity. */
  async function activity(query: Record<string, string> = {}) {
    const entries: Record<string, any>[] = [];
    let cursor: string | undefined;
    do {
      const answer = await invoke(http.listActivity, apiEvent(routes.listActivity, { query: { limit: '100', ...query, ...(cursor ? { cursor } : {}) } }));
      expect(answer.status).toBe(200);
      entries.push(...answer.body.items);
      cursor = answer.body.next_cursor ?? undefined;
    } while (cursor);
    return entries;
  }

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    http = await bootHandlers(table, { triggerQueue: queue });
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    expect((await control('stop')).status).toBe(200);
  });

  it('walks the SPEC table through the API: 200 with the state, 409 invalid_transition where the table refuses', async () => {
    // Act
    const answers: [string, HttpAnswer][] = [];
    for (const command of ['pause', 'resume', 'start', 'start', 'pause', 'pause', 'start', 'resume', 'resume', 'stop', 'stop'] as const) {
      answers.push([command, await control(command)]);
    }

    // Assess
    expect(answers.map(([command, a]) => `${command}:${a.status}:${a.body.status ?? a.body.error.code}:${a.body.changed ?? ''}`)).toEqual([
      'pause:409:invalid_transition:',
      'resume:409:invalid_transition:',
      'start:200:running:true',
      'start:200:running:false',
      'pause:200:paused:true',
      'pause:200:paused:false',
      'start:409:invalid_transition:',
      'resume:200:running:true',
      'resume:200:running:false',
      'stop:200:stopped:true',
      'stop:200:stopped:false',
    ]);
    const refused = answers[6]?.[1];
    expect(refused?.body.error.details).toMatchObject({ status: 'paused' });
    const started = answers[2]?.[1];
    expect(started?.body).toEqual({
      status: 'running',
      previous: 'stopped',
      changed: true,
      running: true,
      paused: false,
      since: expect.any(String),
      updated_at: started?.body.since,
    });
  });

  it('records each applied transition once, with the caller as actor and the request id', async () => {
    // Prepare
    const before = (await activity({ type: 'system.paused' })).length;
    await control('start');
    const event = apiEvent(routes.pause);

    // Act
    await invoke(http.pause, event);
    await control('pause');

    // Assess
    const paused = await activity({ type: 'system.paused' });
    expect(paused).toHaveLength(before + 1);
    expect(paused[0]).toMatchObject({
      type: 'system.paused',
      actor: TEST_ACTOR,
      request_id: event.requestContext.requestId,
      target: { type: 'system', id: 'orchestration' },
      details: { command: 'pause', from: 'running', to: 'paused' },
    });
  });

  it('takes an empty body under any content-type, and refuses a non-JSON body with 415 without moving the state', async () => {
    // Act: curl -X POST -H 'content-type: text/plain' sends a label and no body
    const emptyLabelled = await invoke(http.start, apiEvent(routes.start, { headers: { 'content-type': 'text/plain' } }));
    const textBody = await invoke(http.pause, apiEvent(routes.pause, { body: 'pause please', headers: { 'content-type': 'text/plain' } }));
    const status = await invoke(http.status, apiEvent(routes.status));

    // Assess
    expect(emptyLabelled.status).toBe(200);
    expect(emptyLabelled.body).toMatchObject({ status: 'running', changed: true });
    expect(textBody.status).toBe(415);
    expect(textBody.body.error).toEqual({
      code: 'unsupported_media_type',
      message: expect.any(String),
      details: { content_type: 'text/plain' },
    });
    expect(status.body.status).toBe('running');
  });

  it('GET /status reports the state, the held publications and the queue depth', async () => {
    // Prepare
    await control('start');
    await control('pause');
    const held = Array.from({ length: 3 }, (_, i) => ({
      publication_id: `pub_HELD${i}`,
      channel_id: `channel-${i}`,
      video_id: 'video-1',
      status: 'held',
      scheduled_at: `2026-03-20T18:00:0${i}.000Z`,
      slot_id: 'slot-1',
    }));
    const scheduled = { ...held[0]!, publication_id: 'pub_SCHEDULED', status: 'scheduled' };
    await batchWrite(table.doc, table.tableName, [...held, scheduled].map((p) => ({ PutRequest: { Item: { ...publicationKeys.item(p), entity: 'publication', ...p } } })));
    queue.setDepth({ pending: 12, in_flight: 3, dead_letter: 1 });

    // Act
    const answer = await invoke(http.status, apiEvent(routes.status));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'paused',
      running: false,
      paused: true,
      since: expect.any(String),
      held_publications: 3,
      queue: { pending: 12, in_flight: 3, dead_letter: 1 },
    });
  });

  it('50 concurrent calls mixing pause and resume (after start) leave a valid state, and the activity log holds exactly one entry per applied transition', async () => {
    // Prepare
    const state = new DynamoSystemStateRepository(table);
    const versionBefore = (await state.get()).version;
    const systemEntriesBefore = (await activity()).filter((e) => String(e.type).startsWith('system.')).length;
    const started = await control('start');
    expect(started.body.changed).toBe(true);

    // Act
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => control(i % 2 === 0 ? 'pause' : 'resume')));

    // Assess: every call answered 200 (pause and resume never meet a stopped system here)
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const changed = answers.filter((a) => a.body.changed === true).length;
    expect(changed).toBeGreaterThan(0);

    const final = await state.get();
    expect(['running', 'paused']).toContain(final.status);
    expect(final.version - versionBefore).toBe(1 + changed);

    const entries = (await activity()).filter((e) => String(e.type).startsWith('system.'));
    const added = entries.slice(0, entries.length - systemEntriesBefore);
    expect(added).toHaveLength(1 + changed);
    expect(new Set(added.map((e) => e.activity_id)).size).toBe(added.length);
    expect(added[0]?.activity_id).toBe(final.last_transition?.activity_id);

    // Oldest first, the applied transitions form one unbroken chain from stopped to the final status.
    const chain = [...added].reverse().map((e) => e.details as { from: string; to: string });
    expect(chain[0]).toEqual({ command: 'start', from: 'stopped', to: 'running' });
    for (let i = 1; i < chain.length; i++) expect(chain[i]?.from, `link ${i}`).toBe(chain[i - 1]?.to);
    expect(chain.at(-1)?.to).toBe(final.status);

    // Each changed answer is one link of the chain: what it reports moved from and to.
    const reported = answers.filter((a) => a.body.changed).map((a) => `${a.body.previous}->${a.body.status}`).sort();
    expect(reported).toEqual(chain.slice(1).map((l) => `${l.from}->${l.to}`).sort());
  });
});
