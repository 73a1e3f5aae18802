import * as z from 'zod/mini';
import { errorBody, gatewayErrorBody } from '#shared/schemas/common';
import { BASE_PATH, TAGS, isPublicRoute, routeList, type AnyRoute } from '#shared/routes';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETRY_AFTER_SECONDS, takesIdempotencyKey } from './idempotency-key';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;
const HEADER_REF = (id: string) => `#/components/headers/${id}`;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input: details.fields names each field at fault',
  401: 'missing or wrong credentials (the local token, or a JWT refused by the authorizer)',
  403: 'a SigV4 signature refused by the IAM authorizer (answered by API Gateway)',
  404: 'no such resource',
  405: 'this path does not take this method; the allow header lists those it takes',
  409: 'conflicts with the current state (details say which), or idempotency_in_progress: a request with this Idempotency-Key is still running',
  413: 'too large: the body (over 256 KB) or what it asks for',
  415: 'the body is not application/json',
  422: 'well formed but not acceptable (details say why), or idempotency_key_reused: the key came with another request',
  500: 'failed on our side; safe to retry with the same Idempotency-Key',
};

/** A self-authenticating route's 401 (`invalid_signature`), in place of the authorizer's. */
const SIGNATURE_401 = 'invalid_signature: X-Hub-Signature-256 is missing, or does not match the body and the configured secret';

