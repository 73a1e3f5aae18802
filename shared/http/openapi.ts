import * as z from 'zod/mini';
import { errorBody } from '#shared/schemas/common';
import { BASE_PATH, routeList, type AnyRoute } from '#shared/routes';

type JsonSchema = Record<string, unknown>;

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input: details.fields names each field at fault',
  401: 'missing or wrong credentials',
  404: 'no such resource',
  409: 'conflicts with the current state (details say which)',
  413: 'too large',
  415: 'the body is not application/json',
  422: 'well formed but not acceptable (details say why); idempotency_key_reused',
  500: 'failed on our side; safe to retry with the same Idempotency-Key',
};

let cached: JsonSchema | undefined;

/**
 * The OpenAPI 3.1 document of every route in the route table, with the very
 * zod schemas that validate requests turned into JSON Schema (2020-12, which
 * OpenAPI 3.1 uses as is). Named schemas (`meta(schema, { id })` in shared/schemas/common.ts) become components.
 */
export function openApiDocument(): JsonSchema {
  cached ??= build(routeList);
  return cached;
}

function build(routes: readonly AnyRoute[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${BASE_PATH}${route.path}`;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  const { schemas } = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io: 'input', uri: COMPONENT_REF }) as {
    schemas: Record<string, JsonSchema>;
  };
  // Components are addressed by their place in the document, not by $id.
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Channel Orchestrator API',
      version: '1.0.0',
      description:
        'Runs a fleet of video channels as one operation. Every POST honours an Idempotency-Key header for 24 hours. Errors are {error: {code, message, details?}}.',
    },
    servers: [{ url: '/' }],
    security: [{ sigv4: [] }, { bearer: [] }],
    components: {
      schemas,
      securitySchemes: {
        sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS Signature Version 4 (IAM authorization, the default)' },
        bearer: { type: 'http', scheme: 'bearer', description: 'a JWT when deployed with the JWT authorizer; ORCHESTRATOR_API_TOKEN locally' },
      },
    },
    paths,
  };
}

function operation(route: AnyRoute): JsonSchema {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...(route.method === 'POST'
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'repeating a POST with the same key within 24 hours returns the first response and changes nothing',
            schema: { type: 'string', maxLength: 255 },
          },
        ]
      : []),
  ];
  // Every route checks its input (400) and the size of what it is sent (413).
  const errors = [...new Set([400, 413, ...route.errors, 500])].sort((a, b) => a - b);
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } } }
      : {}),
    responses: {
      [String(route.response.status)]: {
        description: route.response.description,
        content: { 'application/json': { schema: schemaOf(route.response.schema) } },
      },
      ...Object.fromEntries(
        errors.map((status) => [
          String(status),
          { description: ERROR_DESCRIPTIONS[status] ?? 'error', content: { 'application/json': { schema: schemaOf(errorBody) } } },
        ]),
      ),
    },
  };
}

/** A named schema is a reference to its component; any other is inlined. */
function schemaOf(schema: z.ZodMiniType): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: COMPONENT_REF(id) };
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodMiniType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}
