import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#shared/http/openapi';
import { BASE_PATH, routeList, routes } from '#shared/routes';
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

  it('documents the Idempotency-Key header on every POST and on nothing else', () => {
    for (const route of routeList) {
      const op = document.paths[`${BASE_PATH}${route.path}`][route.method.toLowerCase()] as Json;
      const hasHeader = ((op.parameters ?? []) as Json[]).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(hasHeader, route.id).toBe(route.method === 'POST');
    }
  });

  it('resolves every reference to a component that exists', () => {
    // Prepare
    const refs = [...new Set(refsIn(document))];
    const components = Object.keys(document.components.schemas as Json);

    // Assess
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(components, ref).toContain(ref.replace('#/components/schemas/', ''));
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

  it('is what GET /openapi.json serves', async () => {
    // Act
    const answer = await invoke(openApiHandler, apiEvent(routes.openapi));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(document);
  });
});
