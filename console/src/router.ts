import { signal } from '@preact/signals';
import { hashQuery, parseHash, type Route } from './hash-routes';

export { channelHref, hashWith, parseHash, type Route } from './hash-routes';

export const route = signal<Route>(parseHash(globalThis.location?.hash ?? ''));
/** The hash's query as typed (`status=held`): part of the page's identity, so a link with other filters opens it afresh. */
export const routeQuery = signal<string>(hashQuery(globalThis.location?.hash ?? '').toString());

/** The current hash's filters, read once by a page as it mounts. */
export function initialFilter(name: string): string {
  return hashQuery(globalThis.location?.hash ?? '').get(name) ?? '';
}

export function startRouter(): void {
  globalThis.addEventListener('hashchange', () => {
    route.value = parseHash(globalThis.location.hash);
    routeQuery.value = hashQuery(globalThis.location.hash).toString();
  });
}

export function navigate(hash: string): void {
  if (globalThis.location.hash === hash) {
    route.value = parseHash(hash);
    routeQuery.value = hashQuery(hash).toString();
  }
  else globalThis.location.hash = hash;
}
