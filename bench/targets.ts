/**
 * What `npm run bench` measures, keyed as in bench/results.json, with the bound each figure must
 * keep. Each figure is a ratio to what a platform engineer would use instead, measured
 * in the same run, so a noisy machine moves both sides alike. Checked by the bench, never by tests.
 */

/** One figure of the report. */
export interface Target {
  /** What is measured, in one line. */
  readonly what: string;
  /** `max`: the figure must not exceed `bound`; `min`: it must reach it; `reported`: no bound, shown as measured. */
  readonly kind: 'max' | 'min' | 'reported';
  /** The bound of a `max` or `min` target. */
  readonly bound?: number;
  /** Unit shown with the figure. */
  readonly unit: string;
}

/** The figures of the report, by results.json key, in report order. */
export const TARGETS = {
  overheadRatioP50: {
    what: 'user handler (in process) vs the same SDK call made directly, p50, worst of GET and PUT',
    kind: 'max',
    bound: 1.1,
    unit: '×',
  },
  overheadRatioP99: {
    what: 'user handler vs the same SDK call made directly, p99, worst of GET and PUT',
    kind: 'reported',
    unit: '×',
  },
  scopeOverheadRatioP50: {
    what: 'scope handler (in process) vs the same SDK call made directly, p50, worst of GET and PUT',
    kind: 'max',
    bound: 1.1,
    unit: '×',
  },
  maxBundleKb: {
    what: 'largest Lambda bundle, built as the stack builds it (`@aws-sdk/*` external)',
    kind: 'max',
    bound: 150,
    unit: 'KB',
  },
  importRatio: {
    what: 'fresh-process import of the slowest Lambda bundle vs a bare Secrets-Manager-only handler, median over rounds of the ratio within a round',
    kind: 'max',
    bound: 1.25,
    unit: '×',
  },
  importRatioUser: {
    what: 'fresh `node` importing the user-API bundle vs a bare Secrets-Manager-only handler, median over rounds of the ratio within a round',
    kind: 'max',
    bound: 1.25,
    unit: '×',
  },
  importRatioScope: {
    what: 'fresh `node` importing the scope-API bundle vs the bare handler, median over rounds of the ratio within a round',
    kind: 'max',
    bound: 1.25,
    unit: '×',
  },
  listCallsRatio: {
    what: 'ListSecrets calls to list 100 user keys beside 10,000 system secrets vs without them',
    kind: 'max',
    bound: 1.2,
    unit: '×',
  },
  list10kSeconds: {
    what: 'listing all 10,000 user keys beside 10,000 system secrets through the local API',
    kind: 'reported',
    unit: 's',
  },
  npmStartMs: {
    what: '`npm start` from the command to its first answer (GET /v1/openapi.json), fresh data directory, median of 3',
    kind: 'reported',
    unit: 'ms',
  },
  iamGetRatioP50: {
    what: "GET /v1/secrets/{key} through the local API with the stack's IAM enforced vs `BROKER_IAM=off`, p50",
    kind: 'reported',
    unit: '×',
  },
  iamPutRatioP50: { what: 'the same for PUT (an update)', kind: 'reported', unit: '×' },
  httpRps1: {
    what: 'GET /v1/secrets/{key} through `npm start`, 1 connection',
    kind: 'reported',
    unit: 'req/s',
  },
  httpRps8: { what: 'the same, 8 connections', kind: 'reported', unit: 'req/s' },
  httpRps32: { what: 'the same, 32 connections', kind: 'reported', unit: 'req/s' },
  httpP99Ms32: { what: 'p99 latency at 32 connections', kind: 'reported', unit: 'ms' },
  httpRpsRatio32: {
    what: '`npm start` req/s at 32 connections vs a bare Node HTTP server answering the same JSON',
    kind: 'reported',
    unit: '×',
  },
  cliStartRatio: {
    what: '`thv-broker secret get K` (whole process) vs `aws secretsmanager get-secret-value`, median',
    kind: 'max',
    bound: 1.0,
    unit: '×',
  },
  batchGetRatio: {
    what: '20 keys in one batch-get request (as `thv-broker exec` reads them) vs 20 GET requests, user handler, 5 ms per AWS call, p50',
    kind: 'reported',
    unit: '×',
  },
  migrationKeysPerSecond: {
    what: 'legacy keys per second through the synthesized state machine, run locally, no quota, no latency',
    kind: 'reported',
    unit: 'keys/s',
  },
  migrationQuotaFraction: {
    what: 'keys per second at AWS’s quotas with 20 ms per call, as a share of the quota-bound limit (50 keys/s)',
    kind: 'min',
    bound: 0.9,
    unit: '×',
  },
  migrationVsSequential: {
    what: 'the job vs a sequential one-key-at-a-time loop (ToolHive’s algorithm), same quotas and latency',
    kind: 'min',
    bound: 4,
    unit: '×',
  },
} as const satisfies Record<string, Target>;

/** A key of {@link TARGETS}. */
export type TargetKey = keyof typeof TARGETS;
