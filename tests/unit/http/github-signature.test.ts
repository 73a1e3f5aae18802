import { sign } from '@octokit/webhooks-methods';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StaticWebhookSecret } from '#shared/adapters/secrets/static-webhook-secret';
import { NotAuthenticated } from '#shared/domain/errors';
import { GITHUB_WEBHOOK_ACTOR, githubSignatureCheck } from '#shared/http/github-signature';
import { logger } from '#shared/logger';

const SECRET = 'It’s a Secret to Everybody';
const BODY = '{"zen":"Design for failure.","hook_id":1}';

describe('Function: githubSignatureCheck', () => {
  const check = githubSignatureCheck(() => new StaticWebhookSecret(SECRET));
  const headers = (signature: string | undefined) => ({ 'x-github-delivery': 'd-1', 'x-github-event': 'ping', 'x-hub-signature-256': signature });
  afterEach(() => vi.restoreAllMocks());

  it('lets a body signed with the secret through, as GitHub', async () => {
    await expect(check({ headers: headers(await sign(SECRET, BODY)), body: BODY })).resolves.toEqual({ actor: GITHUB_WEBHOOK_ACTOR });
  });

  const refusals: [string, () => Promise<{ signature: string | undefined; body: string }>][] = [
    ['no signature', async () => ({ signature: undefined, body: BODY })],
    ['an empty signature', async () => ({ signature: '', body: BODY })],
    ['a signature made with another secret', async () => ({ signature: await sign('another secret', BODY), body: BODY })],
    ['a signature over another body', async () => ({ signature: await sign(SECRET, '{"zen":"other"}'), body: BODY })],
    ['a signature of the body with one byte changed', async () => ({ signature: await sign(SECRET, BODY), body: BODY.replace('1', '2') })],
    ['the old SHA-1 form', async () => ({ signature: 'sha1=0123456789abcdef0123456789abcdef01234567', body: BODY })],
    ['garbage', async () => ({ signature: 'not a signature at all', body: BODY })],
    ['an empty body (nothing signed)', async () => ({ signature: await sign(SECRET, BODY), body: '' })],
  ];
  for (const [what, make] of refusals) {
    it(`refuses ${what} with NotAuthenticated invalid_signature and one WARN line without the body or the signature`, async () => {
      // Prepare
      const { signature, body } = await make();
      const warn = vi.spyOn(logger, 'warn');

      // Act
      const outcome = check({ headers: headers(signature), body });

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(NotAuthenticated);
      await expect(outcome).rejects.toMatchObject({ code: 'invalid_signature' });
      expect(warn).toHaveBeenCalledTimes(1);
      const logged = JSON.stringify(warn.mock.calls[0]);
      expect(logged).toContain('d-1');
      expect(logged).not.toContain('Design for failure');
      if (signature) expect(logged).not.toContain(signature);
    });
  }

  it('refuses every delivery when no secret is configured, and its warning names the settings to set', async () => {
    // Prepare
    const unconfigured = githubSignatureCheck(() => new StaticWebhookSecret(undefined));
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const outcome = unconfigured({ headers: headers(await sign(SECRET, BODY)), body: BODY });

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'invalid_signature' });
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/GITHUB_WEBHOOK_SECRET.*GITHUB_WEBHOOK_SECRET_ARN/);
  });
});
