import type { ConsoleConfig } from '../config';
import { createTokenAuth } from './token';
import type { ConsoleAuth } from './types';

export type { ConsoleAuth } from './types';

const noAuth: ConsoleAuth = {
  kind: 'none',
  authorization: async () => undefined,
  isSignedIn: () => true,
  onUnauthorized: () => undefined,
  signOut: () => undefined,
};

/** The auth /config.json asks for; Cognito's code is loaded only when it is the one. */
export async function createAuth(config: ConsoleConfig['auth']): Promise<ConsoleAuth> {
  switch (config.kind) {
    case 'none':
      return noAuth;
    case 'token':
      return createTokenAuth();
    case 'cognito': {
      const { createCognitoAuth } = await import('./cognito');
      return createCognitoAuth(config);
    }
  }
}