/** The response headers the API sets, declared once as components. */
const HEADERS = {
  RequestId: { description: 'the request id, also in every log line of the request', schema: { type: 'string' } },
  GatewayRequestId: { description: "API Gateway's request id (the local server sets it too)", schema: { type: 'string' } },
  IdempotentReplayed: {
    description: 'present (true) when this is the stored answer of an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  Allow: { description: 'the methods this path takes', schema: { type: 'string', example: 'GET, PUT' } },
  RetryAfter: {
    description: 'seconds to wait before retrying',
    schema: { type: 'string', pattern: '^[0-9]+$', example: String(IDEMPOTENCY_RETRY_AFTER_SECONDS) },
  },
  WwwAuthenticate: { description: 'the scheme to authenticate with', schema: { type: 'string', example: 'Bearer' } },
} as const;
type HeaderId = keyof typeof HEADERS;

/** The header names (lower case, as sent) of each component. */
export const HEADER_NAMES: Record<HeaderId, string> = {
  RequestId: 'x-request-id',
  GatewayRequestId: 'apigw-requestid',
  IdempotentReplayed: 'idempotent-replayed',
  Allow: 'allow',
  RetryAfter: 'retry-after',
  WwwAuthenticate: 'www-authenticate',
};

/**
 * Every status a route can answer, from the route table and what the shared
 * HTTP stack (shared/http/http-handler.ts, the authorizer, the local server)
 * does for a route of its kind:
 * - 400 (validation), 401, 405 (another method on the path), 413 (the body
 *   size guard) and 500 on every route: 401 from the authorizer, or from a
 *   webhook's own signature check;
 * - 403 on every route behind the authorizer (a SigV4 signature refused);
 * - 415 on every route that reads a body (POST and PUT);
 * - 409 `idempotency_in_progress` and 422 `idempotency_key_reused` on every
 *   POST that takes an Idempotency-Key (all but the webhook);
 * - the success statuses and the route's own error statuses.
 */
export function declaredStatuses(route: AnyRoute): number[] {
  const success = [route.response.status, ...(route.response.alternatives ?? []).map((a) => a.status)];
  const stack = [
    400,
    405,
    413,
    500,
    401,
    ...(isPublicRoute(route) ? [] : [403]),
    ...(route.method === 'POST' || route.method === 'PUT' ? [415] : []),
    ...(takesIdempotencyKey(route) ? [409, 422] : []),
  ];
  return [...new Set([...success, ...stack, ...route.errors])].sort((a, b) => a - b);
}

/** The headers each status of a route may carry. */
export function declaredHeaders(route: AnyRoute, status: number): HeaderId[] {
  const headers: HeaderId[] = ['RequestId', 'GatewayRequestId'];
  if (status < 300 && takesIdempotencyKey(route)) headers.push('IdempotentReplayed');
  if (status === 405) headers.push('Allow');
  if (status === 409 && takesIdempotencyKey(route)) headers.push('RetryAfter');
  if (status === 401 && !isPublicRoute(route)) headers.push('WwwAuthenticate');
  return headers;
}

let cached: JsonSchema | undefined;

/**
 * The OpenAPI 3.1 document of every route in the route table, with the very
 * zod schemas that validate requests turned into JSON Schema (2020-12, which
 * OpenAPI 3.1 uses as is). Named schemas (`meta(schema, { id })` in
 * shared/schemas/common.ts) become components: as the input they accept when
 * a request sends them, as the output they are when a response carries them
 * (fields with defaults required, no unknown fields).
 */
export function openApiDocument(): JsonSchema {
  cached ??= openApiDocumentOf(routeList);
  return cached;
}

/** The document of a given route table (openApiDocument's, uncached; tests build it from their own tables). */
export function openApiDocumentOf(routes: readonly AnyRoute[]): JsonSchema {
  const components = new Components();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${BASE_PATH}${route.path}`;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, components);
  }
  const usedTags = new Set(routes.map((r) => r.tag));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Channel Orchestrator API',
      version: '1.0.0',
      description:
        'Runs a fleet of video channels as one operation. Every POST honours an Idempotency-Key header for 24 hours. Errors are {error: {code, message, details?}}; API Gateway answers its own refusals (401, 403) as {message}.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'the API host (API Gateway, or 127.0.0.1:3000 with npm start)' }],
    security: [{ sigv4: [] }, { bearer: [] }],
    tags: Object.entries(TAGS)
      .filter(([name]) => usedTags.has(name as AnyRoute['tag']))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: components.schemas(),
      headers: HEADERS,
      securitySchemes: {
        sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS Signature Version 4 (IAM authorization, the default)' },
        bearer: { type: 'http', scheme: 'bearer', description: 'a JWT when deployed with the JWT authorizer; ORCHESTRATOR_API_TOKEN locally' },
      },
    },
  };
}

function operation(route: AnyRoute, components: Components): JsonSchema {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...parametersOf(route.headers, 'header'),
    ...(takesIdempotencyKey(route)
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'repeating a POST with the same key within 24 hours returns the first response and changes nothing',
            schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH, pattern: IDEMPOTENCY_KEY_PATTERN.source },
          },
        ]
      : []),
  ];
  const successes = new Map<number, { description: string; schema: z.ZodMiniType }>([
    [route.response.status, route.response],
    ...(route.response.alternatives ?? []).map((a) => [a.status, { description: a.description, schema: a.schema ?? route.response.schema }] as const),
  ]);
  const responses = Object.fromEntries(
    declaredStatuses(route).map((status) => {
      const success = successes.get(status);
      // Behind the authorizer a 401 or 403 may be API Gateway's own body; a webhook's 401 is always the function's.
      const fromGateway = (status === 401 || status === 403) && !isPublicRoute(route);
      const schema = success
        ? components.use(success.schema, 'output')
        : fromGateway
          ? { anyOf: [components.use(errorBody, 'output'), components.use(gatewayErrorBody, 'output')] }
          : components.use(errorBody, 'output');
      const headers = Object.fromEntries(declaredHeaders(route, status).map((id) => [HEADER_NAMES[id], { $ref: HEADER_REF(id) }]));
      const description = status === 401 && isPublicRoute(route) ? SIGNATURE_401 : ERROR_DESCRIPTIONS[status];
      return [String(status), { description: success?.description ?? description ?? 'error', headers, content: { 'application/json': { schema } } }];
    }),
  );
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    security: isPublicRoute(route) ? [] : [{ sigv4: [] }, { bearer: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: components.use(route.body, 'input'), ...(route.example ? { example: route.example } : {}) },
            },
          },
        }
      : {}),
    responses,
  };
}

function parametersOf(schema: z.ZodMiniType | undefined, location: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!schema) return [];
  const json = inline(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

/** A schema as JSON Schema, with no reference to a component (parameters, unnamed bodies). */
function inline(schema: z.ZodMiniType, io: Io): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/**
 * The named schemas the document uses, each in the form its use needs: a
 * request body's as input, a response's as output. A name used both ways must
 * mean the same JSON Schema in both; otherwise building the document fails,
 * so a test catches it before a client is generated from a lie.
 */
class Components {
  private readonly forms: Record<Io, Record<string, JsonSchema>>;
  private readonly used = new Map<string, Io>();

  constructor() {
    const all = (io: Io) => {
      const { schemas } = z.toJSONSchema(z.globalRegistry, {
        target: 'draft-2020-12',
        io,
        uri: COMPONENT_REF,
        unrepresentable: 'any',
      }) as { schemas: Record<string, JsonSchema> };
      // Components are addressed by their place in the document, not by $id.
      for (const schema of Object.values(schemas)) {
        delete schema.$schema;
        delete schema.$id;
      }
      return schemas;
    };
    this.forms = { input: all('input'), output: all('output') };
  }

  /** A reference to a named schema (marking it and what it refers to as used), or the schema inlined. */
  use(schema: z.ZodMiniType, io: Io): JsonSchema {
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) return this.resolveRefs(inline(schema, io), io);
    this.mark(id, io);
    return { $ref: COMPONENT_REF(id) };
  }

  schemas(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.used].sort(([a], [b]) => a.localeCompare(b)).map(([id, io]) => [id, this.forms[io][id] as JsonSchema]));
  }

  private mark(id: string, io: Io): void {
    const seen = this.used.get(id);
    if (seen === io) return;
    if (seen && JSON.stringify(this.forms.input[id]) !== JSON.stringify(this.forms.output[id])) {
      throw new Error(`schema '${id}' is both a request's input and a response's output, and they differ: name them apart`);
    }
    if (seen) return;
    this.used.set(id, io);
    this.resolveRefs(this.forms[io][id] as JsonSchema, io);
  }

  private resolveRefs(node: unknown, io: Io): JsonSchema {
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref' && typeof inner === 'string' && inner.startsWith(COMPONENT_REF(''))) this.mark(inner.slice(COMPONENT_REF('').length), io);
          else walk(inner);
        }
      }
    };
    walk(node);
    return node as JsonSchema;
  }
}
