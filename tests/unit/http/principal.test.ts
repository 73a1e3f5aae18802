import { describe, expect, it } from 'vitest';
import { actorOf } from '#shared/http/principal';
import { routes } from '#shared/routes';
import { apiEvent } from '#tests/helpers/api-gateway-event';

const withAuthorizer = (authorizer: Record<string, unknown> | undefined) => {
  const event = apiEvent(routes.status, authorizer ? { authorizer } : {});
  if (!authorizer) delete (event.requestContext as { authorizer?: unknown }).authorizer;
  return event;
};

describe('Function: actorOf', () => {
  it("names an IAM caller by the caller's ARN", () => {
    // Act
    const actor = actorOf(withAuthorizer({ iam: { userArn: 'arn:aws:iam::123456789012:user/ops', callerId: 'AIDAEXAMPLE' } }));

    // Assess
    expect(actor).toBe('arn:aws:iam::123456789012:user/ops');
  });

  it('falls back to the IAM caller id when there is no ARN', () => {
    expect(actorOf(withAuthorizer({ iam: { callerId: 'AIDAEXAMPLE' } }))).toBe('AIDAEXAMPLE');
  });

  it("names a JWT caller by the token's email, before its subject", () => {
    expect(actorOf(withAuthorizer({ jwt: { claims: { sub: 'user-123', email: 'ops@example.test' }, scopes: [] } }))).toBe('jwt:ops@example.test');
  });

  it("names a JWT caller by the token's subject when there is no email", () => {
    expect(actorOf(withAuthorizer({ jwt: { claims: { sub: 'user-123' }, scopes: [] } }))).toBe('jwt:user-123');
  });

  it("names a Lambda-authorized caller by the authorizer's actor", () => {
    expect(actorOf(withAuthorizer({ lambda: { actor: 'local:token' } }))).toBe('local:token');
  });

  it('ignores a Lambda authorizer actor that is not a string', () => {
    expect(actorOf(withAuthorizer({ lambda: { actor: 42 } }))).toBe('anonymous');
  });

  it('is anonymous when no authorizer ran', () => {
    expect(actorOf(withAuthorizer(undefined))).toBe('anonymous');
  });
});
