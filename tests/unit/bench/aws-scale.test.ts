import { describe, expect, it } from 'vitest';
import { monthlyCost, PRICES, writeSpacingCost, type PhaseCost } from '#tests/bench/aws-scale';

const phase = (overrides: Partial<PhaseCost>): PhaseCost => ({
  phase: 'a phase',
  perDay: 1,
  wallMs: 0,
  lambdaInvocations: 0,
  memoryMb: 512,
  httpRequests: 0,
  calls: {},
  wcu: 0,
  rcu: 0,
  sqsMessages: 0,
  schedules: 0,
  ...overrides,
});

const line = (cost: ReturnType<typeof monthlyCost>, item: string) => {
  const found = cost.lines.find((l) => l.item.startsWith(item));
  if (!found) throw new Error(`no line ${item}`);
  return found;
};

describe('Function: monthlyCost', () => {
  it('prices each phase times its occurrences a day over 30 days', () => {
    // Prepare: 1,000 write units and 2,000 read units, 10 times a day.
    const phases = [phase({ perDay: 10, wcu: 1_000, rcu: 2_000 })];

    // Act
    const cost = monthlyCost(phases);

    // Assess: 300,000 WRU and 600,000 RRU a month.
    expect(line(cost, 'DynamoDB writes').usd).toBeCloseTo(0.3 * PRICES.dynamodbWritePerMillion, 10);
    expect(line(cost, 'DynamoDB reads').usd).toBeCloseTo(0.6 * PRICES.dynamodbReadPerMillion, 10);
  });

  it('takes GB-seconds at each phase\'s own memory and HTTP requests from the phases that had them, not from their names', () => {
    // Prepare: 2 s at 1 GB, 2 s at 512 MB, once a day; only the second phase went through the HTTP API, 3,000 times.
    const phases = [
      phase({ phase: 'POST /something', wallMs: 2_000, memoryMb: 1024, lambdaInvocations: 1 }),
      phase({ phase: 'webhook deliveries', wallMs: 2_000, memoryMb: 512, lambdaInvocations: 3_000, httpRequests: 3_000 }),
    ];

    // Act
    const cost = monthlyCost(phases);

    // Assess: (2 x 1 + 2 x 0.5) x 30 = 90 GB-s; 3,001 invocations and 3,000 HTTP requests a day.
    expect(line(cost, 'Lambda duration').quantity).toBe('90 GB-s');
    expect(line(cost, 'Lambda duration').usd).toBeCloseTo(90 * PRICES.lambdaArmPerGbSecond, 10);
    expect(line(cost, 'Lambda requests').usd).toBeCloseTo((3_001 * 30 / 1e6) * PRICES.lambdaPerMillionRequests, 10);
    expect(line(cost, 'API Gateway').usd).toBeCloseTo((3_000 * 30 / 1e6) * PRICES.httpApiPerMillionRequests, 10);
    expect(cost.totalUsd).toBeCloseTo(cost.lines.reduce((n, l) => n + l.usd, 0), 10);
  });

  it('counts a send, a receive and a delete a message, each batched by 10', () => {
    // Prepare
    const phases = [phase({ sqsMessages: 1_000 })];

    // Act
    const cost = monthlyCost(phases);

    // Assess: 300 requests a day, 9,000 a month.
    expect(line(cost, 'SQS').usd).toBeCloseTo((9_000 / 1e6) * PRICES.sqsPerMillionRequests, 10);
  });
});

describe('Function: writeSpacingCost', () => {
  it('bills the seconds the deployed client waits at the dispatcher\'s memory, for every slot of the month', () => {
    // Act: 900 s a slot, 10 slots a day, 512 MB.
    const spacing = writeSpacingCost(900, 10, 512);

    // Assess: 900 x 0.5 x 10 x 30 = 135,000 GB-s.
    expect(spacing.gbSeconds).toBe(135_000);
    expect(spacing.usd).toBeCloseTo(135_000 * PRICES.lambdaArmPerGbSecond, 10);
  });
});
