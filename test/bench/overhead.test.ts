/**
 * The handler-overhead section runs to the end against the endpoint process it starts: a section
 * that fails only marks its figures skipped in the report, so a broken measurement (the standalone
 * endpoint enforcing IAM on the bench's made-up role, say) would otherwise go unseen until a
 * whole `npm run bench`. A few rounds only: this checks that it measures, not what it measures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { measureOverhead } from '../../bench/overhead.js';

const saved = { get: process.env.BENCH_GET_ROUNDS, put: process.env.BENCH_PUT_ROUNDS };
afterEach(() => {
  for (const [name, value] of [
    ['BENCH_GET_ROUNDS', saved.get],
    ['BENCH_PUT_ROUNDS', saved.put],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe('bench overhead section', () => {
  it('measures every handler ratio against the direct call', async () => {
    // Prepare
    process.env.BENCH_GET_ROUNDS = '5';
    process.env.BENCH_PUT_ROUNDS = '5';
    // Act
    const section = await measureOverhead();
    // Assess
    for (const key of ['overheadRatioP50', 'scopeOverheadRatioP50'])
      expect(section.figures[key], key).toBeGreaterThan(0);
    expect(section.skipped ?? {}).toEqual({});
  }, 120_000);
});
