import { describe, expect, it } from 'vitest';
import type { SlotSchedule } from '#shared/ports/slot-scheduler';
import { scanTable } from '#tests/helpers/embedded-table';
import { describeViolations, invariantViolations } from '#tests/helpers/invariants';
import { MAX_ITEM_BYTES } from '#tests/helpers/simulated-aws/item-size';
import type { LimitOverrides } from '#tests/helpers/simulated-aws/limits';
import { seedFleet, simultaneousWave, startSimulatedDeployment, type FleetShape } from '#tests/helpers/simulated-aws/simulated-deployment';

/**
 * Issue 8's acceptance: the largest wave the API takes (10,000 publications)
 * booked under AWS's limits, simulated (docs/simulated-aws.md): partitions
 * of 1,000 WCU/s, a new on-demand table's 4,000 WCU/s, 400 KB items, call
 * latency. Every gap and daily cap holds, and no throttle reaches the caller:
 * the SDK's retries and the batch writer's re-sends absorb them. How long it
 * takes is `npm run bench -- aws`'s to say, not this test's.
 */
const SHAPES: (FleetShape & { name: string; limits?: LimitOverrides })[] = [
  // 10 videos at once on 1,000 channels: shifted 30 min apart, 6 a day, so each channel's 10 cross into a second day.
  { name: '10 videos x 1,000 channels', videos: 10, channels: 1_000, publishing: { min_gap_minutes: 30, max_per_day: 6 } },
  // 100 videos on 100 channels: 100 a channel, shifted over five days of 24.
  { name: '100 videos x 100 channels', videos: 100, channels: 100, publishing: { min_gap_minutes: 30, max_per_day: 24 } },
  // At AWS's limits the booking stays below them (npm run bench -- aws: no throttle). A quarter of them forces throttling.
  {
    name: '100 videos x 100 channels, at a quarter of the limits',
    videos: 100,
    channels: 100,
    publishing: { min_gap_minutes: 30, max_per_day: 24 },
    limits: { tableWcu: 1_000, partitionWcu: 250 },
  },
];

describe('POST /schedule-wave, 10,000 publications, under simulated AWS limits', () => {
  for (const shape of SHAPES) {
    it(`${shape.name} (shift): booked whole, gaps and caps held, no throttling error reaches the caller`, async () => {
      // Prepare
      const deployment = await startSimulatedDeployment({ aws: shape.limits ? { limits: shape.limits } : {} });
      try {
        await seedFleet(deployment, shape);
        deployment.aws.reset();

        // Act
        const answer = await deployment.api.call('scheduleWave', simultaneousWave(shape));

        // Assert
        expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(201);
        expect(answer.body.total_publications).toBe(10_000);
        const report = deployment.aws.report();
        // Throttled (when the limits bind), yet answered 201: the SDK's retries and the batch writer's re-sends absorbed every one.
        if (shape.limits) expect(report.dynamodb.throttled.total).toBeGreaterThan(0);
        expect(report.dynamodb.largestItemBytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
        const items = await scanTable(deployment.table);
        const publications = items.filter((i) => i.entity === 'publication');
        expect(publications).toHaveLength(10_000);
        expect(publications.every((p) => p.status === 'scheduled')).toBe(true);
        const schedules: SlotSchedule[] = [...deployment.aws.schedules.values()].map((s) => JSON.parse(String(s.request.Target?.Input)));
        expect(schedules).toHaveLength(answer.body.slots);
        const violations = invariantViolations({ items, schedules, triggers: [], now: deployment.clock.now().getTime(), accepted: [] });
        expect(describeViolations(violations)).toEqual([]);
      } finally {
        await deployment.close();
      }
    }, 240_000);
  }
});
