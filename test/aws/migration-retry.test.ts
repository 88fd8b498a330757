/** The migration's retry strategy: throttling and transient errors retried with short jittered waits, nothing else. */
import { describe, expect, it, vi } from 'vitest';
import {
  MIGRATION_MAX_ATTEMPTS,
  migrationBackoffMs,
  migrationRetryStrategy,
} from '../../lambda/aws/migration-retry.js';

describe('the migration retry strategy', () => {
  it('retries throttling until the last attempt, then gives up', async () => {
    const waits: number[] = [];
    const strategy = migrationRetryStrategy(async (ms) => {
      waits.push(ms);
    });
    let token = await strategy.acquireInitialRetryToken('secretsmanager');
    for (let i = 1; i < MIGRATION_MAX_ATTEMPTS; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
      expect(token.getRetryCount()).toBe(i);
    }
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).rejects.toThrow();
    expect(waits).toHaveLength(MIGRATION_MAX_ATTEMPTS - 1);
  });

  it('keeps retrying under sustained throttling across many calls (no shared retry quota)', async () => {
    const strategy = migrationRetryStrategy(async () => {});
    for (let call = 0; call < 1_000; call++) {
      const token = await strategy.acquireInitialRetryToken('secretsmanager');
      await expect(
        strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' }),
      ).resolves.toBeDefined();
    }
  });

  it('does not retry a client error', async () => {
    const strategy = migrationRetryStrategy(async () => {});
    const token = await strategy.acquireInitialRetryToken('secretsmanager');
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'CLIENT_ERROR' })).rejects.toThrow();
  });

  it('waits between 0 and its cap, a cap that doubles with the attempt up to 500 ms', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      const ms = migrationBackoffMs(attempt);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(500, 40 * 2 ** attempt));
    }
    // Full jitter draws below the cap; pinned to the top of the draw, the cap itself shows.
    const random = vi.spyOn(Math, 'random').mockReturnValue(1);
    try {
      expect([1, 2, 3, 5, 6, 10].map(migrationBackoffMs)).toEqual([80, 160, 320, 500, 500, 500]);
    } finally {
      random.mockRestore();
    }
  });
});
