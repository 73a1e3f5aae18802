import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod/mini';
import type { RequestMeta } from '#shared/domain/activity';
import { PayloadTooLarge, UnsupportedMediaType, ValidationFailed, type FieldIssue } from '#shared/domain/errors';
import { idempotencyStore } from '#shared/composition-root';
import { settings } from '#shared/config';
import { logger } from '#shared/logger';
import { isPublicRoute, type AnyRoute } from '#shared/routes';
import { isClientError, toErrorResponse } from './error-mapping';
import { IDEMPOTENCY_KEY_PATTERN, takesIdempotencyKey } from './idempotency-key';
import { actorOf } from './principal';

/** Bodies over 256 KB are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Time kept back from the function's remaining time to answer: a booking still writing by then answers 202. */
export const ANSWER_MARGIN_MS = 2_000;
/** Deeper JSON is refused with 400: a few thousand levels (30 KB) make JSON.stringify overflow the stack, a 500. */
export const MAX_JSON_DEPTH = 64;

type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** What a route's handler receives: its validated input and who asked. */
export interface HttpRequest<R extends AnyRoute> {
  params: Parsed<NonNullable<R['params']>>;
  query: Parsed<NonNullable<R['query']>>;
  body: Parsed<NonNullable<R['body']>>;
  /** The headers the route declares (`headers` in the route table), by their canonical names. */
  headers: Parsed<NonNullable<R['headers']>>;
  meta: RequestMeta;
}

/** A request as received, before anything is parsed: what a signature is computed over. */
export interface RawRequest {
  /** Lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as sent (decoded from base64 when API Gateway encoded it); '' when there is none. */
  body: string;
}

/**
 * How a route that authenticates itself (`auth: 'github-signature'`) checks a
 * request: it resolves with the caller's name for the logs, or throws
 * NotAuthenticated (401).
 */
export type RawRequestCheck = (request: RawRequest) => Promise<{ actor: string }>;

export interface HttpHandlerOptions {
  /** Required for, and only for, a route that authenticates itself. */
  authenticate?: RawRequestCheck;
}

const REPLY = Symbol('reply');
/** A handler's answer when it is not the route's usual status. */
export interface Reply {
  [REPLY]: true;
  status: number;
  body: unknown;
}
export const reply = (status: number, body: unknown): Reply => ({ [REPLY]: true, status, body });
const isReply = (value: unknown): value is Reply => typeof value === 'object' && value !== null && REPLY in value;

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;
interface RouteContext extends Context {
  orchestrator?: {
    input: { params: unknown; query: unknown; body: unknown; headers: unknown };
    meta: RequestMeta;
    startedAt: number;
    /** The body as received, decoded: set by the size guard. */
    raw: string;
  };
}
type Request = middy.Request<Event, Result, Error, RouteContext>;

/**
 * Builds a route's Lambda handler: the one middy stack every endpoint shares.
 * In order: context and request id for the logs; error mapping (outermost,
 * so every failure becomes `{error: {code, message, details}}`); header
 * normalisation; the body size guard (which decodes the body as received);
 * for a route that authenticates itself, its check of the raw request (a
 * webhook's signature is over the exact bytes, so nothing is parsed before
 * it); the body guard (presence, media type, JSON syntax); zod validation of
 * path, query, headers and body; Idempotency-Key on POST (not on a webhook);
 * JSON serialisation of the answer (inside idempotency, so a replay returns
 * the stored serialised response).
 */
export function httpHandler<R extends AnyRoute>(route: R, handle: (request: HttpRequest<R>) => Promise<unknown>, options: HttpHandlerOptions = {}) {
  // Fail closed at cold start: a self-authenticating route without its check would be open to anyone.
  if (isPublicRoute(route) !== Boolean(options.authenticate)) {
    throw new Error(`route ${route.id}: auth '${route.auth}' ${options.authenticate ? 'takes no authenticate option' : 'needs an authenticate option'}`);
  }
  const stack = middy<Event, Result, Error, RouteContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorMapping())
    .use(requestMeta(route))
    .use(httpHeaderNormalizer())
    .use(bodySize());
  if (options.authenticate) stack.use(authentication(options.authenticate));
  stack.use(bodyGuard(route));
  stack.use(validation(route));
  if (takesIdempotencyKey(route)) {
    stack.use(
      keepOthersRecords(
        makeHandlerIdempotent({
          persistenceStore: idempotencyStore(route.id),
          keyPrefix: route.id,
          config: new IdempotencyConfig({
            eventKeyJmesPath: 'headers."idempotency-key"',
            payloadValidationJmesPath: '[body, pathParameters, queryStringParameters]',
            expiresAfterSeconds: settings().IDEMPOTENCY_TTL_SECONDS,
            responseHook: (response) => markReplay(response as Result) as unknown as typeof response,
          }),
        }) as MiddlewareObj<Event, Result, Error, RouteContext>,
      ),
    );
  }
  stack.use(serialize(route));
  return stack.handler(async (_event, context) => {
    const state = context.orchestrator;
    if (!state) throw new Error('request state missing: the middleware stack is misassembled');
    return (await handle({ ...(state.input as Omit<HttpRequest<R>, 'meta'>), meta: state.meta })) as Result;
  });
}

