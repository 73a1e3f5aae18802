import { describe, expect, it } from 'vitest';
import { declaredStatuses, openApiDocument, openApiDocumentOf } from '#shared/http/openapi';
import { BASE_PATH, isPublicRoute, routeList, routes, type AnyRoute } from '#shared/routes';
import { handler as openApiHandler } from '#functions/http/openapi';
import { apiEvent, invoke } from '#tests/helpers/api-gateway-event';

type Json = Record<string, any>;

/** Every `$ref` anywhere under `node`. */
function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe('Function: openApiDocument', () => {
  const document = openApiDocument() as Json;

  it('is an OpenAPI 3.1.0 document', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('has every route of the route table under its path, with its method and operationId', () => {
    // Prepare
    const operations = Object.entries(document.paths as Record<string, Json>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${(op as Json).operationId}`),
    );

    // Assess
    expect(operations.sort()).toEqual(routeList.map((r) => `${r.method} ${BASE_PATH}${r.path} ${r.id}`).sort());
  });

  it("documents every route's success status and its path parameters", () => {
    for (const route of routeList) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      expect(op.responses, route.id).toHaveProperty(String(route.response.status));
      const declared = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParameters = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
      expect(pathParameters.map((p) => p.name).sort(), route.id).toEqual(declared.sort());
      expect(pathParameters.every((p) => p.required === true), route.id).toBe(true);
    }
  });

  it('references a component for every request body', () => {
    const withBody = routeList.filter((r) => r.body);
    expect(withBody.length).toBeGreaterThan(0);
    for (const route of withBody) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      expect(op.requestBody?.required, route.id).toBe(true);
      expect(op.requestBody?.content?.['application/json']?.schema?.$ref, route.id).toMatch(/^#\/components\/schemas\/\w+$/);
    }
  });

  it('documents the Idempotency-Key header on every POST but the webhook (GitHub sends none), and on nothing else', () => {
    for (const route of routeList) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      const hasHeader = ((op.parameters ?? []) as Json[]).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(hasHeader, route.id).toBe(route.method === 'POST' && route.auth !== 'github-signature');
    }
  });

  it("documents the webhook: GitHub's three headers required, no security scheme, 401 for the signature, no 403 and no idempotency answers", () => {
    // Prepare
    const op = document.paths[`${BASE_PATH}${routes.githubWebhook.path}`].post as Json;

    // Assess
    expect(op.security).toEqual([]);
    expect((op.parameters as Json[]).map((p) => [p.name, p.in, p.required])).toEqual([
      ['X-GitHub-Event', 'header', true],
      ['X-GitHub-Delivery', 'header', true],
      ['X-Hub-Signature-256', 'header', true],
    ]);
    expect(declaredStatuses(routes.githubWebhook)).toEqual([200, 202, 400, 401, 405, 413, 415, 500]);
    expect(op.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(op.responses['401'].description).toMatch(/X-Hub-Signature-256/);
    expect(Object.keys(op.responses['401'].headers)).toEqual(['x-request-id', 'apigw-requestid']);
    expect(Object.keys(op.responses['200'].headers)).toEqual(['x-request-id', 'apigw-requestid']);
    expect(op.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/GithubWebhookIgnored' });
  });

  it('resolves every reference to a component that exists, and has no component it does not use', () => {
    // Prepare
    const refs = [...new Set(refsIn(document))];

    // Assess
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [, kind, name] = /^#\/components\/(schemas|headers)\/(\w+)$/.exec(ref) ?? [];
      expect(kind, ref).toBeDefined();
      expect(Object.keys(document.components[kind as string]), ref).toContain(name);
    }
    const referenced = new Set(refs);
    for (const kind of ['schemas', 'headers']) {
      for (const name of Object.keys(document.components[kind])) expect(referenced, `${kind}/${name}`).toContain(`#/components/${kind}/${name}`);
    }
  });

  it('documents the error body on every route', () => {
    for (const route of routeList) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      for (const status of ['400', '500']) {
        expect(op.responses[status]?.content?.['application/json']?.schema, `${route.id} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('declares every status the stack answers: successes, 401/403 behind the authorizer, 415 on bodies, the idempotency 409 and 422 on POST', () => {
    // Act
    const statusesOf = (id: keyof typeof routes) => declaredStatuses(routes[id]);

    // Assess
    expect(statusesOf('putChannel')).toEqual([200, 201, 400, 401, 403, 405, 413, 415, 500]);
    expect(statusesOf('coordinatePublication')).toEqual([200, 201, 202, 400, 401, 403, 405, 409, 413, 415, 422, 500]);
    expect(statusesOf('cancelWave')).toEqual([200, 400, 401, 403, 404, 405, 409, 413, 415, 422, 500]);
    expect(statusesOf('start')).toEqual([200, 400, 401, 403, 405, 409, 413, 415, 422, 500]);
    expect(statusesOf('getChannel')).toEqual([200, 400, 401, 403, 404, 405, 413, 500]);
    for (const route of routeList) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      expect(Object.keys(op.responses).map(Number), route.id).toEqual(declaredStatuses(route));
    }
  });

  it('declares the headers the answers carry', () => {
    const responses = (id: keyof typeof routes) => document.paths[`${BASE_PATH}${routes[id].path}`][routes[id].method.toLowerCase()].responses;
    expect(Object.keys(responses('scheduleWave')['201'].headers)).toEqual(['x-request-id', 'apigw-requestid', 'idempotent-replayed']);
    expect(Object.keys(responses('getWave')['200'].headers)).toEqual(['x-request-id', 'apigw-requestid']);
    expect(responses('getWave')['405'].headers).toHaveProperty('allow');
    expect(responses('scheduleWave')['409'].headers).toHaveProperty('retry-after');
    expect(responses('status')['401'].headers).toHaveProperty('www-authenticate');
  });

  it('has tags with descriptions, a license and security on every operation', () => {
    expect(document.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(document.tags.map((t: Json) => t.name).sort()).toEqual([...new Set(routeList.map((r) => r.tag))].sort());
    for (const tag of document.tags as Json[]) expect(tag.description, tag.name).toEqual(expect.any(String));
    for (const route of routeList) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      expect(op.security, route.id).toEqual(isPublicRoute(route) ? [] : [{ sigv4: [] }, { bearer: [] }]);
    }
  });

  it('declares a route that checks a GitHub signature itself with no security: security []', () => {
    // Prepare: a route table of its own, the status route made to authenticate by signature.
    const signed: AnyRoute = { ...routes.status, auth: 'github-signature' };
    // Act
    const doc = openApiDocumentOf([signed, routes.getChannel]) as Json;
    // Assess
    expect(doc.paths[`${BASE_PATH}${signed.path}`].get.security).toEqual([]);
    expect(doc.paths[`${BASE_PATH}${routes.getChannel.path}`].get.security).toEqual([{ sigv4: [] }, { bearer: [] }]);
    expect(doc.security).toEqual([{ sigv4: [] }, { bearer: [] }]);
  });

  it('gives every request body an example its own schema accepts', () => {
    for (const route of routeList.filter((r) => r.body)) {
      expect(route.example, route.id).toBeDefined();
      expect(route.body!.safeParse(route.example).success, route.id).toBe(true);
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      expect(op.requestBody.content['application/json'].example, route.id).toEqual(route.example);
    }
  });

  it('declares the Idempotency-Key rules: 1-255 visible ASCII characters', () => {
    const op = document.paths[`${BASE_PATH}${routes.scheduleWave.path}`].post as Json;
    const header = (op.parameters as Json[]).find((p) => p.name === 'Idempotency-Key')!;
    expect(header.schema).toEqual({ type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]{1,255}$' });
  });

  it('declares every count in a response as a non-negative integer', () => {
    const integers: Array<[string, Json]> = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}.${i}`));
      else if (node && typeof node === 'object') {
        if ((node as Json).type === 'integer') integers.push([where, node as Json]);
        for (const [key, value] of Object.entries(node)) walk(value, `${where}.${key}`);
      }
    };
    for (const name of ['StatusReport', 'WaveResult', 'Wave', 'WaveCancelled', 'CoordinationResult', 'ChannelDeleted']) walk(document.components.schemas[name], name);
    expect(integers.length).toBeGreaterThan(10);
    for (const [where, schema] of integers) expect(schema.minimum, where).toBeGreaterThanOrEqual(0);
  });

  it('is what GET /openapi.json serves', async () => {
    // Act
    const answer = await invoke(openApiHandler, apiEvent(routes.openapi));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(document);
  });
});
