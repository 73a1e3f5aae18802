import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsRunMetrics } from '#shared/adapters/metrics/powertools-run-metrics';
import { RUN_METRICS } from '#shared/ports/run-metrics';

describe('Class: PowertoolsRunMetrics', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    // Enabled (the test environment disables metrics), on the global console so the lines can be read.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_DEV = 'true';
  });
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it('writes one EMF line a count at once, in the namespace and service the operations dashboard reads', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const metrics = new PowertoolsRunMetrics(new Metrics({ namespace: RUN_METRICS.namespace, serviceName: RUN_METRICS.service }));

    // Act
    metrics.runDispatched();
    metrics.runFinished('succeeded');
    metrics.runFinished('failed');

    // Assess
    const emitted = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } });
    expect(emitted.map((e) => e._aws.CloudWatchMetrics[0]?.Metrics)).toEqual([
      [{ Name: 'RunsDispatched', Unit: 'Count' }],
      [{ Name: 'RunsSucceeded', Unit: 'Count' }],
      [{ Name: 'RunsFailed', Unit: 'Count' }],
    ]);
    for (const e of emitted) {
      expect(e._aws.CloudWatchMetrics[0]?.Namespace).toBe('ChannelOrchestrator');
      expect(e._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
      expect(e.service).toBe('channel-orchestrator');
    }
  });
});
