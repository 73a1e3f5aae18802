import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/logger';
import { embeddedTable, scanTable, snapshotTable, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { githubDelivery, RecordingRunSignals, TEST_WEBHOOK_SECRET, webhookExamples } from '#tests/helpers/github-webhook-deliveries';
import { RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { bootRoutes, type RouteCaller } from '#tests/helpers/route-harness';

/**
 * POST /webhooks/github through its real handler and the middy stack, on
 * dynalite, with GitHub's own example payloads signed as GitHub signs them.
 * The run tracking service is a recording fake (the `workflowRunSignals` override).
 */
describe('POST /webhooks/github', () => {
  let table: EmbeddedTable & { close(): Promise<void> };
  let api: RouteCaller;
  const signals = new RecordingRunSignals();
  const workflowRuns = webhookExamples('workflow_run');
  const deliveryItems = async () => (await scanTable(table)).filter((item) => String(item.pk).startsWith('WEBHOOK#'));

  beforeAll(async () => {
    process.env.GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
    table = await embeddedTable('webhook');
    api = await bootRoutes(table, { workflowRunSignals: signals });
  });
  afterAll(async () => {
    delete process.env.GITHUB_WEBHOOK_SECRET;
    await table.close();
  });
  beforeEach(() => {
    signals.signals.length = 0;
    signals.answer = new RecordingRunSignals().answer;
    vi.restoreAllMocks();
  });

  describe('workflow_run', () => {
    it('has the examples the tests rely on: requested and completed, the messy one included', () => {
      expect(workflowRuns.map((e) => e.action).sort()).toEqual(['completed', 'completed', 'completed', 'requested', 'requested']);
      expect(workflowRuns.some((e) => e.action === 'completed' && e.workflow_run.status === 'queued' && e.workflow_run.conclusion === null)).toBe(true);
    });

    it("brings every @octokit/webhooks-examples workflow_run payload, signed, to the run tracking service as GitHub's word on the run", async () => {
      for (const [i, example] of workflowRuns.entries()) {
        // Prepare
        const delivery = await githubDelivery('workflow_run', example);
        signals.signals.length = 0;

        // Act
        const answer = await api.call('githubWebhook', delivery);

        // Assess
        expect(answer.status, `example ${i}: ${answer.raw}`).toBe(200);
        expect(answer.body).toEqual({ matched: false, changed: false, run_id: null, status: null });
        expect(signals.signals, `example ${i}`).toEqual([
          {
            github_run_id: example.workflow_run.id,
            run_id: null, // GitHub's examples carry no [run_...] in their names
            status: example.workflow_run.status,
            conclusion: example.workflow_run.conclusion,
            html_url: example.workflow_run.html_url,
            at: example.workflow_run.updated_at,
            source: `webhook:${delivery.delivery}`,
          },
        ]);
      }
      expect(await deliveryItems()).toHaveLength(workflowRuns.length);
    });

    it("finds the orchestrator's run id in the run-name (display_title) or in the name, and answers what the service did", async () => {
      // Prepare
      const [completed] = workflowRuns.filter((e) => e.action === 'completed' && e.workflow_run.conclusion === 'success');
      const runId = 'run_3f1c2a9b8d7e6f5a4b3c2d1e0f';
      const byTitle = { ...completed, workflow_run: { ...completed!.workflow_run, display_title: `publish vid-001 [${runId}]` } };
      const byName = { ...completed, workflow_run: { ...completed!.workflow_run, name: `publish [${runId}]`, display_title: 'something else' } };
      signals.answer = async (signal) => ({ matched: true, changed: true, run_id: signal.run_id, status: 'succeeded' });

      // Act
      const answers = [await api.call('githubWebhook', await githubDelivery('workflow_run', byTitle)), await api.call('githubWebhook', await githubDelivery('workflow_run', byName))];

      // Assess
      expect(answers.map((a) => a.body)).toEqual([
        { matched: true, changed: true, run_id: runId, status: 'succeeded' },
        { matched: true, changed: true, run_id: runId, status: 'succeeded' },
      ]);
      expect(signals.signals.map((s) => [s.run_id, s.status, s.conclusion])).toEqual([
        [runId, 'completed', 'success'],
        [runId, 'completed', 'success'],
      ]);
    });

    it('verifies a body API Gateway delivered base64-encoded against the signature of the text GitHub sent', async () => {
      const answer = await api.call('githubWebhook', await githubDelivery('workflow_run', workflowRuns[0], { base64: true }));
      expect(answer.status).toBe(200);
      expect(signals.signals).toHaveLength(1);
    });

    it('applies a delivery once: a replay answers 200 {duplicate: true}, changes nothing and does not reach the service again', async () => {
      // Prepare
      const delivery = await githubDelivery('workflow_run', workflowRuns[1]);
      const first = await api.call('githubWebhook', delivery);
      const before = await snapshotTable(table);

      // Act
      const replay = await api.call('githubWebhook', delivery);

      // Assess
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ duplicate: true });
      expect(signals.signals).toHaveLength(1);
      expect(await snapshotTable(table)).toEqual(before);
    });

    it("records a delivery only once it was applied: one that failed mid-way is applied by GitHub's redelivery", async () => {
      // Prepare
      const delivery = await githubDelivery('workflow_run', workflowRuns[2]);
      signals.answer = async () => {
        throw new Error('the table is throttling');
      };
      const failed = await api.call('githubWebhook', delivery);
      signals.answer = new RecordingRunSignals().answer;

      // Act
      const redelivered = await api.call('githubWebhook', delivery);

      // Assess
      expect(failed.status).toBe(500);
      expect(redelivered.status).toBe(200);
      expect(redelivered.body).toHaveProperty('matched');
      expect(signals.signals).toHaveLength(2);
      expect((await deliveryItems()).filter((item) => item.delivery_id === delivery.delivery)).toHaveLength(1);
    });

    it('keeps one record of a delivery sent twice at once; the one that did not record it answers duplicate', async () => {
      // Prepare
      const delivery = await githubDelivery('workflow_run', workflowRuns[3]);

      // Act
      const answers = await Promise.all([api.call('githubWebhook', delivery), api.call('githubWebhook', delivery)]);

      // Assess
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(1);
      expect((await deliveryItems()).filter((item) => item.delivery_id === delivery.delivery)).toHaveLength(1);
    });

    it('refuses a signed workflow_run that lacks what one carries with 400 naming the field, and writes nothing', async () => {
      // Prepare
      const { id: _dropped, ...run } = workflowRuns[0]!.workflow_run;
      const before = await snapshotTable(table);

      // Act
      const answer = await api.call('githubWebhook', await githubDelivery('workflow_run', { ...workflowRuns[0], workflow_run: run }));

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields).toEqual([{ field: 'workflow_run.id', in: 'body', message: expect.any(String) }]);
      expect(signals.signals).toHaveLength(0);
      expect(await snapshotTable(table)).toEqual(before);
    });
  });

  describe('refusals', () => {
    const cases: [string, () => Promise<Parameters<RouteCaller['call']>[1]>, number, string][] = [
      ['a bad signature', async () => githubDelivery('workflow_run', workflowRuns[0], { signature: `sha256=${'0'.repeat(64)}` }), 401, 'invalid_signature'],
      ['no signature', async () => githubDelivery('workflow_run', workflowRuns[0], { signature: null }), 401, 'invalid_signature'],
      ['a signature over another body', async () => githubDelivery('workflow_run', workflowRuns[0], { signature: (await githubDelivery('workflow_run', workflowRuns[1])).headers!['x-hub-signature-256']! }), 401, 'invalid_signature'],
      ['a signature made with another secret', async () => githubDelivery('workflow_run', workflowRuns[0], { secret: 'not the secret' }), 401, 'invalid_signature'],
      ['a correctly signed body that is not JSON', async () => githubDelivery('workflow_run', 'payload=%7B%22action%22%3A%22completed%22%7D'), 400, 'invalid_json'],
      ['a correctly signed JSON array', async () => githubDelivery('workflow_run', '[1,2,3]'), 400, 'validation_failed'],
      [
        'a correctly signed form-encoded body (the webhook set to application/x-www-form-urlencoded)',
        async () => {
          const delivery = await githubDelivery('workflow_run', `payload=${encodeURIComponent(JSON.stringify(workflowRuns[0]))}`);
          return { ...delivery, headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' } };
        },
        415,
        'unsupported_media_type',
      ],
      [
        'a signed delivery without X-GitHub-Event',
        async () => {
          const delivery = await githubDelivery('workflow_run', workflowRuns[0]);
          return { ...delivery, headers: { ...delivery.headers, 'x-github-event': null } };
        },
        400,
        'validation_failed',
      ],
      [
        'a signed delivery without X-GitHub-Delivery',
        async () => {
          const delivery = await githubDelivery('workflow_run', workflowRuns[0]);
          return { ...delivery, headers: { ...delivery.headers, 'x-github-delivery': null } };
        },
        400,
        'validation_failed',
      ],
    ];
    for (const [what, request, status, code] of cases) {
      it(`answers ${status} ${code} to ${what}, writes nothing (no activity, no delivery) and never reaches the service`, async () => {
        // Prepare
        const before = await snapshotTable(table);
        const input = await request();

        // Act
        const answer = await api.call('githubWebhook', input);

        // Assess
        expect(answer.status, answer.raw).toBe(status);
        expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
        expect(signals.signals).toHaveLength(0);
        expect(await snapshotTable(table)).toEqual(before);
      });
    }

    it('logs a refused signature as one WARN line, without the body or the signature', async () => {
      // Prepare
      const warn = vi.spyOn(logger, 'warn');
      const delivery = await githubDelivery('workflow_run', workflowRuns[0], { signature: `sha256=${'ab'.repeat(32)}` });

      // Act
      await api.call('githubWebhook', delivery);

      // Assess
      expect(warn).toHaveBeenCalledTimes(1);
      const logged = JSON.stringify(warn.mock.calls);
      expect(logged).toContain(delivery.delivery);
      expect(logged).not.toContain('ab'.repeat(32));
      expect(logged).not.toContain(String(workflowRuns[0]!.workflow_run.id));
    });

    it('names the missing X-GitHub-Event and X-GitHub-Delivery headers', async () => {
      const delivery = await githubDelivery('push', { ref: 'refs/heads/main' });
      const answer = await api.call('githubWebhook', { ...delivery, headers: { ...delivery.headers, 'x-github-event': null, 'x-github-delivery': null } });
      expect(answer.body.error.details.fields.map((f: { field: string; in: string }) => `${f.in}.${f.field}`)).toEqual(['header.X-GitHub-Event', 'header.X-GitHub-Delivery']);
    });
  });

  describe('other events', () => {
    it("answers GitHub's ping with 200 {ok: true, event: 'ping', hook_id} and writes nothing", async () => {
      // Prepare
      const [ping] = webhookExamples('ping');
      const before = await snapshotTable(table);

      // Act
      const answer = await api.call('githubWebhook', await githubDelivery('ping', ping));

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ ok: true, event: 'ping', hook_id: ping!.hook_id });
      expect(await snapshotTable(table)).toEqual(before);
    });

    it('accepts a push with 202 {ignored: true, event: push}, writes nothing and does not reach the service', async () => {
      // Prepare
      const [push] = webhookExamples('push');
      const before = await snapshotTable(table);

      // Act
      const answer = await api.call('githubWebhook', await githubDelivery('push', push));

      // Assess
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ ignored: true, event: 'push' });
      expect(signals.signals).toHaveLength(0);
      expect(await snapshotTable(table)).toEqual(before);
    });

    it('ignores an Idempotency-Key: a webhook is deduplicated on its delivery id alone', async () => {
      const [push] = webhookExamples('push');
      const delivery = await githubDelivery('push', push);
      const answer = await api.call('githubWebhook', { ...delivery, headers: { ...delivery.headers, 'idempotency-key': 'not valid here either' } });
      expect(answer.status).toBe(202);
      expect(answer.headers).not.toHaveProperty('idempotent-replayed');
    });
  });

  describe('with the real run tracking (no override)', () => {
    let runId: string;
    /** A GitHub example about our run: its run-name carries the run id, as the channel workflow sets it. */
    const aboutOurRun = (example: Record<string, any>) => ({
      ...example,
      workflow_run: { ...example.workflow_run, id: 7_000_001, display_title: `publish vid-wh [${runId}]` },
    });
    const example = (action: string, status: string, conclusion: string | null) =>
      workflowRuns.find((e) => e.action === action && e.workflow_run.status === status && e.workflow_run.conclusion === conclusion)!;

    beforeAll(async () => {
      api.root.overrideAdapters({ workflowRunSignals: undefined, triggerQueue: new RecordingTriggerQueue() });
      await api.call('start');
      await api.call('putChannel', {
        params: { channel_id: 'wh-channel' },
        body: { name: 'Webhook channel', github: { owner: 'acme-media', repo: 'wh-channel', workflow: 'publish.yml', ref: 'main' } },
      });
      await api.call('createVideo', { body: { video_id: 'vid-wh', title: 'Webhook video' } });
      runId = (await api.call('triggerPipeline', { body: { channel_id: 'wh-channel', video_id: 'vid-wh' } })).body.run_id;
    });
    afterAll(() => api.root.overrideAdapters({ workflowRunSignals: signals }));

    it("moves the matching run as GitHub's payloads say: requested changes nothing, completed with success finishes it once", async () => {
      // Prepare
      const requested = await githubDelivery('workflow_run', aboutOurRun(example('requested', 'queued', null)));
      const messy = await githubDelivery('workflow_run', aboutOurRun(example('completed', 'queued', null)));
      const succeeded = await githubDelivery('workflow_run', aboutOurRun(example('completed', 'completed', 'success')));

      // Act
      const answers = [];
      for (const delivery of [requested, messy, succeeded]) answers.push((await api.call('githubWebhook', delivery)).body);
      const replay = await api.call('githubWebhook', succeeded);
      const again = await api.call('githubWebhook', await githubDelivery('workflow_run', aboutOurRun(example('completed', 'completed', 'success'))));

      // Assess
      expect(answers).toEqual([
        { matched: true, changed: false, run_id: runId, status: 'queued' },
        { matched: true, changed: false, run_id: runId, status: 'queued' },
        { matched: true, changed: true, run_id: runId, status: 'succeeded' },
      ]);
      expect(replay.body).toEqual({ duplicate: true });
      expect(again.body).toEqual({ matched: true, changed: false, run_id: runId, status: 'succeeded' });
      const run = await api.call('getPipelineRun', { params: { run_id: runId } });
      expect(run.body).toMatchObject({ status: 'succeeded', conclusion: 'success' });
      const entries = (await api.call('listActivity', { query: { type: 'pipeline.succeeded' } })).body.items;
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ target: { type: 'pipeline_run', id: runId }, details: { source: `webhook:${succeeded.delivery}` } });
    });

    it('answers a run that is not ours as unmatched, and still records the delivery', async () => {
      const delivery = await githubDelivery('workflow_run', workflowRuns[4]);
      const answer = await api.call('githubWebhook', delivery);
      expect(answer.body).toEqual({ matched: false, changed: false, run_id: null, status: null });
      expect((await deliveryItems()).some((item) => item.delivery_id === delivery.delivery)).toBe(true);
    });
  });
});
