import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#shared/routes';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';
import type { EmbeddedDynamo, EmbeddedTable } from '#tests/helpers/embedded-table';
import { snapshotTable, startEmbeddedDynamo } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';
import { RecordingProcessingQueue, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { channelBody } from '#tests/helpers/sample-entities';

type Handler = Handlers['start'];

interface BadTrigger {
  what: string;
  body: unknown;
  status: number;
  code: string;
  /** `in:field` of every field the answer must name in details.fields. */
  fields?: string[];
}

/**
 * POST /trigger-pipeline, GET /pipeline-runs, GET /pipeline-runs/{run_id} and
 * POST /pipeline-runs/{run_id}/complete through the middy stack against
 * dynalite (SPEC "Pipelines"). The trigger queue and the processing queue
 * record what they were given; GitHub is never called (no github_actions run
 * is dispatched here).
 */
describe('Handlers: pipeline runs', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let http: Handlers;
  let pipelines: { trigger: Handler; list: Handler; get: Handler; complete: Handler };
  let dispatch: typeof import('#shared/composition-root').pipelineDispatch;
  const queue = new RecordingTriggerQueue();
  const processing = new RecordingProcessingQueue();

  const trigger = (body: unknown) => invoke(pipelines.trigger, apiEvent(routes.triggerPipeline, { body }));
  const getRun = (runId: string) => invoke(pipelines.get, apiEvent(routes.getPipelineRun, { params: { run_id: runId } }));
  const listRuns = (query: Record<string, string>) => invoke(pipelines.list, apiEvent(routes.listPipelineRuns, { query }));
  const complete = (runId: string, body: unknown) => invoke(pipelines.complete, apiEvent(routes.completePipelineRun, { params: { run_id: runId }, body }));
  /** Every run of a channel, page by page. */
  const allRuns = async (query: Record<string, string>) => {
    const items: { run_id: string; status: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRuns({ ...query, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    http = await bootHandlers(table, { triggerQueue: queue, processingQueue: processing });
    // The harness has set up the composition root: the pipeline handlers are imported after it.
    const [triggerPipeline, listPipelineRuns, getPipelineRun, completePipelineRun, root] = await Promise.all([
      import('#functions/http/trigger-pipeline'),
      import('#functions/http/list-pipeline-runs'),
      import('#functions/http/get-pipeline-run'),
      import('#functions/http/complete-pipeline-run'),
      import('#shared/composition-root'),
    ]);
    pipelines = { trigger: triggerPipeline.handler, list: listPipelineRuns.handler, get: getPipelineRun.handler, complete: completePipelineRun.handler };
    dispatch = root.pipelineDispatch;
    // A running system, a channel with a repository, one without, and a video.
    expect((await invoke(http.start, apiEvent(routes.start))).status).toBe(200);
    for (const [id, github] of [
      ['with-repo', undefined],
      ['no-repo', null],
      ['listed', null],
    ] as const) {
      const body = github === undefined ? channelBody() : channelBody({ github });
      expect((await invoke(http.putChannel, apiEvent(routes.putChannel, { params: { channel_id: id }, body }))).status).toBe(201);
    }
    expect((await invoke(http.createVideo, apiEvent(routes.createVideo, { body: { video_id: 'known-video', title: 'Cats' } }))).status).toBe(201);
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('accepts a trigger on a channel with a repository (202, github_actions, queued), enqueues it, and GET reads the run', async () => {
    // Prepare
    const sent = queue.triggers.length;

    // Act
    const answer = await trigger({ channel_id: 'with-repo', video_id: 'known-video' });
    const read = await getRun(answer.body.run_id);

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ run_id: expect.stringMatching(/^run_[0-9A-Z]{26}$/), channel_id: 'with-repo', video_id: 'known-video', route: 'github_actions', status: 'queued' });
    expect(queue.triggers.slice(sent)).toEqual([
      expect.objectContaining({ trigger_id: `manual/${answer.body.run_id}`, channel_id: 'with-repo', run_id: answer.body.run_id, video_id: 'known-video', priority: 'normal' }),
    ]);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      run_id: answer.body.run_id,
      channel_id: 'with-repo',
      video_id: 'known-video',
      route: 'github_actions',
      status: 'queued',
      priority: 'normal',
      trigger_id: `manual/${answer.body.run_id}`,
      slot_id: null,
      publications: [],
      github: { owner: 'acme', repo: 'channel-repo', workflow: 'publish.yml', run_id: null, html_url: null },
    });
  });

  it('routes a trigger on a channel without a repository to the processing queue', async () => {
    // Act
    const answer = await trigger({ channel_id: 'no-repo' });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ channel_id: 'no-repo', video_id: null, route: 'processing_queue', status: 'queued' });
    expect((await getRun(answer.body.run_id)).body).toMatchObject({ route: 'processing_queue', github: null });
  });

  it('takes priority high and passes the inputs (strings) through to the trigger', async () => {
    // Prepare
    const sent = queue.triggers.length;

    // Act
    const answer = await trigger({ channel_id: 'with-repo', priority: 'high', inputs: { quality: '1080p', dry_run: 'true' } });

    // Assess
    expect(answer.status).toBe(202);
    expect((await getRun(answer.body.run_id)).body.priority).toBe('high');
    const [sentTrigger, ...more] = queue.triggers.slice(sent);
    expect(more).toEqual([]);
    expect(sentTrigger).toMatchObject({ run_id: answer.body.run_id, priority: 'high', inputs: { quality: '1080p', dry_run: 'true' } });
  });

  it('refuses a trigger with 409 orchestration_stopped while stopped, and writes nothing', async () => {
    // Prepare
    expect((await invoke(http.stop, apiEvent(routes.stop))).status).toBe(200);
    const before = await snapshotTable(table);
    const sent = queue.triggers.length;

    // Act
    const answer = await trigger({ channel_id: 'with-repo' });

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ error: { code: 'orchestration_stopped', message: expect.any(String), details: { status: 'stopped' } } });
    expect(await snapshotTable(table)).toEqual(before);
    expect(queue.triggers.length).toBe(sent);
    expect((await invoke(http.start, apiEvent(routes.start))).status).toBe(200);
  });

  it('accepts a trigger while paused as held, without enqueueing it', async () => {
    // Prepare
    expect((await invoke(http.pause, apiEvent(routes.pause))).status).toBe(200);
    const sent = queue.triggers.length;

    // Act
    const answer = await trigger({ channel_id: 'no-repo' });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ route: 'processing_queue', status: 'held' });
    expect((await getRun(answer.body.run_id)).body.status).toBe('held');
    expect(queue.triggers.length).toBe(sent);
    expect((await invoke(http.resume, apiEvent(routes.resume))).status).toBe(200);
  });

  const badTriggers: BadTrigger[] = [
    { what: 'an unknown channel', body: { channel_id: 'ghost' }, status: 404, code: 'channel_not_found' },
    { what: 'an unknown video', body: { channel_id: 'with-repo', video_id: 'ghost-video' }, status: 404, code: 'video_not_found' },
    { what: "priority 'urgent'", body: { channel_id: 'with-repo', priority: 'urgent' }, status: 400, code: 'validation_failed', fields: ['body:priority'] },
    { what: 'an unknown top-level field', body: { channel_id: 'with-repo', colour: 'red' }, status: 400, code: 'validation_failed', fields: ['body:colour'] },
    { what: 'no channel_id', body: { video_id: 'known-video' }, status: 400, code: 'validation_failed', fields: ['body:channel_id'] },
    { what: 'an input that is not a string', body: { channel_id: 'with-repo', inputs: { quality: 1080 } }, status: 400, code: 'validation_failed', fields: ['body:inputs.quality'] },
  ];

  for (const bad of badTriggers) {
    it(`refuses a trigger with ${bad.status} ${bad.code} for ${bad.what}, and changes nothing`, async () => {
      // Prepare
      const before = await snapshotTable(table);
      const sent = queue.triggers.length;

      // Act
      const answer = await trigger(bad.body);

      // Assess
      expect(answer.status).toBe(bad.status);
      expect(answer.body).toEqual({ error: { code: bad.code, message: expect.any(String), details: expect.any(Object) } });
      if (bad.fields) {
        const named = (answer.body.error.details.fields as { field: string; in: string }[]).map((f) => `${f.in}:${f.field}`);
        expect(named.sort()).toEqual([...bad.fields].sort());
      }
      expect(await snapshotTable(table)).toEqual(before);
      expect(queue.triggers.length).toBe(sent);
    });
  }

  it('GET /pipeline-runs filters by channel_id and by status', async () => {
    // Prepare: two queued runs on 'listed', then one held.
    const queued = [(await trigger({ channel_id: 'listed' })).body.run_id, (await trigger({ channel_id: 'listed' })).body.run_id];
    await invoke(http.pause, apiEvent(routes.pause));
    const held = (await trigger({ channel_id: 'listed' })).body.run_id;

    // Act
    const ofChannel = await listRuns({ channel_id: 'listed' });
    const heldOfChannel = await listRuns({ channel_id: 'listed', status: 'held' });
    const heldAnywhere = await listRuns({ status: 'held' });
    await invoke(http.resume, apiEvent(routes.resume));

    // Assess
    expect(ofChannel.status).toBe(200);
    expect(ofChannel.body.items.map((r: { run_id: string }) => r.run_id).sort()).toEqual([...queued, held].sort());
    expect(ofChannel.body.items.every((r: { channel_id: string }) => r.channel_id === 'listed')).toBe(true);
    expect(heldOfChannel.body.items.map((r: { run_id: string }) => r.run_id)).toEqual([held]);
    expect(heldAnywhere.body.items.length).toBeGreaterThanOrEqual(1);
    expect(heldAnywhere.body.items.every((r: { status: string }) => r.status === 'held')).toBe(true);
  });

  it('GET /pipeline-runs with limit=1 walks every run once by next_cursor', async () => {
    // Prepare
    const everything = await listRuns({ limit: '100' });

    // Act
    const walked = await allRuns({ limit: '1' });

    // Assess
    const ids = walked.map((r) => r.run_id);
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(everything.body.items.map((r: { run_id: string }) => r.run_id).sort());
  });

  it('GET /pipeline-runs refuses an unknown status with 400 naming it', async () => {
    // Act
    const answer = await listRuns({ status: 'exploded' });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details.fields.map((f: { field: string; in: string }) => `${f.in}:${f.field}`)).toEqual(['query:status']);
  });

  it('GET /pipeline-runs/{run_id} answers 404 run_not_found for an unknown run', async () => {
    // Act
    const answer = await getRun('run_00000000000000000000000000');

    // Assess
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'run_not_found', message: expect.any(String), details: { run_id: 'run_00000000000000000000000000' } } });
  });

  describe('POST /pipeline-runs/{run_id}/complete', () => {
    let runId: string;

    beforeAll(async () => {
      // A processing_queue run, dispatched as the trigger consumer would.
      runId = (await trigger({ channel_id: 'no-repo', video_id: 'known-video' })).body.run_id;
      const sentTrigger = queue.triggers.find((t) => t.run_id === runId);
      await dispatch().receive(sentTrigger!);
      expect((await getRun(runId)).body.status).toBe('dispatched');
      expect(processing.jobs.map((j) => j.run_id)).toContain(runId);
    });

    it("a worker's success makes the run succeeded (200)", async () => {
      // Act
      const answer = await complete(runId, { conclusion: 'success', details: { duration_seconds: 312 } });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ run_id: runId, status: 'succeeded', conclusion: 'success', completed_at: expect.any(String), last_error: null });
      expect((await getRun(runId)).body).toEqual(answer.body);
    });

    it('a repeated report changes nothing (200, the same run, the table unchanged)', async () => {
      // Prepare
      const before = await snapshotTable(table);
      const first = await getRun(runId);

      // Act
      const again = await complete(runId, { conclusion: 'failure' });

      // Assess
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await snapshotTable(table)).toEqual(before);
    });

    const badReports: { what: string; runId: () => string; body: unknown; status: number; code: string; fields?: string[] }[] = [
      { what: 'an unknown run', runId: () => 'run_00000000000000000000000000', body: { conclusion: 'success' }, status: 404, code: 'run_not_found' },
      { what: "conclusion 'maybe'", runId: () => runId, body: { conclusion: 'maybe' }, status: 400, code: 'validation_failed', fields: ['body:conclusion'] },
      { what: 'a run id that is not one', runId: () => 'not-a-run', body: { conclusion: 'success' }, status: 400, code: 'validation_failed', fields: ['path:run_id'] },
    ];

    for (const bad of badReports) {
      it(`refuses ${bad.what} with ${bad.status} ${bad.code}, and changes nothing`, async () => {
        // Prepare
        const before = await snapshotTable(table);

        // Act
        const answer = await complete(bad.runId(), bad.body);

        // Assess
        expect(answer.status).toBe(bad.status);
        expect(answer.body).toEqual({ error: { code: bad.code, message: expect.any(String), details: expect.any(Object) } });
        if (bad.fields) {
          expect(answer.body.error.details.fields.map((f: { field: string; in: string }) => `${f.in}:${f.field}`)).toEqual(bad.fields);
        }
        expect(await snapshotTable(table)).toEqual(before);
      });
    }
  });
});
