/**
 * The migration function writes its EMF lines by hand; these tests pin what they say and hold each
 * one to the document Powertools Metrics itself serializes for the same dimensions and metrics.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import type { BatchReport } from '../../core/index.js';
import { withStepMetrics } from '../../lambda/migration/metrics.js';
import { oracleMetrics } from '../support/powertools.js';

/** The dimensions of a line; its other fields but `_aws` are its metrics, in order. */
const DIMENSIONS = ['service', 'step', 'outcome'];

/** What Powertools Metrics publishes for an invocation with this line's dimensions and metrics. */
function powertoolsDocument(line: Record<string, unknown>): Record<string, unknown> {
  const { metrics, warnings } = oracleMetrics(String(line.service));
  metrics.addDimensions({ step: String(line.step), outcome: String(line.outcome) });
  for (const [name, value] of Object.entries(line)) {
    if (name === '_aws' || DIMENSIONS.includes(name)) continue;
    metrics.addMetric(name, name === 'Latency' ? MetricUnit.Milliseconds : MetricUnit.Count, Number(value));
  }
  metrics.setTimestamp((line._aws as { Timestamp: number }).Timestamp);
  expect(warnings).toEqual([]);
  return metrics.serializeMetrics() as unknown as Record<string, unknown>;
}

/** withStepMetrics over `steps`, its lines parsed into `lines`, with a clock that moves 4 ms a call. */
function measured<R>(steps: (event: unknown) => Promise<R>) {
  const lines: Record<string, unknown>[] = [];
  let t = 0;
  const step = withStepMetrics(
    steps,
    (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    () => (t += 4),
  );
  return { step, lines };
}

const REPORT: BatchReport = {
  counts: { migrated: 3, alreadyScoped: 1, differs: 1, adopted: 0, missing: 2, skipped: 1 },
  failed: [{ key: 'K', reason: 'x' }],
  stuck: [{ key: 'S', reason: 'unreadable' }],
  differs: ['D'],
};

describe('migration metrics', () => {
  it('writes one EMF line per step with its step, outcome, latency and the batch counts', async () => {
    // Prepare
    const { step, lines } = measured(async () => REPORT);
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
        KeysAdopted: 0,
        KeysSkipped: 1,
        KeysFailed: 1,
        KeysStuck: 1,
      }),
    ]);
  });

  it('counts a step that throws as an error and rethrows', async () => {
    // Prepare
    const { step, lines } = measured(async () => {
      throw new Error('boom');
    });
    // Act
    const thrown = await step({ step: 'finish' }).catch((e: unknown) => e);
    // Assess
    expect([thrown instanceof Error, lines[0]?.step, lines[0]?.outcome]).toEqual([true, 'finish', 'error']);
  });

  it('never takes a dimension from an unknown step name', async () => {
    // Prepare
    const { step, lines } = measured(async () => ({}));
    // Act
    await step({ step: 'KEY_NAME_5e1f' });
    // Assess
    expect(lines[0]?.step).toBe('invalid');
  });

  it('writes on each line the document Powertools Metrics serializes for it', async () => {
    // Prepare
    const batch = measured(async () => REPORT);
    const other = measured(async () => ({ done: true }));
    const failing = measured(async () => {
      throw new Error('boom');
    });
    // Act
    await batch.step({ step: 'migrate', batch: [] });
    await other.step({ step: 'check' });
    await other.step(null);
    await failing.step({ step: 'discover' }).catch(() => undefined);
    // Assess
    const lines = [...batch.lines, ...other.lines, ...failing.lines];
    expect(lines.map((l) => l.step)).toEqual(['migrate', 'check', 'invalid', 'discover']);
    expect(lines).toEqual(lines.map(powertoolsDocument));
  });
});