/**
 * Powertools' idempotency middleware deletes the key's record on any error,
 * including the ones its own `before` raises when the record belongs to an
 * earlier request (a reused key: 422; a request still in progress: 409).
 * Deleting then would erase that request's stored response, so the next
 * replay would run it again. A request that failed before writing its own
 * record has no record to delete.
 */
function keepOthersRecords(
  idempotency: MiddlewareObj<Event, Result, Error, RouteContext>,
): MiddlewareObj<Event, Result, Error, RouteContext> {
  const refusedBeforeRunning = new WeakSet<Request>();
  return {
    before: async (request: Request) => {
      try {
        return await idempotency.before?.(request);
      } catch (error) {
        refusedBeforeRunning.add(request);
        throw error;
      }
    },
    // A 202 says the work goes on: its record is not kept, so that a retry with the key finds where the work is now.
    after: async (request: Request) => (request.response?.statusCode === 202 ? idempotency.onError?.(request) : idempotency.after?.(request)),
    onError: async (request: Request) => {
      if (!refusedBeforeRunning.has(request)) await idempotency.onError?.(request);
    },
  };
}

function errorMapping(): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    onError: async (request: Request) => {
      const requestId = request.context.orchestrator?.meta.request_id ?? request.event.requestContext?.requestId ?? 'unknown';
      const mapped = toErrorResponse(request.error, requestId);
      if (isClientError(mapped)) logger.info('request refused', { status: mapped.status, code: mapped.body.error.code });
      else logger.error('request failed', { status: mapped.status, error: request.error as Error });
      request.response = json(mapped.status, mapped.body, requestId, mapped.headers);
    },
  };
}

function requestMeta(route: AnyRoute): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    before: async (request: Request) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      const key = Object.entries(request.event.headers ?? {}).find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];
      const timeLeft = (request.context.getRemainingTimeInMillis?.() ?? 0) - ANSWER_MARGIN_MS;
      const meta: RequestMeta = {
        actor: actorOf(request.event),
        request_id: requestId,
        ...(takesIdempotencyKey(route) && key ? { idempotency_key: key } : {}),
        ...(timeLeft > 0 ? { answer_within_ms: timeLeft } : {}),
      };
      request.context.orchestrator = {
        input: { params: undefined, query: undefined, body: undefined, headers: undefined },
        meta,
        startedAt: Date.now(),
        raw: '',
      };
      logger.appendKeys({ route: route.id, request_id: requestId, actor: meta.actor });
    },
  };
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json(?:\s*;.*)?$/i;

/** Size first (413), on the body as received, which it keeps for what follows. */
function bodySize(): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    before: async (request: Request) => {
      const { body, isBase64Encoded } = request.event;
      const raw = body === undefined || body === null ? '' : isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
      if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
        throw new PayloadTooLarge('payload_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes (256 KB)`, {
          limit_bytes: MAX_BODY_BYTES,
        });
      }
      const state = request.context.orchestrator;
      if (state) state.raw = raw;
    },
  };
}

/**
 * A self-authenticating route's check, on the headers and the body exactly as
 * received: before the body is parsed or anything else is looked at, so an
 * unauthenticated caller learns nothing but 401.
 */
function authentication(check: RawRequestCheck): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    before: async (request: Request) => {
      const state = request.context.orchestrator;
      if (!state) throw new Error('request state missing: the middleware stack is misassembled');
      const { actor } = await check({ headers: request.event.headers ?? {}, body: state.raw });
      state.meta = { ...state.meta, actor };
      logger.appendKeys({ actor });
    },
  };
}

/**
 * Presence (400), media type (415) and JSON syntax (400) of the body the size guard kept.
 * Routes without a body schema: a non-empty body must be JSON (415) and `{}` (400).
 */
