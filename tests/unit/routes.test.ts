import { describe, expect, it } from 'vitest';
import { PERMISSION_SETTINGS, isPublicRoute, routeAuth, routeList, routes, type AnyRoute } from '#shared/routes';

describe('Function: routeAuth', () => {
  it('authenticates a route with the API authorizer (iam) unless it says otherwise', () => {
    expect(routeAuth(routes.status)).toBe('iam');
    expect(isPublicRoute(routes.status)).toBe(false);
  });

  it('leaves a github-signature route to its handler: public to the authorizer', () => {
    // Prepare
    const signed: Pick<AnyRoute, 'auth'> = { auth: 'github-signature' };
    // Act & Assess
    expect(routeAuth(signed)).toBe('github-signature');
    expect(isPublicRoute(signed)).toBe(true);
    expect(isPublicRoute({ auth: 'iam' })).toBe(false);
  });
});

describe('Constant: routes', () => {
  it('gives every github-signature route the webhook secret to verify signatures with', () => {
    for (const route of routeList.filter(isPublicRoute)) {
      expect(route.permissions, route.id).toContain('github:webhook-secret');
    }
  });

  it('puts every route under /webhooks/ on its own signature, never on the API authorizer', () => {
    for (const route of routeList.filter((r) => r.path.startsWith('/webhooks/'))) {
      expect(routeAuth(route), route.id).toBe('github-signature');
    }
  });
});

describe('Constant: PERMISSION_SETTINGS', () => {
  it('brings both trigger queues and their dead-letter queue with queue:send and queue:depth', () => {
    for (const permission of ['queue:send', 'queue:depth'] as const) {
      expect([...PERMISSION_SETTINGS[permission]].sort()).toEqual(['TRIGGER_DLQ_URL', 'TRIGGER_HIGH_QUEUE_URL', 'TRIGGER_QUEUE_URL']);
    }
  });

  it('brings the processing queue, the GitHub secrets and the pacing with their permissions', () => {
    expect(PERMISSION_SETTINGS).toMatchObject({
      'processing:send': ['PROCESSING_QUEUE_URL'],
      'processing:depth': ['PROCESSING_QUEUE_URL', 'PROCESSING_DLQ_URL'],
      'slot-dlq:depth': ['SLOT_DLQ_URL'],
      'github:token': ['GITHUB_TOKEN_SECRET_ARN', 'GITHUB_API_URL', 'GITHUB_DISPATCHES_PER_MINUTE', 'GITHUB_DISPATCHES_PER_HOUR'],
      'github:webhook-secret': ['GITHUB_WEBHOOK_SECRET_ARN'],
    });
  });
});

describe('Route: dashboard', () => {
  it('reads the table and the depth of every queue, and writes nothing', () => {
    expect([...routes.dashboard.permissions].sort()).toEqual(['processing:depth', 'queue:depth', 'slot-dlq:depth', 'table:read']);
  });
});
