/**
 * Metrics of the migration function: each step invocation writes one EMF line, counted under its
 * step and outcome with its latency, and a batch adds how many keys it moved, adopted, skipped,
 * failed or left stuck. The line is the document Powertools Metrics serializes for the same
 * metrics (test/migration/metrics.test.ts holds the two equal), written as the API functions write
 * theirs (`emfLine` in lambda/http/request-metrics.ts): two constant directives and one line, for
 * loading Powertools cost the migration's every cold start some milliseconds.
 */
import type { BatchReport } from '../../core/index.js';
import {
  DIMENSION,
  LATENCY_METRIC,
  METRICS_NAMESPACE,
  REQUESTS_METRIC,
  SERVICE,
} from '../../core/metric-names.js';
import { type LogSink, stdoutSink } from '../http/audit-log.js';
import { emfLine } from '../http/request-metrics.js';

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

/** Metric of the keys a batch failed. */
const KEYS_FAILED_METRIC = 'KeysFailed';

/** Metric of the keys a batch found unable to move (left as they were). */
const KEYS_STUCK_METRIC = 'KeysStuck';

/** JSON text of `_aws.CloudWatchMetrics` for these metrics, by step and outcome. */
function directive(metrics: readonly (readonly [name: string, unit: 'Count' | 'Milliseconds'])[]): string {
  return JSON.stringify([
    {
      Namespace: METRICS_NAMESPACE,
      Dimensions: [[DIMENSION.service, DIMENSION.step, DIMENSION.outcome]],
      Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })),
    },
  ]);
}

const INVOCATION_METRICS = [
  [REQUESTS_METRIC, 'Count'],
  [LATENCY_METRIC, 'Milliseconds'],
] as const;

/** The directive of every invocation but a batch's. */
const STEP_DIRECTIVE = directive(INVOCATION_METRICS);

/** The directive of a batch: its key counts, then the invocation's own metrics. */
const BATCH_DIRECTIVE = directive([
  ...Object.values(KEY_METRICS).map((name) => [name, 'Count'] as const),
  [KEYS_FAILED_METRIC, 'Count'],
  [KEYS_STUCK_METRIC, 'Count'],
  ...INVOCATION_METRICS,
]);

/** Wraps the step dispatcher so every invocation, answered or thrown, writes its metrics line. */
export function withStepMetrics<R>(
  steps: (event: unknown) => Promise<R>,
  sink: LogSink = stdoutSink,
  now: () => number = () => performance.now(),
): (event: unknown) => Promise<R> {
  return async (event) => {
    const started = now();
    const named = (event as { step?: unknown } | null)?.step;
    const step = typeof named === 'string' && STEPS.has(named) ? named : 'invalid';
    let outcome = 'error';
    let counts: Record<string, number> | undefined;
    try {
      const result = await steps(event);
      outcome = 'ok';
      if (isBatchReport(result)) counts = batchCounts(result);
      return result;
    } finally {
      const fields = {
        [DIMENSION.service]: SERVICE.migration,
        [DIMENSION.step]: step,
        [DIMENSION.outcome]: outcome,
        ...counts,
        [REQUESTS_METRIC]: 1,
        [LATENCY_METRIC]: Math.round((now() - started) * 100) / 100,
      };
      sink(emfLine(counts === undefined ? STEP_DIRECTIVE : BATCH_DIRECTIVE, fields));
    }
  };
}

/** A batch's key counts by metric name, in the order of {@link BATCH_DIRECTIVE}. */
function batchCounts(report: BatchReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, metric] of Object.entries(KEY_METRICS))
    counts[metric] = report.counts[name as keyof BatchReport['counts']];
  counts[KEYS_FAILED_METRIC] = report.failed.length;
  counts[KEYS_STUCK_METRIC] = report.stuck.length;
  return counts;
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
