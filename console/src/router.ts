import { signal } from '@preact/signals';
import { parseHash, type Route } from './hash-routes';

export { channelHref, parseHash, type Route } from './hash-routes';

export const route = signal<Route>(parseHash(globalThis.location?.hash ?? ''));

export function startRouter(): void {
  globalThis.addEventListener('hashchange', () => {
    route.value = parseHash(globalThis.location.hash);
  });
}

export function navigate(hash: string): void {
  if (globalThis.location.hash === hash) route.value = parseHash(hash);
  else globalThis.location.hash = hash;
}
