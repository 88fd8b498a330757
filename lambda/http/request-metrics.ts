/**
 * The Embedded Metric Format part of the request lines: the directive (namespace, dimension sets,
 * metric names and units) that every API request line carries, so one line per request is both
 * the audit record and the EMF document. It is the document Powertools Metrics serializes for the
 * same metrics (a test pins them equal), written as a constant: loading Powertools in the API
 * functions would add milliseconds to every cold start, and calling it per request microseconds
 * to every request, for a directive that never changes.
 */
import { DIMENSION, LATENCY_METRIC, METRICS_NAMESPACE, REQUESTS_METRIC } from '../../core/metric-names.js';

/** The EMF directive of the API functions' request lines. */
export interface RequestMetrics {
  /** JSON text of `_aws.CloudWatchMetrics`. */
  readonly directive: string;
}

/**
 * Dimension sets of the request metrics, each after `service`: by route and outcome, and by
 * outcome alone (what alarms use: one metric for every route at once).
 */
export const REQUEST_DIMENSION_SETS: readonly (readonly string[])[] = [
  [DIMENSION.route, DIMENSION.operation, DIMENSION.outcome],
  [DIMENSION.outcome],
];

/** `Requests` (count) and `Latency` (ms) by {@link REQUEST_DIMENSION_SETS}, in the broker's namespace. */
export const REQUEST_METRICS: RequestMetrics = {
  directive: JSON.stringify([
    {
      Namespace: METRICS_NAMESPACE,
      Dimensions: REQUEST_DIMENSION_SETS.map((set) => [DIMENSION.service, ...set]),
      Metrics: [
        { Name: REQUESTS_METRIC, Unit: 'Count' },
        { Name: LATENCY_METRIC, Unit: 'Milliseconds' },
      ],
    },
  ]),
};

/**
 * One EMF line: the `_aws` block (now, and `directive` as its `CloudWatchMetrics`) followed by the
 * fields of `fields` (at least one), which hold the dimensions, the metrics and any metadata.
 */
export function emfLine(directive: string, fields: object): string {
  return `{"_aws":{"Timestamp":${Date.now()},"CloudWatchMetrics":${directive}},${JSON.stringify(fields).slice(1)}`;
}
