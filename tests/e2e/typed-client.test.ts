import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_PATH } from '#shared/routes';
import { tour } from '../../clients/typescript/example';
import { LocalServer } from '#tests/helpers/local-server';

/** The typed client's example (openapi-fetch over the generated types), run for real against `npm start` with a token. */
describe('Client: clients/typescript/example.ts against npm start', () => {
  let api: LocalServer;
  beforeAll(async () => {
    api = await LocalServer.start({ apiToken: 'client-example-token' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('plans a wave as a dry run, books it and reads it back, twice (the second run finds its video already there)', async () => {
    // Prepare
    const baseUrl = api.url.slice(0, -BASE_PATH.length);

    // Act
    const first = await tour(baseUrl, 'client-example-token');
    const second = await tour(baseUrl, 'client-example-token');

    // Assess
    expect(first.planned).toMatchObject({ dry_run: true, wave_id: null, total_publications: 1 });
    expect(first.booked).toMatchObject({ dry_run: false, wave_id: expect.stringMatching(/^wave_/), total_publications: 1, schedules_created: 1 });
    expect(second.booked.wave_id).not.toBe(first.booked.wave_id);
  });

  it('fails with the API\'s own words without the token', async () => {
    await expect(tour(api.url.slice(0, -BASE_PATH.length))).rejects.toThrow('PUT channel: unauthorized');
  });
});
