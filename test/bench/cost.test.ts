/**
 * The cost table is generated, not typed: the block in docs/deploy.md and bench/REPORT.md is what
 * the computation gives for the committed prices and results, every price names its page, and the
 * arithmetic of one route is pinned by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BROKER_ALARMS,
  COST_BEGIN,
  COST_END,
  costMarkdown,
  type Prices,
  readPrices,
  replaceCostBlock,
  routeCosts,
} from '../../bench/cost.js';
import { synthBroker } from '../stack/support/synth.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const results = (): Record<string, unknown> =>
  JSON.parse(read('bench/results.json')) as Record<string, unknown>;
const block = (text: string): string =>
  text.slice(text.indexOf(COST_BEGIN), text.indexOf(COST_END) + COST_END.length);

describe('the cost table', () => {
  it('in docs/deploy.md is what the bench computes from the committed prices and results', () => {
    expect(block(read('docs/deploy.md'))).toBe(costMarkdown(readPrices(), results()));
  });

  it('in bench/REPORT.md is the same block', () => {
    expect(block(read('bench/REPORT.md'))).toBe(costMarkdown(readPrices(), results()));
  });

  it('prices every part of a read from its count: 1 Secrets Manager call and 1 KMS request', () => {
    // Prepare: round prices, and a measured handler time of 400 µs.
    const prices: Prices = {
      ...readPrices(),
      apiGatewayRestPerMillion: { price: 3.5, source: 'x' },
      lambdaPerMillionRequests: { price: 0.2, source: 'x' },
      lambdaArmPerGbSecond: { price: 0.00001, source: 'x' },
      secretsManagerPer10kCalls: { price: 0.05, source: 'x' },
      kmsPer10kRequests: { price: 0.03, source: 'x' },
      logsIngestionPerGb: { price: 0.5, source: 'x' },
      assumptions: {
        awsCallMs: { value: 15 },
        platformLogBytes: { value: 0 },
        accessLogBytes: { value: 0 },
        handlerMs: { value: 2 },
      },
    };
    const figures = {
      ...results(),
      userGetExtraUsP50: 400,
      userReadSecretsManagerCalls: 1,
      userReadKmsRequests: 1,
      userReadSsmCalls: 0,
      userReadFunctionLogBytes: 1024 ** 3 / 1_000_000,
    };
    // Act
    const read = routeCosts(prices, figures).find((r) => r.operation === 'userRead');
    // Assess: 16 ms billed at 256 MB; 1e6 × 1/10k × price for each call; 1 GB of logs.
    expect(read?.lambdaMs).toBe(16);
    expect(read?.lambda).toBeCloseTo(0.2 + 0.25 * 0.016 * 1e6 * 0.00001, 10);
    expect(read?.secretsManager).toBeCloseTo(5, 10);
    expect(read?.kms).toBeCloseTo(3, 10);
    expect(read?.logs).toBeCloseTo(0.5, 10);
    expect(read?.total).toBeCloseTo(3.5 + 0.24 + 5 + 3 + 0.5, 10);
  });

  it('refuses results without call counts, naming the command that measures them', () => {
    expect(() => routeCosts(readPrices(), {})).toThrow(
      /no call counts for userRead: run `tsx bench\/cost.ts`/,
    );
  });

  it('replaces only the marked block', () => {
    const text = `before\n${COST_BEGIN}\nold\n${COST_END}\nafter\n`;
    expect(replaceCostBlock(text, `${COST_BEGIN}\nnew\n${COST_END}`)).toBe(
      `before\n${COST_BEGIN}\nnew\n${COST_END}\nafter\n`,
    );
  });
});

describe('bench/prices.json', () => {
  it('has the date it was checked and a pricing page for every price', () => {
    const prices = readPrices() as unknown as Record<string, unknown>;
    expect(prices.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const entries = Object.entries(prices).filter(
      ([, v]) => typeof v === 'object' && v !== null && 'price' in v,
    );
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const [, v] of entries)
      expect((v as { source: string }).source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });
});

describe('the fixed part of the bill', () => {
  it('counts the alarms the stack really creates', () => {
    synthBroker().template.resourceCountIs('AWS::CloudWatch::Alarm', BROKER_ALARMS);
  });
});
