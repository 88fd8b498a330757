/**
 * The benchmark's own code, without timing anything: every bench module loads (no measurement
 * runs at import), and the report writer turns a fixed run into the documented results.json keys
 * and a REPORT.md with each target's verdict. Speed itself is only ever checked by `npm run bench`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BenchRun, renderReport, resultsJson, verdicts, writeReport } from '../../bench/report.js';
import { percentile } from '../../bench/stats.js';

const BENCH = new URL('../../bench/', import.meta.url);

// The keys of the bench's report table, as a script reading results.json expects them.
const ISSUE_KEYS = [
  'overheadRatioP50',
  'overheadRatioP99',
  'scopeOverheadRatioP50',
  'maxBundleKb',
  'importRatio',
  'listCallsRatio',
  'list10kSeconds',
  'httpRps1',
  'httpRps8',
  'httpRps32',
  'httpP99Ms32',
  'cliStartRatio',
];

const fixture = (): BenchRun => ({
  startedAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 120,
  environment: { machine: { cpu: '2 × test cpu' }, versions: { node: 'v20.0.0' } },
  sections: {
    overhead: {
      figures: {
        overheadRatioP50: 1.04,
        overheadRatioP99: 1.3,
        scopeOverheadRatioP50: 1.32,
        userGetRatioP50: 1.04,
      },
      described: { userGetRatioP50: 'user GET, p50' },
      notes: { scopeOverheadRatioP50: 'the scope PUT sends two calls' },
      details: ['userGet: handler p50 1.0 ms'],
    },
    bundles: { figures: { maxBundleKb: 113.1, importRatio: 1.1 } },
    listing: { figures: { listCallsRatio: 1, list10kSeconds: 2.5 } },
    http: {
      figures: { httpRps1: 1000, httpRps8: 2000, httpRps32: 2100, httpP99Ms32: 30, httpRpsRatio32: 0.07 },
    },
    cli: { figures: {}, skipped: { cliStartRatio: 'the AWS CLI (`aws`) is not installed on this machine' } },
    migration: { figures: {}, skipped: { migration: 'not measured yet' } },
  },
});

describe('bench modules', () => {
  it('all load: no module has an import or syntax error (a rejected import fails the test)', async () => {
    const files = readdirSync(BENCH).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('run.ts');

    await Promise.all(files.map((f) => import(pathToFileURL(join(BENCH.pathname, f)).href)));
  });

  it('measure the migration figures the report names, on a tiny store', async () => {
    process.env.BENCH_MIGRATION_KEYS = '12';
    process.env.BENCH_MIGRATION_QUOTA_KEYS = '12';
    process.env.BENCH_MIGRATION_SEQUENTIAL_KEYS = '3';
    const { migrationFigures } = await import('../../bench/migration.js');

    const { figures } = await migrationFigures();

    for (const key of ['migrationKeysPerSecond', 'migrationQuotaFraction', 'migrationVsSequential'] as const)
      expect(figures[key]).toBeGreaterThan(0);
    expect(figures.migrationQuotaLimit).toBe(50);
  }, 120_000);
});

describe('bench report', () => {
  it('writes every key of the issue table to results.json', () => {
    const json = resultsJson(fixture());

    expect(Object.keys(json)).toEqual(expect.arrayContaining(ISSUE_KEYS));
    expect(json.overheadRatioP50).toBe(1.04);
    expect(json.userGetRatioP50).toBe(1.04);
  });

  it('keeps results.json flat', () => {
    const values = Object.values(resultsJson(fixture()));

    expect(values.every((v) => v === null || typeof v === 'number' || typeof v === 'string')).toBe(true);
  });

  it('writes a skipped figure as null with its reason', () => {
    const json = resultsJson(fixture());

    expect(json.cliStartRatio).toBeNull();
    expect(json.cliStartRatioSkipped).toMatch(/AWS CLI/);
    expect(json.migration).toBeNull();
    expect(json.migrationSkipped).toBe('not measured yet');
  });

  it('judges each bounded target met or missed', () => {
    const byKey = Object.fromEntries(verdicts(fixture()).map((v) => [v.key, v]));

    expect(byKey.overheadRatioP50?.status).toBe('met');
    expect(byKey.scopeOverheadRatioP50?.status).toBe('missed');
    expect(byKey.scopeOverheadRatioP50?.margin).toBe('20.0% over the bound');
    expect(byKey.httpRps1?.status).toBe('reported');
    expect(byKey.cliStartRatio?.status).toBe('skipped');
  });

  it('says in REPORT.md by how much a target is missed, and why', () => {
    const report = renderReport(fixture());

    expect(report).toContain('## Missed targets, and why');
    expect(report).toMatch(
      /`scopeOverheadRatioP50`: 1\.320 × against ≤ 1\.1 × \(20\.0% over the bound\)\. the scope PUT sends two calls/,
    );
  });

  it('names the machine, the versions and the skipped figures in REPORT.md', () => {
    const report = renderReport(fixture());

    expect(report).toContain('- cpu: 2 × test cpu');
    expect(report).toContain('- node: v20.0.0');
    expect(report).toContain('skipped: the AWS CLI (`aws`) is not installed on this machine');
    expect(report).toContain('- `migration`: not measured yet');
  });

  it('writes both files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thv-bench-report-'));
    try {
      writeReport(pathToFileURL(`${dir}/`), fixture());

      expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).maxBundleKb).toBe(113.1);
      expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).toMatch(/^# Benchmark report/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);

    expect([percentile(samples, 50), percentile(samples, 99), percentile(samples, 100)]).toEqual([
      50, 99, 100,
    ]);
  });
});
