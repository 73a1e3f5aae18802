/**
 * What the console reads at start from /config.json: where the API is and
 * how to authenticate. The local server computes it from its settings; in
 * AWS the console stack writes it beside the files.
 */
export type ConsoleAuthConfig =
  | { kind: 'none' }
  | { kind: 'token' }
  | { kind: 'cognito'; issuer: string; clientId: string; scopes: string[]; redirectPath: string };

export interface ConsoleConfig {
  /** The API's base path or URL, e.g. '/api/orchestration'. */
  apiBase: string;
  auth: ConsoleAuthConfig;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Checks a parsed /config.json and returns it typed; throws an Error naming
 * what is wrong, so the console shows it instead of failing later.
 */
export function parseConsoleConfig(value: unknown): ConsoleConfig {
  if (typeof value !== 'object' || value === null) throw new Error('config.json: not a JSON object');
  const { apiBase, auth } = value as Record<string, unknown>;
  if (!isString(apiBase)) throw new Error('config.json: apiBase must be a non-empty string');
  if (typeof auth !== 'object' || auth === null) throw new Error('config.json: auth must be an object');
  const a = auth as Record<string, unknown>;
  const base = apiBase.replace(/\/+$/, '');
  switch (a.kind) {
    case 'none':
      return { apiBase: base, auth: { kind: 'none' } };
    case 'token':
      return { apiBase: base, auth: { kind: 'token' } };
    case 'cognito': {
      if (!isString(a.issuer) || !isString(a.clientId) || !isString(a.redirectPath)) {
        throw new Error('config.json: cognito auth needs issuer, clientId and redirectPath');
      }
      if (!Array.isArray(a.scopes) || !a.scopes.every(isString)) throw new Error('config.json: cognito scopes must be strings');
      return {
        apiBase: base,
        auth: { kind: 'cognito', issuer: a.issuer, clientId: a.clientId, scopes: a.scopes as string[], redirectPath: a.redirectPath },
      };
    }
    default:
      throw new Error(`config.json: unknown auth kind ${JSON.stringify(a.kind)}`);
  }
}
