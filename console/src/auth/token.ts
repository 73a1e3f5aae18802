import { signal } from '@preact/signals';
import type { ConsoleAuth } from './types';

/** sessionStorage: the token lives as long as the tab, never on disk beyond it. */
export const TOKEN_STORAGE_KEY = 'channel-orchestrator.api-token';

/** The part of sessionStorage used here (typed without the DOM, so unit tests can give their own). */
interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function storage(): SessionStore | undefined {
  try {
    return (globalThis as { sessionStorage?: SessionStore }).sessionStorage;
  } catch {
    return undefined; // storage refused (privacy settings): the token lives in memory only
  }
}

/** The token auth of the local server (ORCHESTRATOR_API_TOKEN), with the token the operator typed. */
export interface TokenAuth extends ConsoleAuth {
  kind: 'token';
  /** Stores the token for this tab. */
  useToken(token: string): void;
  /** Why the form is shown again, when a token was refused. */
  readonly refusedReason: () => string | undefined;
}

export function createTokenAuth(): TokenAuth {
  const token = signal<string | undefined>(storage()?.getItem(TOKEN_STORAGE_KEY) ?? undefined);
  const refused = signal<string | undefined>(undefined);
  const clear = () => {
    storage()?.removeItem(TOKEN_STORAGE_KEY);
    token.value = undefined;
  };
  return {
    kind: 'token',
    authorization: async () => (token.peek() ? `Bearer ${token.peek()}` : undefined),
    // Read in render: the app shows the token form whenever this turns false.
    isSignedIn: () => Boolean(token.value),
    onUnauthorized: () => {
      if (!token.peek()) return;
      refused.value = 'The API refused the token (401). Enter it again.';
      clear();
    },
    signOut: () => {
      refused.value = undefined;
      clear();
    },
    useToken: (value: string) => {
      const trimmed = value.trim();
      if (!trimmed) return;
      storage()?.setItem(TOKEN_STORAGE_KEY, trimmed);
      refused.value = undefined;
      token.value = trimmed;
    },
    refusedReason: () => refused.value,
  };
}
