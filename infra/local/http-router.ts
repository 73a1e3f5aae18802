import { fullPath, isPublicRoute, type AnyRoute } from '#shared/routes';

export type RouteMatch =
  | { kind: 'route'; route: AnyRoute; pathParameters: Record<string, string>; public: boolean }
  | { kind: 'method_not_allowed'; allow: string[]; public: boolean }
  | { kind: 'not_found' };

/** A path segment of a route: literal, or `{name}`. */
type Segment = { literal: string } | { parameter: string };

interface CompiledRoute {
  route: AnyRoute;
  segments: Segment[];
}

/**
 * Matches requests to the route table as API Gateway does: the method and
 * the full path (`/api/orchestration` + the route's path), `{name}` standing
 * for one non-empty segment. Parameters come back URL-decoded.
 */
export class HttpRouter {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly AnyRoute[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: fullPath(route)
        .split('/')
        .slice(1)
        .map((segment): Segment => {
          const parameter = /^\{([^}]+)\}$/.exec(segment)?.[1];
          return parameter ? { parameter } : { literal: segment };
        }),
    }));
  }

  /** `rawPath` is the path as received, still percent-encoded. */
  match(method: string, rawPath: string): RouteMatch {
    const segments = rawPath.split('/').slice(1);
    const candidates = this.compiled.flatMap(({ route, segments: pattern }) => {
      const parameters = matchSegments(pattern, segments);
      return parameters ? [{ route, parameters }] : [];
    });
    if (candidates.length === 0) return { kind: 'not_found' };
    const open = candidates.some(({ route }) => isPublicRoute(route));
    // A literal segment wins over a parameter, as in API Gateway (`/videos/new` before `/videos/{id}`).
    const forMethod = candidates
      .filter(({ route }) => route.method === method.toUpperCase())
      .sort((a, b) => Object.keys(a.parameters).length - Object.keys(b.parameters).length)[0];
    if (!forMethod) {
      return { kind: 'method_not_allowed', allow: [...new Set(candidates.map(({ route }) => route.method))].sort(), public: open };
    }
    return { kind: 'route', route: forMethod.route, pathParameters: forMethod.parameters, public: isPublicRoute(forMethod.route) };
  }
}

function matchSegments(pattern: Segment[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] as string;
    if ('literal' in part) {
      if (part.literal !== segment) return undefined;
    } else {
      if (segment === '') return undefined;
      parameters[part.parameter] = decodeSegment(segment);
    }
  }
  return parameters;
}

/** Percent-decodes a path segment; a malformed escape is passed on as received, for the route's validation to refuse. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
