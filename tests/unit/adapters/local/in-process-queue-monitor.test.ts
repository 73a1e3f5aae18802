import { describe, expect, it } from 'vitest';
import { InProcessProcessingQueue } from '#shared/adapters/local/in-process-processing-queue';
import { InProcessQueueMonitor } from '#shared/adapters/local/in-process-queue-monitor';
import { InProcessSlotScheduler } from '#shared/adapters/local/in-process-slot-scheduler';
import { InProcessTriggerQueue } from '#shared/adapters/local/in-process-trigger-queue';
import type { PipelineTrigger } from '#shared/ports/trigger-queue';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');

function trigger(id: string, priority: 'high' | 'normal'): PipelineTrigger {
  return { trigger_id: id, channel_id: 'c1', slot_id: null, publications: [], priority, enqueued_at: new Date(NOW).toISOString() };
}

describe('Class: InProcessQueueMonitor', () => {
  it('reports each trigger priority, the processing jobs waiting and the dead letters, with the oldest age', async () => {
    // Prepare: a queue never started (nothing is received), a clock that moves by hand
    let now = NOW;
    const clock = { now: () => new Date(now) };
    const triggerQueue = new InProcessTriggerQueue({ consume: async () => undefined, clock });
    const processingQueue = new InProcessProcessingQueue();
    const slotScheduler = new InProcessSlotScheduler({ fire: async () => undefined });
    await triggerQueue.send([trigger('t1', 'high'), trigger('t2', 'normal')]);
    await triggerQueue.send([trigger('t3', 'normal')], { delaySeconds: 600 });
    await processingQueue.send({ run_id: 'run_1', channel_id: 'c1', video_id: null, publications: [], inputs: {}, priority: 'normal', config: {}, enqueued_at: new Date(NOW - 90_000).toISOString() });
    now += 120_000;

    // Act
    const readings = await new InProcessQueueMonitor({ triggerQueue, processingQueue, slotScheduler, clock }).depths();

    // Assess
    const byName = Object.fromEntries(readings.map((r) => [r.name, r.depth]));
    expect(readings.map((r) => r.name)).toEqual(['trigger_high', 'trigger_normal', 'trigger_dead_letter', 'processing', 'processing_dead_letter', 'slot_dead_letter']);
    expect(readings.every((r) => r.error === null)).toBe(true);
    expect(byName.trigger_high).toEqual({ visible: 1, in_flight: 0, delayed: 0, oldest_age_seconds: 120 });
    expect(byName.trigger_normal).toEqual({ visible: 1, in_flight: 0, delayed: 1, oldest_age_seconds: 120 });
    expect(byName.processing).toEqual({ visible: 1, in_flight: 0, delayed: 0, oldest_age_seconds: 210 });
    expect(byName.trigger_dead_letter).toEqual({ visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null });
    expect(byName.slot_dead_letter).toEqual({ visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null });
  });
});
