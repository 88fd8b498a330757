/**
 * The API functions write their EMF directive as a constant; these tests hold each request line to
 * the document Powertools Metrics itself serializes for the same metrics, dimensions and metadata.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { DIMENSION } from '../../core/metric-names.js';
import { createUserApiHandler } from '../../lambda/http/index.js';
import { REQUEST_DIMENSION_SETS, REQUEST_METRICS } from '../../lambda/http/request-metrics.js';
import { oracleMetrics } from '../support/powertools.js';
import { fixture, secretEvent } from './events.js';

/** What Powertools Metrics publishes for one request with these dimension values, metrics and metadata. */
function powertoolsDocument(line: Record<string, unknown>): Record<string, unknown> {
  const { metrics, warnings } = oracleMetrics(String(line.service));
  const dimensionValue = (name: string) => String(line[name]);
  for (const set of REQUEST_DIMENSION_SETS)
    metrics.addDimensions(Object.fromEntries(set.map((name) => [name, dimensionValue(name)])));
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.addMetric('Latency', MetricUnit.Milliseconds, Number(line.latencyMs));
  const dimensionNames = new Set<string>([DIMENSION.service, ...REQUEST_DIMENSION_SETS.flat()]);
  for (const [key, value] of Object.entries(line)) {
    if (!['_aws', 'Requests', 'Latency', ...dimensionNames].includes(key))
      metrics.addMetadata(key, value as string);
  }
  metrics.setTimestamp((line._aws as { Timestamp: number }).Timestamp);
  // Powertools warns when dimension sets share a key, which EMF allows; nothing else may come up.
  expect(warnings.filter((w) => !/defined as both a dimension set and dimension set/.test(w))).toEqual([]);
  return metrics.serializeMetrics() as unknown as Record<string, unknown>;
}

describe('request metrics', () => {
  it('write on each request line the document Powertools Metrics serializes for it', async () => {
    // Prepare
    const { store, config, lines } = fixture();
    const handler = createUserApiHandler({ config, store, log: (l) => lines.push(l) });
    // Act
    await handler(secretEvent('PUT', 'K', { value: 'v' }));
    await handler(secretEvent('GET', '__thv_registry_X'));
    // Assess
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toEqual(parsed.map(powertoolsDocument));
  });

  it('name both dimension sets in one directive of the broker namespace', () => {
    // Assess
    expect(JSON.parse(REQUEST_METRICS.directive)).toEqual([
      {
        Namespace: 'ThvSecretBroker',
        Dimensions: [
          ['service', 'route', 'operation', 'outcome'],
          ['service', 'outcome'],
        ],
        Metrics: [
          { Name: 'Requests', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
        ],
      },
    ]);
  });
});
