/**
 * The bench's `npm start` figure measures a real start: npm, tsx and the broker up to its first
 * answer, once here (the bench takes the median of three).
 */
import { describe, expect, it } from 'vitest';
import { measureNpmStart } from '../../bench/npm-start.js';

describe('npm start figure', () => {
  it('times one npm start to its first answer and reports it as npmStartMs', async () => {
    // Prepare
    process.env.BENCH_NPM_START_RUNS = '1';
    // Act
    const { figures, details } = await measureNpmStart(new URL('../../', import.meta.url));
    // Assess: more than the time to spawn node at all, less than the 60 s the wait allows
    expect(figures.npmStartMs).toBeGreaterThan(200);
    expect(figures.npmStartMs).toBeLessThan(60_000);
    expect(details?.[0]).toMatch(/^1 start\(s\), each on a fresh data directory: \d+ ms/);
  }, 90_000);
});
