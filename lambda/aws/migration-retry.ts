/**
 * The migration's retries. At the quota's edge a few calls of every second are throttled, for as
 * long as the job runs. The SDK's strategies were measured against that (bench/REPORT.md): the
 * adaptive one slows the whole client far below the quota; the standard ones wait up to seconds
 * (throttling base 500 ms) and, worse, draw on a retry quota that sustained throttling empties, after
 * which nothing is retried and whole batches fail. This strategy has no shared quota: each call
 * gets a bounded number of attempts with short exponential waits and full jitter.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/** Attempts of one call, the first included. */
export const MIGRATION_MAX_ATTEMPTS = 10;

/**
 * Longest wait before a retry. A quota's token bucket refills within a second: a call that sleeps
 * longer leaves that second's tokens unused once the other calls are done. Measured at the quota
 * with a 2 s cap, the stragglers of each listing page slept while the buckets filled and
 * overflowed, and the job reached about 0.85 of the quota-bound rate; with 500 ms, about 0.96 and
 * no token lost (bench/REPORT.md, `migrationQuotaFraction`).
 */
const MIGRATION_MAX_BACKOFF_MS = 500;

/** Full-jitter wait before retry `attempt` (1-based): up to 40 ms × 2^attempt, at most {@link MIGRATION_MAX_BACKOFF_MS}. */
export const migrationBackoffMs = (attempt: number): number =>
  Math.round(Math.random() * Math.min(MIGRATION_MAX_BACKOFF_MS, 40 * 2 ** attempt));

const token = (count: number): RetryToken & { getRetryDelay(): number } => ({
  getRetryCount: () => count,
  getRetryDelay: () => 0,
});

const RETRIED = new Set<RetryErrorInfo['errorType']>(['THROTTLING', 'TRANSIENT', 'SERVER_ERROR']);

/** The retry strategy of the migration's Secrets Manager client. */
export function migrationRetryStrategy(
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): RetryStrategyV2 {
  return {
    acquireInitialRetryToken: async () => token(0),
    async refreshRetryTokenForRetry(previous, errorInfo) {
      const next = previous.getRetryCount() + 1;
      if (!RETRIED.has(errorInfo.errorType) || next >= MIGRATION_MAX_ATTEMPTS)
        throw new Error('no retry left for this call');
      await sleep(migrationBackoffMs(next));
      return token(next);
    },
    recordSuccess: () => {},
  };
}
