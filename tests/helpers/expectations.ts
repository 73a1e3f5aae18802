import { expect } from 'vitest';
import { ValidationFailed } from '#shared/domain/errors';
import { GitHubCallError } from '#shared/ports/github';
import type { RouteCaller } from './route-harness';

/** Asserts that `run` throws what a bad cursor must raise: a 400 `invalid_cursor` naming `cursor` in the query. */
export function expectInvalidCursor(run: () => unknown): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationFailed);
  expect(error).toMatchObject({ code: 'invalid_cursor', fields: [{ field: 'cursor', in: 'query' }] });
}

/** Records the name of every command the route harness's DynamoDB client sends (to prove a path never scans). */
export function recordCommands(api: RouteCaller): string[] {
  const commands: string[] = [];
  api.root.dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'commandRecorder' },
  );
  return commands;
}

/** The GitHubCallError `promise` rejects with (it must reject with one). */
export async function githubFailureOf(promise: Promise<unknown>): Promise<GitHubCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitHubCallError);
  return error as GitHubCallError;
}
