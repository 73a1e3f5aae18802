import type { APIGatewayProxyEventV2 } from 'aws-lambda';

interface AuthorizerContext {
  iam?: { userArn?: string; callerId?: string };
  jwt?: { claims?: Record<string, string | number | boolean | string[]> };
  lambda?: Record<string, unknown>;
}

/**
 * Who is calling, from the authorizer API Gateway ran: the IAM caller's ARN,
 * the JWT's subject (or email), or a Lambda authorizer's `actor`. The local
 * server fills the same fields. Never a token or a secret.
 */
export function actorOf(event: APIGatewayProxyEventV2): string {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  const iam = authorizer?.iam?.userArn ?? authorizer?.iam?.callerId;
  if (iam) return iam;
  const claims = authorizer?.jwt?.claims;
  const subject = claims?.email ?? claims?.sub;
  if (subject !== undefined) return `jwt:${String(subject)}`;
  const lambdaActor = authorizer?.lambda?.actor;
  if (typeof lambdaActor === 'string') return lambdaActor;
  return 'anonymous';
}
