// Replaced by the console-stack branch
import type { ConsoleConfig } from '../config';
import type { ConsoleAuth } from './types';

/** Cognito sign-in: written on the console-stack branch. */
export async function createCognitoAuth(config: Extract<ConsoleConfig['auth'], { kind: 'cognito' }>): Promise<ConsoleAuth> {
  void config;
  throw new Error('Cognito sign-in is not built into this console yet');
}
