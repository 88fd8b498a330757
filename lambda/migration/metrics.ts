/**
 * Metrics of the migration function (EMF through Powertools Metrics): each step invocation counts
 * under its step and outcome, with its latency, and a batch adds how many keys it moved, adopted,
 * skipped or failed. The job runs once per deployment, so its metrics go through Powertools' own
 * buffer and output, one EMF line per invocation.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BatchReport } from '../../core/index.js';
import {
  DIMENSION,
  LATENCY_METRIC,
  METRICS_NAMESPACE,
  REQUESTS_METRIC,
  SERVICE,
} from '../../core/metric-names.js';

/** Steps the state machine (and an operator's dry run) invoke; anything else counts as `invalid`. */
const STEPS = new Set(['check', 'discover', 'migrate', 'plan', 'finish']);

/** Keys per outcome of a batch, as metric names. */
const KEY_METRICS: Readonly<Record<keyof BatchReport['counts'], string>> = {
  migrated: 'KeysMigrated',
  alreadyScoped: 'KeysAlreadyScoped',
  differs: 'KeysDiffered',
  adopted: 'KeysAdopted',
  missing: 'KeysMissing',
  skipped: 'KeysSkipped',
};

/** Metric of the keys a batch found unable to move (left as they were). */
const KEYS_STUCK_METRIC = 'KeysStuck';

/** Metric of the keys a batch failed. */
const KEYS_FAILED_METRIC = 'KeysFailed';

/** The migration's metrics instance (namespace and `service` dimension of the broker). */
function migrationMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE.migration });
}

/** Wraps the step dispatcher so every invocation, answered or thrown, publishes its metrics. */
export function withStepMetrics<R>(
  steps: (event: unknown) => Promise<R>,
  metrics: Metrics = migrationMetrics(),
  now: () => number = () => performance.now(),
): (event: unknown) => Promise<R> {
  return async (event) => {
    const started = now();
    const named = (event as { step?: unknown } | null)?.step;
    const step = typeof named === 'string' && STEPS.has(named) ? named : 'invalid';
    let outcome = 'error';
    try {
      const result = await steps(event);
      outcome = 'ok';
      if (isBatchReport(result)) {
        for (const [name, metric] of Object.entries(KEY_METRICS))
          metrics.addMetric(metric, MetricUnit.Count, result.counts[name as keyof BatchReport['counts']]);
        metrics.addMetric(KEYS_FAILED_METRIC, MetricUnit.Count, result.failed.length);
        metrics.addMetric(KEYS_STUCK_METRIC, MetricUnit.Count, result.stuck.length);
      }
      return result;
    } finally {
      metrics.addDimensions({ [DIMENSION.step]: step, [DIMENSION.outcome]: outcome });
      metrics.addMetric(REQUESTS_METRIC, MetricUnit.Count, 1);
      metrics.addMetric(LATENCY_METRIC, MetricUnit.Milliseconds, Math.round((now() - started) * 100) / 100);
      metrics.publishStoredMetrics();
    }
  };
}

function isBatchReport(result: unknown): result is BatchReport {
  const r = result as Partial<BatchReport> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.counts === 'object' &&
    Array.isArray(r.failed) &&
    Array.isArray(r.stuck)
  );
}
