import { githubWebhookIntake, webhookSecretSource } from '#shared/composition-root';
import { githubSignatureCheck } from '#shared/http/github-signature';
import { httpHandler, reply } from '#shared/http/http-handler';
import { routes } from '#shared/routes';

/**
 * POST /api/orchestration/webhooks/github: no authorizer; the stack checks
 * X-Hub-Signature-256 on the body as received before anything is parsed.
 */
export const handler = httpHandler(
  routes.githubWebhook,
  async ({ headers, body }) => {
    const received = await githubWebhookIntake().receive({ event: headers['X-GitHub-Event'], delivery_id: headers['X-GitHub-Delivery'], payload: body });
    switch (received.kind) {
      case 'applied':
        return received.outcome;
      case 'duplicate':
        return { duplicate: true };
      case 'ping':
        return { ok: true, event: 'ping', hook_id: received.hook_id };
      case 'ignored':
        return reply(202, { ignored: true, event: received.event });
    }
  },
  { authenticate: githubSignatureCheck(webhookSecretSource) },
);
