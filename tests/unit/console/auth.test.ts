import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuth } from '../../../console/src/auth/index';
import { createTokenAuth, TOKEN_STORAGE_KEY } from '../../../console/src/auth/token';

/** sessionStorage as the browser gives it, for one test. */
function fakeSessionStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('Function: createTokenAuth', () => {
  let store: ReturnType<typeof fakeSessionStorage>;
  beforeEach(() => {
    store = fakeSessionStorage();
    (globalThis as { sessionStorage?: unknown }).sessionStorage = store;
  });
  afterEach(() => {
    delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
  });

  it('asks for a token until one is given, then sends it as a bearer and keeps it for the tab', async () => {
    // Prepare
    const auth = createTokenAuth();
    expect(auth.isSignedIn()).toBe(false);
    expect(await auth.authorization()).toBeUndefined();

    // Act
    auth.useToken('  s3cret ');

    // Assess
    expect(auth.isSignedIn()).toBe(true);
    expect(await auth.authorization()).toBe('Bearer s3cret');
    expect(store.items.get(TOKEN_STORAGE_KEY)).toBe('s3cret');
    expect(createTokenAuth().isSignedIn()).toBe(true);
  });

  it('forgets the token on a 401 and says why the form is back', () => {
    const auth = createTokenAuth();
    auth.useToken('wrong');

    auth.onUnauthorized();

    expect(auth.isSignedIn()).toBe(false);
    expect(store.items.has(TOKEN_STORAGE_KEY)).toBe(false);
    expect(auth.refusedReason()).toMatch(/401/);
  });

  it('signs out without a refusal message', () => {
    const auth = createTokenAuth();
    auth.useToken('t');
    auth.signOut();
    expect(auth.isSignedIn()).toBe(false);
    expect(auth.refusedReason()).toBeUndefined();
  });
});

describe('Function: createAuth', () => {
  it('makes calls without a header when the API needs none', async () => {
    const auth = await createAuth({ kind: 'none' });
    expect(auth.isSignedIn()).toBe(true);
    expect(await auth.authorization()).toBeUndefined();
  });
});
