import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#shared/routes';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';
import type { EmbeddedDynamo, EmbeddedTable } from '#tests/helpers/embedded-table';
import { startEmbeddedDynamo } from '#tests/helpers/embedded-table';
import { bootHandlers, type Handlers } from '#tests/helpers/handler-harness';

/** POST /videos, GET /videos/{video_id} and GET /videos through the middy stack against dynalite. */
describe('Handlers: videos', () => {
  let dynamo: EmbeddedDynamo;
  let table: EmbeddedTable;
  let http: Handlers;

  const create = (body: unknown) => invoke(http.createVideo, apiEvent(routes.createVideo, { body }));

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    table = await dynamo.createTable();
    http = await bootHandlers(table);
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('POST creates a video (201) with its defaults and a time-sortable id when none is given; GET reads it back', async () => {
    // Act
    const created = await create({ title: '  Cats at play  ' });
    const read = await invoke(http.getVideo, apiEvent(routes.getVideo, { params: { video_id: created.body.video_id } }));

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      video_id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      title: 'Cats at play',
      tags: [],
      language: null,
      category: null,
      duration_seconds: null,
      source_url: null,
      status: 'available',
      created_at: expect.any(String),
      updated_at: created.body.created_at,
    });
    expect(read).toMatchObject({ status: 200, body: created.body });
  });

  it("POST keeps the scraper's id and refuses it a second time with 409 video_exists", async () => {
    // Act
    const first = await create({ video_id: 'yt-abc_1', title: 'Scraped', tags: ['a'], language: 'pt-BR', duration_seconds: 30, source_url: 'https://example.test/v' });
    const second = await create({ video_id: 'yt-abc_1', title: 'Scraped again' });

    // Assess
    expect(first).toMatchObject({ status: 201, body: { video_id: 'yt-abc_1', language: 'pt-BR' } });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'video_exists', details: { video_id: 'yt-abc_1' } });
  });

  it('GET /videos lists newest first, page by page, and by status', async () => {
    // Prepare
    const ids: string[] = [];
    for (const [i, status] of (['available', 'archived', 'available', 'archived', 'available'] as const).entries()) {
      ids.push((await create({ video_id: `list-${i}`, title: `Video ${i}`, status })).body.video_id);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct creation times
    }

    // Act
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke(http.listVideos, apiEvent(routes.listVideos, { query: { limit: '2', ...(cursor ? { cursor } : {}) } }));
      listed.push(...page.body.items.map((v: { video_id: string }) => v.video_id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    const archived = await invoke(http.listVideos, apiEvent(routes.listVideos, { query: { status: 'archived' } }));

    // Assess
    expect(listed.filter((id) => id.startsWith('list-'))).toEqual([...ids].reverse());
    expect(new Set(listed).size).toBe(listed.length);
    expect(archived.body.items.map((v: { video_id: string }) => v.video_id)).toEqual(['list-3', 'list-1']);
  });
});
