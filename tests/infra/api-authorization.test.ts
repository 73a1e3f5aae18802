import { HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { describe, expect, it } from 'vitest';
import { routeAuthorizerOverride } from '#infra/constructs/api-authorization';
import { routeList, routes } from '#shared/routes';

describe('Function: routeAuthorizerOverride', () => {
  it('leaves a route without auth, or with auth iam, to the API default authorizer (IAM or JWT as deployed)', () => {
    expect(routeAuthorizerOverride(routes.status)).toBeUndefined();
    expect(routeAuthorizerOverride({ auth: 'iam' })).toBeUndefined();
  });

  it('gives a github-signature route no authorizer at all: its handler checks the signature', () => {
    expect(routeAuthorizerOverride({ auth: 'github-signature' })).toBeInstanceOf(HttpNoneAuthorizer);
  });

  it('refuses an auth it does not know rather than serving the route unprotected', () => {
    expect(() => routeAuthorizerOverride({ auth: 'api-key' as never })).toThrow(/unknown route auth "api-key"/);
  });

  it('puts every route of the table that does not declare github-signature behind the API authorizer', () => {
    for (const route of routeList.filter((r) => r.auth !== 'github-signature')) {
      expect(routeAuthorizerOverride(route), route.id).toBeUndefined();
    }
  });
});
