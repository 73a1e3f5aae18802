import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OctokitWorkflows } from '#shared/adapters/github/octokit-workflows';
import { startGitHubSimulator, type GitHubSimulator } from '#infra/local/github-simulator';
import { githubFailureOf } from '#tests/helpers/expectations';

/**
 * The contents methods of the real Octokit client against the GitHub
 * simulator (nothing of Octokit mocked): what the config sync reads and writes.
 */
const TOKEN = 'ghp_contentsSecretToken0123456789';
const where = { owner: 'acme', repo: 'contents-one', ref: 'main' };
const PATH = '.orchestrator/channel.json';

describe('Class: OctokitWorkflows (contents)', () => {
  let sim: GitHubSimulator;
  const client = (token = TOKEN) =>
    new OctokitWorkflows({ baseUrl: sim.url, token: async () => token, serverErrorBaseDelayMs: 10, serverErrorRetries: 1, minMillisecondsBetweenWrites: 0 });

  beforeAll(async () => {
    sim = await startGitHubSimulator({
      token: TOKEN,
      strict: true,
      repositories: [
        { owner: 'acme', repo: 'contents-one', files: { 'README.md': '# one\n' } },
        { owner: 'acme', repo: 'read-only', canPush: false },
      ],
    });
  });
  afterEach(() => sim.clearMisbehaviours());
  afterAll(async () => sim.close());

  describe('Method: getFile', () => {
    it('answers null for a file that does not exist', async () => {
      expect(await client().getFile(where, PATH)).toBeNull();
    });

    it("answers an existing file's bytes and blob sha", async () => {
      const file = await client().getFile(where, 'README.md');
      expect(file?.content.toString('utf8')).toBe('# one\n');
      expect(file?.sha).toMatch(/^[0-9a-f]{40}$/);
    });

    it('fails unauthorized on a refused token, naming no token', async () => {
      const error = await githubFailureOf(client('ghp_wrong0123456789').getFile(where, PATH));
      expect([error.kind, error.status]).toEqual(['unauthorized', 401]);
      expect(error.message).not.toContain('ghp_wrong0123456789');
    });

    it('fails unavailable when GitHub answers 500 through the retries', async () => {
      sim.misbehave({ method: 'GET', path: '/repos/acme/contents-one/contents', status: 500, times: 5 });
      const error = await githubFailureOf(client().getFile(where, PATH));
      expect([error.kind, error.status]).toEqual(['unavailable', 500]);
    });
  });

  describe('Method: putFile', () => {
    it('creates the file on the branch, then replaces it given its sha', async () => {
      // Act
      const created = await client().putFile(where, PATH, { content: Buffer.from('{"a":1}\n'), sha: null, message: 'orchestrator: sync channel config' });
      const current = await client().getFile(where, PATH);
      const replaced = await client().putFile(where, PATH, { content: Buffer.from('{"a":2}\n'), sha: current?.sha ?? null, message: 'orchestrator: sync channel config' });

      // Assess
      expect(sim.file('acme', 'contents-one', PATH, 'main')).toBe('{"a":2}\n');
      expect(sim.commits.filter((c) => c.repo === 'contents-one').map((c) => c.sha)).toEqual([created.commit_sha, replaced.commit_sha]);
      expect(sim.commits.at(-1)).toMatchObject({ branch: 'main', path: PATH, message: 'orchestrator: sync channel config' });
    });

    it('fails with the 409 when the sha is no longer the file\'s', async () => {
      const error = await githubFailureOf(client().putFile(where, PATH, { content: Buffer.from('{}\n'), sha: '0'.repeat(40), message: 'm' }));
      expect([error.kind, error.status]).toEqual(['unprocessable', 409]);
    });

    it('fails unauthorized when the token may not push', async () => {
      const error = await githubFailureOf(client().putFile({ ...where, repo: 'read-only' }, PATH, { content: Buffer.from('{}\n'), sha: null, message: 'm' }));
      expect([error.kind, error.status]).toEqual(['unauthorized', 403]);
    });
  });
});
