import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument } from '#shared/http/openapi';

type Json = Record<string, any>;

/** Headers any HTTP answer may carry that an OpenAPI document does not declare (transport, not contract). */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** One answer as a test saw it. */
export interface SeenResponse {
  status: number;
  headers: Record<string, unknown> | Headers;
  /** The body exactly as sent. */
  raw: string;
}

/** Where the answer came from: a method and either a path template of the document or a path as requested. */
export interface SeenRequest {
  method: string;
  /** `/api/orchestration/channels/{channel_id}` */
  template?: string;
  /** `/api/orchestration/channels/c1?x=1`: matched against the document's paths. */
  path?: string;
}

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const DOCUMENT_ID = 'openapi.json';

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

/** ajv over the whole served document: responses are checked against their schemas where they stand in it. */
function validatorFor(pointer: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema(openApiDocument(), DOCUMENT_ID);
  }
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The document's path template that a requested path names, as API Gateway matches (literal segments first). */
export function templateOf(path: string): string | undefined {
  const segments = path.split('?')[0]!.split('/');
  const candidates = Object.keys(openApiDocument().paths as Json).filter((template) => {
    const pattern = template.split('/');
    return pattern.length === segments.length && pattern.every((p, i) => /^\{\w+\}$/.test(p) ? segments[i] !== '' : p === segments[i]);
  });
  const parametersIn = (t: string) => (t.match(/\{/g) ?? []).length;
  return candidates.sort((a, b) => parametersIn(a) - parametersIn(b))[0];
}

function headerEntries(headers: SeenResponse['headers']): Array<[string, string]> {
  if (headers instanceof Headers) return [...headers.entries()];
  return Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]);
}

/**
 * Checks an answer against the OpenAPI document: its status is declared for
 * the operation, its body is valid against that status's schema, and every
 * header it carries (transport headers aside) is declared for that status.
 * @returns the problems found; empty when the answer keeps the contract.
 */
export function contractViolations(request: SeenRequest, response: SeenResponse): string[] {
  const document = openApiDocument() as Json;
  const method = request.method.toLowerCase();
  const template = request.template ?? (request.path ? templateOf(request.path) : undefined);
  const where = `${request.method} ${template ?? request.path} -> ${response.status}`;
  const headers = headerEntries(response.headers);

  if (!template || !document.paths[template]) {
    // No such path: the router's 404, in the error body every answer uses.
    if (response.status !== 404) return [`${where}: a path the document does not have answered ${response.status}, not 404`];
    return bodyViolations('/components/schemas/Error', response.raw, where);
  }
  const pathItem = document.paths[template] as Json;
  const operation = pathItem[method] as Json | undefined;
  if (!operation) {
    // A method the path does not take: 405 with allow, as every operation of the path declares.
    const problems = response.status === 405 ? [] : [`${where}: the path does not take ${request.method}, yet the answer is not 405`];
    if (!headers.some(([name]) => name === 'allow')) problems.push(`${where}: a 405 without an allow header`);
    return [...problems, ...bodyViolations('/components/schemas/Error', response.raw, where)];
  }
  const declared = operation.responses[String(response.status)] as Json | undefined;
  if (!declared) {
    return [`${where}: status ${response.status} is not declared for ${operation.operationId} (declared: ${Object.keys(operation.responses).join(', ')})`];
  }
  const declaredHeaders = new Set(Object.keys((declared.headers ?? {}) as Json).map((h) => h.toLowerCase()));
  const problems = headers
    .filter(([name]) => !TRANSPORT_HEADERS.has(name) && !declaredHeaders.has(name))
    .map(([name]) => `${where}: header '${name}' is not declared for this status`);
  if (declared.content?.['application/json']) {
    const pointer = `/paths/${escapePointer(template)}/${method}/responses/${response.status}/content/application~1json/schema`;
    problems.push(...bodyViolations(pointer, response.raw, where));
  } else if (response.raw !== '') problems.push(`${where}: a body where the document declares none`);
  return problems;
}

function bodyViolations(pointer: string, raw: string, where: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return [`${where}: the body is not JSON: ${raw.slice(0, 200)}`];
  }
  const validate = validatorFor(pointer);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Throws when an answer breaks the contract, so the test that met it fails and says why. */
export function assertKeepsContract(request: SeenRequest, response: SeenResponse): void {
  const problems = contractViolations(request, response);
  if (problems.length > 0) {
    throw new Error(`the answer breaks the OpenAPI document:\n- ${problems.slice(0, 10).join('\n- ')}\nbody: ${response.raw.slice(0, 500)}`);
  }
}

/** Whether the document has this operation (test-only routes of the HTTP stack's unit tests have none). */
export function isDocumented(method: string, template: string): boolean {
  return Boolean((openApiDocument() as Json).paths[template]?.[method.toLowerCase()]);
}
