import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../core/metric-names.js';
import { withStepMetrics } from '../../lambda/migration/metrics.js';

/** A Metrics instance whose EMF lines land in `lines` (Powertools writes through its `console`). */
function collecting() {
  const lines: Record<string, unknown>[] = [];
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'migration' });
  (metrics as unknown as { console: Pick<Console, 'log'> }).console = {
    log: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
  return { metrics, lines };
}

describe('migration metrics', () => {
  it('publishes one EMF line per step with its step, outcome, latency and the batch counts', async () => {
    // Prepare
    const { metrics, lines } = collecting();
    let t = 0;
    const step = withStepMetrics(
      async () => ({
        counts: { migrated: 3, alreadyScoped: 1, differs: 1, adopted: 0, missing: 2, skipped: 1 },
        failed: [{ key: 'K', reason: 'x' }],
        stuck: [{ key: 'S', reason: 'unreadable' }],
        differs: ['D'],
      }),
      metrics,
      () => (t += 4),
    );
    // Act
    await step({ step: 'migrate', batch: [] });
    // Assess
    expect([lines.length, lines[0]]).toEqual([
      1,
      expect.objectContaining({
        service: 'migration',
        step: 'migrate',
        outcome: 'ok',
        Requests: 1,
        Latency: 4,
        KeysMigrated: 3,
        KeysAlreadyScoped: 1,
        KeysMissing: 2,
        KeysDiffered: 1,
        KeysSkipped: 1,
        KeysFailed: 1,
        KeysStuck: 1,
      }),
    ]);
  });

  it('counts a step that throws as an error and rethrows', async () => {
    // Prepare
    const { metrics, lines } = collecting();
    const step = withStepMetrics(async () => {
      throw new Error('boom');
    }, metrics);
    // Act
    const thrown = await step({ step: 'finish' }).catch((e: unknown) => e);
    // Assess
    expect([thrown instanceof Error, lines[0]?.step, lines[0]?.outcome]).toEqual([true, 'finish', 'error']);
  });

  it('never takes a dimension from an unknown step name', async () => {
    // Prepare
    const { metrics, lines } = collecting();
    const step = withStepMetrics(async () => ({}), metrics);
    // Act
    await step({ step: 'KEY_NAME_5e1f' });
    // Assess
    expect(lines[0]?.step).toBe('invalid');
  });
});
