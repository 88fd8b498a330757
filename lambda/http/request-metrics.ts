/**
 * The Embedded Metric Format part of the request lines. Powertools Metrics defines each function's
 * metric directive (namespace, dimension sets, metric names and units) once, when the handler is
 * built; every request then writes its values on its own audit line, so one line per request is
 * both the audit record and the EMF document. Calling Powertools for every request would cost
 * several microseconds each (stores, validation, a second serialization) on the hot path.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DIMENSION, LATENCY_METRIC, METRICS_NAMESPACE, REQUESTS_METRIC } from '../metric-names.js';

/** One function's EMF directive, ready to be written on each request line. */
export interface RequestMetrics {
  /** JSON text of `_aws.CloudWatchMetrics`. */
  readonly directive: string;
}

/** Dimension sets besides `service`: by route and outcome, and by outcome alone (what alarms use). */
const DIMENSION_SETS: readonly (readonly string[])[] = [
  [DIMENSION.route, DIMENSION.operation, DIMENSION.outcome],
  [DIMENSION.outcome],
];

/** The request metrics of the function `service`: `Requests` (count) and `Latency` (ms). */
export function requestMetrics(service: string): RequestMetrics {
  return { directive: JSON.stringify(directiveFor(service, DIMENSION_SETS)) };
}

/**
 * The `CloudWatchMetrics` array Powertools serializes for `sets` (each with `service` first). One
 * instance per set: Powertools warns whenever two dimension sets share a key (which EMF allows), so
 * the sets are serialized apart and joined into one directive here.
 */
function directiveFor(service: string, sets: readonly (readonly string[])[]) {
  const directives = sets.map((set) => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
    // Placeholder values: only the directive is kept; each request writes its own values.
    metrics.addDimensions(Object.fromEntries(set.map((name) => [name, name])));
    metrics.addMetric(REQUESTS_METRIC, MetricUnit.Count, 1);
    metrics.addMetric(LATENCY_METRIC, MetricUnit.Milliseconds, 0);
    const [directive] = metrics.serializeMetrics()._aws.CloudWatchMetrics;
    if (directive === undefined) throw new Error('Powertools Metrics serialized no directive');
    return directive;
  });
  const [first] = directives;
  if (first === undefined) throw new Error('no dimension set');
  return [{ ...first, Dimensions: directives.flatMap((d) => d.Dimensions) }];
}
