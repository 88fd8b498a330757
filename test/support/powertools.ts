/**
 * Powertools Metrics as the tests' EMF oracle: the functions write their metric lines by hand, and
 * the tests hold each line to the document Powertools serializes for the same content.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../core/metric-names.js';

/** A Metrics instance of the broker's namespace for `service`, its warnings collected, not printed. */
export function oracleMetrics(service: string): { metrics: Metrics; warnings: string[] } {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
  return { metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, logger }), warnings };
}