function bodyGuard(route: AnyRoute): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    before: async (request: Request) => {
      const { headers } = request.event;
      const raw = request.context.orchestrator?.raw ?? '';
      const hasBody = raw.trim().length > 0;
      const type = headers?.['content-type'];
      if (route.body) {
        if (!hasBody) {
          throw new ValidationFailed('this endpoint needs a JSON object body', [{ field: '$', in: 'body', message: 'required' }], 'body_required');
        }
        refuseNonJson(type);
        try {
          // The parsed body replaces the text, as @middy/http-json-body-parser would; idempotency hashes it.
          (request.event as { body: unknown }).body = JSON.parse(raw);
        } catch (error) {
          throw new ValidationFailed(
            `the body is not valid JSON: ${(error as Error).message}`,
            [{ field: '$', in: 'body', message: 'malformed JSON' }],
            'invalid_json',
          );
        }
        if (jsonDepthOf(raw) > MAX_JSON_DEPTH) {
          throw new ValidationFailed(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`, [
            { field: '$', in: 'body', message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
          ]);
        }
        request.event.isBase64Encoded = false;
        return;
      }
      // A control call takes no body or `{}`. An empty body passes whatever its content-type
      // (curl -X POST sends none, some clients label even nothing); a body is JSON or nothing, as elsewhere.
      if (route.method === 'POST' && hasBody) {
        refuseNonJson(type);
        if (!isEmptyObject(raw)) {
          throw new ValidationFailed('this endpoint takes an empty body', [{ field: '$', in: 'body', message: 'must be empty' }], 'body_not_allowed');
        }
      }
    },
  };
}

/** 415 for a body labelled with anything but JSON; an unlabelled body is read as JSON. */
function refuseNonJson(type: string | undefined): void {
  if (type !== undefined && !JSON_MEDIA.test(type)) {
    throw new UnsupportedMediaType('unsupported_media_type', 'send the body as application/json', { content_type: type });
  }
}

/** Whether a body is `{}` (any spacing): what clients send when they must send something. */
function isEmptyObject(raw: string): boolean {
  return /^\s*\{\s*\}\s*$/.test(raw);
}

/** How deeply objects and arrays nest in a JSON text (brackets inside strings do not count). */
function jsonDepthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** Validates path, query and body with the route's zod schemas, reporting every field at fault at once. */
function validation(route: AnyRoute): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    before: async (request: Request) => {
      const issues: FieldIssue[] = [];
      const check = (schema: z.ZodMiniType | undefined, value: unknown, where: NonNullable<FieldIssue['in']>): unknown => {
        if (!schema) return undefined;
        const result = schema.safeParse(value);
        if (result.success) return result.data;
        issues.push(...result.error.issues.flatMap((issue) => toFieldIssues(issue, where)));
        return undefined;
      };
      const params = check(route.params, request.event.pathParameters ?? {}, 'path');
      const query = check(route.query, request.event.queryStringParameters ?? {}, 'query');
      // A route without a query schema takes no query parameters: refuse them as a strict schema would.
      if (!route.query) {
        for (const name of Object.keys(request.event.queryStringParameters ?? {})) issues.push({ field: name, in: 'query', message: 'unknown field' });
      }
      const body = check(route.body, request.event.body, 'body');
      const headers = route.headers ? check(route.headers, declaredHeadersOf(route.headers, request.event.headers ?? {}), 'header') : undefined;
      const key = request.event.headers?.['idempotency-key'];
      if (takesIdempotencyKey(route) && key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
        issues.push({ field: 'Idempotency-Key', in: 'header', message: 'must be 1-255 visible ASCII characters' });
      }
      if (issues.length > 0) {
        const fields = issues.map((i) => `${i.in}.${i.field}`).join(', ');
        throw new ValidationFailed(`invalid request: ${fields}`, issues);
      }
      const state = request.context.orchestrator;
      if (state) state.input = { params, query, body, headers };
    },
  };
}

/** The headers a route declares, under their canonical names, from the lower-cased ones received; others are not looked at. */
function declaredHeadersOf(schema: z.ZodMiniType, received: Record<string, string | undefined>): Record<string, string> {
  const names = Object.keys((schema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
  return Object.fromEntries(names.flatMap((name) => (received[name.toLowerCase()] === undefined ? [] : [[name, received[name.toLowerCase()] as string]])));
}

function toFieldIssues(issue: z.core.$ZodIssue, where: NonNullable<FieldIssue['in']>): FieldIssue[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, in: where, message: 'unknown field' }));
  }
  return [{ field: path || '$', in: where, message: issue.message }];
}

function serialize(route: AnyRoute): MiddlewareObj<Event, Result, Error, RouteContext> {
  return {
    after: async (request: Request) => {
      const requestId = request.context.orchestrator?.meta.request_id ?? 'unknown';
      const value: unknown = request.response;
      const response = isReply(value) ? json(value.status, value.body, requestId) : json(route.response.status, value, requestId);
      logger.info('request completed', {
        status: response.statusCode,
        duration_ms: Date.now() - (request.context.orchestrator?.startedAt ?? Date.now()),
      });
      request.response = response;
    },
  };
}

function json(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Result {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    body: JSON.stringify(body),
  };
}

function markReplay(response: Result): Result {
  return { ...response, headers: { ...(response.headers ?? {}), 'idempotent-replayed': 'true' } };
}
