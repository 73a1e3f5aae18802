import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { BASE_PATH, type AnyRoute } from '#shared/routes';
import { assertKeepsContract, isDocumented } from './openapi-contract';

/** The actor the test authorizer reports for every call. */
export const TEST_ACTOR = 'test:operator';

export interface EventInput {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** Extra headers; names are lower-cased as API Gateway v2 delivers them. A null value removes a default. */
  headers?: Record<string, string | null>;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  isBase64Encoded?: boolean;
  /** Replaces the Lambda authorizer's context (`{ lambda: { actor } }` by default). */
  authorizer?: Record<string, unknown>;
}

let sequence = 0;

/** A unique request id, as API Gateway gives every request. */
export function nextRequestId(): string {
  sequence += 1;
  return `req-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}

/**
 * An API Gateway HTTP API (payload 2.0) event for `route`, as the real
 * integration delivers it: path parameters substituted into rawPath, headers
 * lower-cased (content-type set when there is a body), a unique request id and
 * a Lambda authorizer context naming the test operator.
 */
export function apiEvent(route: Pick<AnyRoute, 'method' | 'path'>, input: EventInput = {}): APIGatewayProxyEventV2 {
  const params = input.params ?? {};
  const rawPath = BASE_PATH + route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const body = input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const headers: Record<string, string> = {
    host: 'api.example.test',
    'user-agent': 'vitest',
    ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
  };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value === null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  const query = input.query;
  const requestId = nextRequestId();
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${BASE_PATH}${route.path}`,
    rawPath,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    ...(query && Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-test',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey: `${route.method} ${BASE_PATH}${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: input.authorizer ?? { lambda: { actor: TEST_ACTOR } },
    },
  };
  return event as APIGatewayProxyEventV2;
}

/** A Lambda context for calling a handler in-process, with `remainingTimeMs` left to run (30 s by default). */
export function lambdaContext(functionName = 'orchestrator-test', remainingTimeMs = 30_000): Context {
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${awsRequestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => remainingTimeMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A handler's answer, with the JSON body parsed. */
export interface HttpAnswer<T = any> {
  status: number;
  headers: Record<string, string | number | boolean>;
  /** The body exactly as sent. */
  raw: string;
  body: T;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * Calls a handler as Lambda would and reads its structured result. An answer
 * of a documented operation is checked against the OpenAPI document (status,
 * body, headers): one that breaks it fails the test that met it.
 */
export async function invoke<T = any>(handler: Handler, event: APIGatewayProxyEventV2, context: Context = lambdaContext()): Promise<HttpAnswer<T>> {
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  const raw = result.body ?? '';
  const answer = {
    status: result.statusCode ?? 200,
    headers: result.headers ?? {},
    raw,
    body: (raw === '' ? undefined : JSON.parse(raw)) as T,
  };
  const [method = '', template = ''] = event.routeKey.split(' ');
  if (isDocumented(method, template)) assertKeepsContract({ method, template }, answer);
  return answer;
}
