import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { fullPath, type AnyRoute } from '#shared/routes';

/** What a local Lambda authorizer would pass on: who called (never the token). */
export interface LocalAuthorizerContext {
  actor: string;
}

export type LocalApiGatewayEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<LocalAuthorizerContext>;

export interface HttpRequestFacts {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
}

/**
 * The event API Gateway (HTTP API, payload format 2.0) hands a route's
 * function: headers lower-cased with repeats joined by commas, query
 * parameters decoded with repeated keys joined by commas, path parameters
 * decoded, the body as text, and the authorizer's context.
 */
export function toApiGatewayEvent(
  request: HttpRequestFacts,
  match: { route: AnyRoute; pathParameters: Record<string, string> },
  authorizer: LocalAuthorizerContext,
  ids: { requestId: string; now: Date },
): LocalApiGatewayEvent {
  const [rawPath = '/', rawQueryString = ''] = splitTarget(request.target);
  const headers = joinHeaders(request.headers);
  const cookies = headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  const queryStringParameters = parseQuery(rawQueryString);
  const method = request.method.toUpperCase();
  return {
    version: '2.0',
    routeKey: `${match.route.method} ${fullPath(match.route)}`,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: { ...match.pathParameters } } : {}),
    ...(request.body.length > 0 ? { body: request.body.toString('utf8') } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127').split('.')[0] ?? 'local',
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: ids.requestId,
      routeKey: `${match.route.method} ${fullPath(match.route)}`,
      stage: '$default',
      time: clfTime(ids.now),
      timeEpoch: ids.now.getTime(),
      authorizer: { lambda: { ...authorizer } },
    },
  };
}

function splitTarget(target: string): [string, string] {
  const at = target.indexOf('?');
  return at < 0 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}

function joinHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    joined[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return joined;
}

/** `a=1&a=2&b` as API Gateway passes it: `{a: '1,2', b: ''}`; none at all is undefined. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  if (values.size === 0) return undefined;
  return Object.fromEntries([...values].map(([name, list]) => [name, list.join(',')]));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext.time's format: `12/Mar/2020:19:03:58 +0000`. */
function clfTime(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}
