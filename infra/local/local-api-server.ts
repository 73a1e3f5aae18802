import { randomUUID } from 'node:crypto';
import { createServer, maxHeaderSize, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '#shared/logger';
import { BASE_PATH, type AnyRoute } from '#shared/routes';
import { toApiGatewayEvent, type LocalAuthorizerContext } from './api-gateway-event';
import { bearerTokenMatches } from './bearer-token';
import type { ConsoleAssets } from './console-assets';
import { lazyHandler, type LambdaHandler } from './function-modules';
import type { HttpRouter } from './http-router';
import { lambdaContext } from './lambda-context';
import { MAX_REQUEST_BYTES, readRequestBody } from './request-body';
import { answerUnparsableRequest, type ClientError } from './unparsable-request';

export interface LocalApiServerOptions {
  /** 0 picks a free port. */
  port: number;
  router: HttpRouter;
  region: string;
  /** When set, every route but a webhook needs `Authorization: Bearer <token>`. */
  apiToken?: string | undefined;
  /** How long a route's function may run (its getRemainingTimeInMillis counts down from it). */
  functionTimeoutMs?: number;
  /** The web console's files, served outside BASE_PATH without a token; none when absent. */
  console?: ConsoleAssets;
}

export interface LocalApiServer {
  port: number;
  /** http://127.0.0.1:<port>/api/orchestration */
  url: string;
  /** Stops accepting, lets requests under way finish (at most `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

/** The console loads only its own files and calls only this origin; uPlot sets inline styles. */
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

type RouteHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/**
 * API Gateway in front of the route functions, on 127.0.0.1: it matches the
 * route, checks the local bearer token (the stand-in for the authorizer),
 * turns the request into the HTTP API's v2 event, invokes the route's
 * handler (imported on first use) and writes its result back. Requests the
 * HTTP parser refuses are answered in the same error format.
 */
export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const handlers = new Map<string, RouteHandler>();
  const handlerOf = (route: AnyRoute): RouteHandler => {
    let handler = handlers.get(route.id);
    if (!handler) {
      handler = lazyHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(`functions/http/${route.id}.ts`);
      handlers.set(route.id, handler);
    }
    return handler;
  };
  const inFlight = new Set<Promise<void>>();
  // The response under way on each connection: a parse error after it began must not write another into it.
  const answering = new WeakMap<Socket, ServerResponse>();

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    answering.set(socket, response);
    response.once('close', () => {
      if (answering.get(socket) === response) answering.delete(socket);
    });
    const served = serve(request, response, options, handlerOf)
      .catch((error: unknown) => {
        logger.error('local API failed to answer', { error: error as Error });
        if (!response.headersSent) sendError(response, 500, 'internal_error', 'the request failed on our side; it can be retried');
        else response.destroy();
      })
      .finally(() => inFlight.delete(served));
    inFlight.add(served);
  };
  const server = createServer(onRequest);
  // What the parser refuses (431, 400, ...) gets the API's JSON error body, not Node's bare status line.
  server.on('clientError', (error: ClientError, socket: Socket) => {
    answerUnparsableRequest(error, socket, maxHeaderSize, answering.get(socket));
  });
  // `Expect: 100-continue`: invite the body only when it will be read; an oversized one is refused unsent.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!(Number(request.headers['content-length']) > MAX_REQUEST_BYTES)) response.writeContinue();
    onRequest(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    close: async (graceMs = 10_000) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  options: LocalApiServerOptions,
  handlerOf: (route: AnyRoute) => RouteHandler,
): Promise<void> {
  const requestId = randomUUID();
  response.setHeader('apigw-requestid', requestId);
  const method = (request.method ?? 'GET').toUpperCase();
  const target = request.url ?? '/';
  const rawPath = target.split('?')[0] ?? '/';

  // The console's static files: outside the API's base path, and open like any page (the API checks the token).
  if (options.console && (method === 'GET' || method === 'HEAD') && rawPath !== BASE_PATH && !rawPath.startsWith(`${BASE_PATH}/`)) {
    const asset = await options.console.get(rawPath);
    if (asset) {
      response.writeHead(200, {
        'content-type': asset.contentType,
        'content-length': asset.body.length,
        'cache-control': asset.cacheControl,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'content-security-policy': CONSOLE_CSP,
      });
      response.end(method === 'HEAD' ? undefined : asset.body);
      return;
    }
  }

  const match = options.router.match(method, rawPath);
  if (match.kind === 'not_found') {
    return sendError(response, 404, 'route_not_found', `no route for ${method} ${rawPath}`, { method, path: rawPath });
  }
  let authorizer: LocalAuthorizerContext = { actor: 'local:anonymous' };
  if (options.apiToken && !match.public) {
    if (!bearerTokenMatches(request.headers.authorization, options.apiToken)) {
      response.setHeader('www-authenticate', 'Bearer');
      return sendError(response, 401, 'unauthorized', 'send Authorization: Bearer <ORCHESTRATOR_API_TOKEN>');
    }
    authorizer = { actor: 'local:token' };
  }
  if (match.kind === 'method_not_allowed') {
    response.setHeader('allow', match.allow.join(', '));
    return sendError(response, 405, 'method_not_allowed', `${rawPath} does not take ${method}`, { allow: match.allow });
  }

  const read = await readRequestBody(request);
  if (read.kind === 'too_large') {
    // The rest of the body is not read; the connection goes with it.
    response.setHeader('connection', 'close');
    return sendError(response, 413, 'payload_too_large', `the body exceeds ${MAX_REQUEST_BYTES} bytes`, { limit_bytes: MAX_REQUEST_BYTES });
  }

  const event = toApiGatewayEvent(
    {
      method,
      target,
      headers: request.headers,
      body: read.body,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      httpVersion: request.httpVersion,
    },
    match,
    authorizer,
    { requestId, now: new Date() },
  );
  const context = lambdaContext(match.route.id, { timeoutMs: options.functionTimeoutMs ?? 30_000, region: options.region });
  let result: APIGatewayProxyResultV2;
  try {
    result = await handlerOf(match.route)(event, context);
  } catch (error) {
    logger.error('route function failed', { route: match.route.id, request_id: requestId, error: error as Error });
    return sendError(response, 500, 'internal_error', 'the request failed on our side; it can be retried', { request_id: requestId });
  }
  writeResult(response, result);
}

/** Writes a function's result as API Gateway does: a structured result as given, anything else as a 200 JSON body. */
function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode ?? 200, headers).end(body);
}

function isStructured(result: APIGatewayProxyResultV2): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

function sendError(response: ServerResponse, status: number, code: string, message: string, details?: Record<string, unknown>): void {
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } }));
}
