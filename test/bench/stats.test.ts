import { describe, expect, it } from 'vitest';
import { pairedRatio } from '../../bench/stats.js';

describe('pairedRatio', () => {
  it('compares each round with its own baseline, so a drift of the machine cancels', () => {
    // The machine slows by 30% in the last two rounds; within three of five rounds the bundle takes
    // 1.1×. The ratio of the two medians (140 / 100) would read the slow rounds as the bundle's.
    const baseline = [100, 100, 100, 130, 130];
    const times = [110, 140, 140, 143, 143];
    expect(pairedRatio(times, baseline)).toBe(1.1);
  });

  it('is the median of the per-round ratios, not their mean', () => {
    expect(pairedRatio([100, 120, 300], [100, 100, 100])).toBe(1.2);
  });
});
