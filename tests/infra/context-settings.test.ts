import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { LAMBDA_MIN_SQS_MAX_CONCURRENCY, contextInteger, pipelineSettingsFrom } from '#infra/constructs/context-settings';
import { DISPATCH_LIMITS } from '#shared/config';

const stackWith = (context: Record<string, unknown> = {}) => new Stack(new App({ context }), 'Context');

describe('Function: pipelineSettingsFrom', () => {
  it('defaults to 5 dispatches at once per trigger queue, 60 a minute, 450 an hour, on api.github.com', () => {
    expect(pipelineSettingsFrom(stackWith())).toEqual({
      dispatchConcurrency: 5,
      githubDispatchesPerMinute: 60,
      githubDispatchesPerHour: 450,
      githubApiUrl: 'https://api.github.com',
    });
  });

  it('reads each context key, strings from the command line included', () => {
    // Prepare
    const scope = stackWith({ dispatchConcurrency: '8', githubDispatchesPerMinute: '20', githubDispatchesPerHour: 200, githubApiUrl: 'https://ghe.example.com/api/v3' });
    // Act & Assess
    expect(pipelineSettingsFrom(scope)).toEqual({
      dispatchConcurrency: 8,
      githubDispatchesPerMinute: 20,
      githubDispatchesPerHour: 200,
      githubApiUrl: 'https://ghe.example.com/api/v3',
    });
  });

  it('prefers what the props give over the context', () => {
    expect(pipelineSettingsFrom(stackWith({ dispatchConcurrency: 8 }), { dispatchConcurrency: 2 }).dispatchConcurrency).toBe(2);
  });

  it('takes the bounds shared/config.ts applies at run time, except the concurrency floor Lambda sets', () => {
    expect(LAMBDA_MIN_SQS_MAX_CONCURRENCY).toBe(2);
    expect(pipelineSettingsFrom(stackWith({ dispatchConcurrency: DISPATCH_LIMITS.concurrency.max })).dispatchConcurrency).toBe(1_000);
    expect(() => pipelineSettingsFrom(stackWith({ dispatchConcurrency: DISPATCH_LIMITS.concurrency.min }))).toThrow(/from 2 to 1000/);
    expect(() => pipelineSettingsFrom(stackWith({ githubDispatchesPerHour: DISPATCH_LIMITS.perHour.max + 1 }))).toThrow(/githubDispatchesPerHour/);
  });
});

describe('Function: contextInteger', () => {
  const rule = { default: 7, min: 1, max: 10 };

  it('takes props, else context, else the default', () => {
    expect(contextInteger(stackWith({ k: '3' }), 'k', 4, rule)).toBe(4);
    expect(contextInteger(stackWith({ k: '3' }), 'k', undefined, rule)).toBe(3);
    expect(contextInteger(stackWith(), 'k', undefined, rule)).toBe(7);
  });

  it.each([['0'], ['11'], ['2.5'], [''], ['three'], [true]])('refuses %j, naming the key, the unit and the range', (value) => {
    expect(() => contextInteger(stackWith({ k: value }), 'k', undefined, rule, 'whole days')).toThrow(/^k must be whole days from 1 to 10, got /);
  });
});
