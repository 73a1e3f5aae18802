/** The console's hash routes, pure (no DOM): read by the router and the unit tests. */
/** A page of the console, from the location's hash (`#/channels/abc/edit`). */
export type Route =
  | { page: 'status' }
  | { page: 'channels' }
  | { page: 'channel-new' }
  | { page: 'channel'; id: string }
  | { page: 'channel-edit'; id: string }
  | { page: 'timeline' }
  | { page: 'coordinate' }
  | { page: 'wave' }
  | { page: 'publications' }
  | { page: 'runs' }
  | { page: 'activity' }
  | { page: 'not-found'; path: string };

/** Reads a hash; pure, so it is unit tested. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: 'status' };
  if (first === 'channels') {
    if (parts.length === 1) return { page: 'channels' };
    if (second === 'new' && parts.length === 2) return { page: 'channel-new' };
    if (second && parts.length === 2) return { page: 'channel', id: second };
    if (second && third === 'edit' && parts.length === 3) return { page: 'channel-edit', id: second };
  }
  if (parts.length === 1) {
    switch (first) {
      case 'timeline':
      case 'coordinate':
      case 'wave':
      case 'publications':
      case 'runs':
      case 'activity':
        return { page: first };
    }
  }
  return { page: 'not-found', path };
}

/** The hash of a channel's page. */
export const channelHref = (id: string, edit = false) => `#/channels/${encodeURIComponent(id)}${edit ? '/edit' : ''}`;

/** The query of a hash (`#/publications?status=held` → status=held): a page's initial filters. */
export function hashQuery(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
}

/** A page's hash with its filters, e.g. `#/publications?status=held`. */
export function hashWith(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}
