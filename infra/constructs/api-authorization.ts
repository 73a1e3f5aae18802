import { HttpNoneAuthorizer, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Construct } from 'constructs';
import { routeAuth, type AnyRoute } from '#shared/routes';

/** How callers prove who they are: SigV4-signed requests (IAM), or a JWT from an OIDC issuer. */
export type ApiAuthorization = { kind: 'iam' } | { kind: 'jwt'; issuer: string; audience: string[] };

/** The CDK context keys that choose the authorizer: `cdk synth -c authorizer=jwt -c jwtIssuer=https://... -c jwtAudience=a,b`. */
export const AUTH_CONTEXT = { authorizer: 'authorizer', jwtIssuer: 'jwtIssuer', jwtAudience: 'jwtAudience' } as const;

/**
 * Reads the authorization choice from CDK context: IAM unless `authorizer=jwt`,
 * which then needs an https issuer and at least one audience. Anything else
 * stops the synth with a message that says what to pass.
 */
export function apiAuthorizationFromContext(scope: Construct): ApiAuthorization {
  const kind = String(scope.node.tryGetContext(AUTH_CONTEXT.authorizer) ?? 'iam').toLowerCase();
  if (kind === 'iam') return { kind: 'iam' };
  if (kind !== 'jwt') {
    throw new Error(`context "${AUTH_CONTEXT.authorizer}" must be "iam" (the default) or "jwt", not "${kind}"`);
  }
  const issuer = scope.node.tryGetContext(AUTH_CONTEXT.jwtIssuer) as unknown;
  const audienceValue = scope.node.tryGetContext(AUTH_CONTEXT.jwtAudience) as unknown;
  const audience = (Array.isArray(audienceValue) ? audienceValue : String(audienceValue ?? '').split(','))
    .map((a) => String(a).trim())
    .filter(Boolean);
  const problems = [
    typeof issuer === 'string' && issuer.startsWith('https://') ? undefined : `-c ${AUTH_CONTEXT.jwtIssuer}=https://<issuer> (the OIDC issuer URL)`,
    audience.length > 0 ? undefined : `-c ${AUTH_CONTEXT.jwtAudience}=<audience>[,<audience>...] (the accepted "aud" values)`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`authorizer=jwt needs ${problems.join(' and ')}`);
  }
  return { kind: 'jwt', issuer: issuer as string, audience };
}

/** The route authorizer for a choice; every route uses it unless it says otherwise. */
export function routeAuthorizer(authorization: ApiAuthorization): IHttpRouteAuthorizer {
  return authorization.kind === 'iam'
    ? new HttpIamAuthorizer()
    : new HttpJwtAuthorizer('JwtAuthorizer', authorization.issuer, {
        jwtAudience: authorization.audience,
        identitySource: ['$request.header.Authorization'],
      });
}

/**
 * The authorizer a route overrides the API's default with, from its spec:
 * none at all for a route that verifies a GitHub signature itself (API
 * Gateway lets every request through to its handler), else undefined: the
 * API's default authorizer (IAM or JWT, as deployed).
 */
export function routeAuthorizerOverride(route: Pick<AnyRoute, 'auth'>): IHttpRouteAuthorizer | undefined {
  const auth = routeAuth(route);
  switch (auth) {
    case 'github-signature':
      return new HttpNoneAuthorizer();
    case 'iam':
      return undefined;
    default:
      throw new Error(`unknown route auth ${JSON.stringify(auth satisfies never)}`);
  }
}
