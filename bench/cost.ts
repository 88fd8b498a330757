/**
 * What a deployed broker costs, computed rather than typed: the AWS calls each API route makes are
 * counted on a real local broker (its AWS endpoint logs one line per call), the function's own log
 * bytes per request are measured on its audit sink, the handler time comes from the overhead
 * section's figures, and the prices from bench/prices.json (list prices with their date and page).
 * `npm run bench` writes the figures to results.json and the table into bench/REPORT.md and
 * docs/deploy.md; `tsx bench/cost.ts` re-runs this section alone and rewrites the same blocks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BROKER_FUNCTION_MEMORY_MB } from '../lib/broker-function.js';
import { startBroker } from '../local/main.js';
import type { Section } from './report.js';

/** One price of prices.json. */
interface Price {
  readonly price: number;
  readonly source: string;
}

/** bench/prices.json. */
export interface Prices {
  readonly region: string;
  readonly checked: string;
  readonly apiGatewayRestPerMillion: Price;
  readonly lambdaArmPerGbSecond: Price;
  readonly lambdaPerMillionRequests: Price;
  readonly secretsManagerPerSecretMonth: Price;
  readonly secretsManagerPer10kCalls: Price;
  readonly kmsPerKeyMonth: Price;
  readonly kmsPer10kRequests: Price;
  readonly logsIngestionPerGb: Price;
  readonly logsStoragePerGbMonth: Price;
  readonly alarmPerMonth: Price;
  readonly assumptions: Readonly<
    Record<'awsCallMs' | 'platformLogBytes' | 'accessLogBytes' | 'handlerMs', { value: number }>
  >;
}

/** The routes priced, with the overhead figure that measures their handler time. */
const OPERATIONS = {
  userRead: { what: 'user read (GET /v1/secrets/{key})', overhead: 'userGetExtraUsP50' },
  userUpdate: { what: 'user write, existing key (PUT)', overhead: 'userPutExtraUsP50' },
  userCreate: { what: 'user write, new key (PUT)', overhead: 'userPutExtraUsP50' },
  scopeRead: { what: 'scope read (GET /v1/scopes/{scope}/secrets/{name})', overhead: 'scopeGetExtraUsP50' },
  scopeUpdate: { what: 'scope write, existing key (PUT)', overhead: 'scopePutExtraUsP50' },
  scopeCreate: { what: 'scope write, new key (PUT)', overhead: 'scopePutExtraUsP50' },
} as const;

/** A priced route. */
export type Operation = keyof typeof OPERATIONS;

/**
 * Secrets Manager operations that encrypt or decrypt a value: with a customer managed key each
 * one is a KMS request Secrets Manager makes on the caller's behalf, billed to the key's account.
 */
const KMS_OPERATIONS = new Set(['GetSecretValue', 'PutSecretValue', 'CreateSecret', 'BatchGetSecretValue']);

/** Alarms the stack creates (the reserved-key alarm); a template test holds the stack to it. */
export const BROKER_ALARMS = 1;

/** Default log retention of the stack, in months (logRetentionDays 365), for the storage column. */
const RETENTION_MONTHS = 12;

const PRICES_FILE = new URL('prices.json', import.meta.url);
const RESULTS_FILE = new URL('results.json', import.meta.url);
const REPORT_FILE = new URL('REPORT.md', import.meta.url);
const DOCS_FILE = new URL('../docs/deploy.md', import.meta.url);

/** Reads bench/prices.json. */
export const readPrices = (): Prices => JSON.parse(readFileSync(PRICES_FILE, 'utf8')) as Prices;

/** Figure keys of one operation's counts. */
const keys = (op: Operation) => ({
  secretsManager: `${op}SecretsManagerCalls`,
  kms: `${op}KmsRequests`,
  ssm: `${op}SsmCalls`,
  logBytes: `${op}FunctionLogBytes`,
});

/**
 * Counts the AWS calls and the function's log bytes of each route on a fresh local broker, in
 * steady state (each route run once first, so a cached flag read is not counted per request).
 */
async function countCalls(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-cost-'));
  const calls: string[] = [];
  let logBytes = 0;
  const broker = await startBroker({
    port: 0,
    awsPort: 0,
    dataDir,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    log: (line) => {
      logBytes += Buffer.byteLength(line) + 1;
    },
    // `secretsmanager.GetSecretValue 200 1ms`: the operation, then the status.
    awsLog: (line) => calls.push(line),
  });
  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${broker.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
  };
  let n = 0;
  const runs: Record<Operation, () => Promise<void>> = {
    userRead: () => request('GET', '/v1/secrets/cost-key'),
    userUpdate: () => request('PUT', '/v1/secrets/cost-key', { value: 'bench value' }),
    userCreate: () => request('PUT', `/v1/secrets/cost-new-${n++}`, { value: 'bench value' }),
    scopeRead: () => request('GET', '/v1/scopes/workloads/secrets/cost-key'),
    scopeUpdate: () => request('PUT', '/v1/scopes/workloads/secrets/cost-key', { value: 'bench value' }),
    scopeCreate: () =>
      request('PUT', `/v1/scopes/workloads/secrets/cost-new-${n++}`, { value: 'bench value' }),
  };
  const figures: Record<string, number> = {};
  try {
    await runs.userUpdate();
    await runs.scopeUpdate();
    for (const run of Object.values(runs)) await run(); // warm-up: caches filled, keys there
    for (const [op, run] of Object.entries(runs) as [Operation, () => Promise<void>][]) {
      calls.length = 0;
      logBytes = 0;
      await run();
      const k = keys(op);
      if (process.env.BENCH_COST_TRACE) process.stderr.write(`${op}: ${calls.join('; ')}\n`);
      const sm = calls
        .filter((c) => c.startsWith('secretsmanager.'))
        .map((c) => c.slice('secretsmanager.'.length).split(' '));
      figures[k.secretsManager] = sm.length;
      // A refused call (a write that finds no secret, 400) never reaches KMS.
      figures[k.kms] = sm.filter(
        ([name, status]) => KMS_OPERATIONS.has(name ?? '') && status === '200',
      ).length;
      figures[k.ssm] = calls.filter((c) => c.startsWith('AmazonSSM.')).length;
      figures[k.logBytes] = logBytes;
    }
  } finally {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}

/** Cost of one million requests of one route, by part, in USD. */
export interface RouteCost {
  readonly operation: Operation;
  readonly apiGateway: number;
  readonly lambda: number;
  readonly secretsManager: number;
  readonly kms: number;
  readonly logs: number;
  readonly total: number;
  /** Billed Lambda milliseconds of one request. */
  readonly lambdaMs: number;
}

/** Prices per million requests of every route, from results.json's figures and the prices. */
export function routeCosts(prices: Prices, results: Readonly<Record<string, unknown>>): RouteCost[] {
  const a = prices.assumptions;
  const num = (key: string): number | undefined => {
    const v = results[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  return (Object.keys(OPERATIONS) as Operation[]).map((operation) => {
    const k = keys(operation);
    const sm = num(k.secretsManager);
    const kms = num(k.kms);
    const ssm = num(k.ssm) ?? 0;
    const logBytes = num(k.logBytes);
    if (sm === undefined || kms === undefined || logBytes === undefined)
      throw new Error(`bench/results.json has no call counts for ${operation}: run \`tsx bench/cost.ts\``);
    const extraUs = num(OPERATIONS[operation].overhead);
    const handlerMs = extraUs === undefined ? a.handlerMs.value : extraUs / 1000;
    const lambdaMs = Math.ceil(handlerMs + (sm + ssm) * a.awsCallMs.value);
    const gbSeconds = (BROKER_FUNCTION_MEMORY_MB / 1024) * (lambdaMs / 1000);
    const million = 1_000_000;
    const apiGateway = prices.apiGatewayRestPerMillion.price;
    const lambda =
      prices.lambdaPerMillionRequests.price + gbSeconds * million * prices.lambdaArmPerGbSecond.price;
    const secretsManager = (sm * million * prices.secretsManagerPer10kCalls.price) / 10_000;
    const kmsCost = (kms * million * prices.kmsPer10kRequests.price) / 10_000;
    const bytes = logBytes + a.platformLogBytes.value + a.accessLogBytes.value;
    const logs = ((bytes * million) / 1024 ** 3) * prices.logsIngestionPerGb.price;
    const total = apiGateway + lambda + secretsManager + kmsCost + logs;
    return { operation, apiGateway, lambda, secretsManager, kms: kmsCost, logs, total, lambdaMs };
  });
}

const usd = (n: number): string => `$${n < 0.1 ? n.toFixed(3) : n.toFixed(2)}`;

/** The cost section as Markdown, between the markers the bench rewrites. */
export function costMarkdown(prices: Prices, results: Readonly<Record<string, unknown>>): string {
  const routes = routeCosts(prices, results);
  const calls = (op: Operation) => {
    const k = keys(op);
    return `${results[k.secretsManager]} SM, ${results[k.kms]} KMS`;
  };
  const logsGbPerMillion = (op: Operation) =>
    ((Number(results[keys(op).logBytes]) +
      prices.assumptions.platformLogBytes.value +
      prices.assumptions.accessLogBytes.value) *
      1_000_000) /
    1024 ** 3;
  const fixed = prices.kmsPerKeyMonth.price + BROKER_ALARMS * prices.alarmPerMonth.price;
  return [
    COST_BEGIN,
    `List prices of ${prices.region}, checked ${prices.checked} (bench/prices.json, each with its pricing page), no free tier.`,
    'Computed by `npm run bench` from the AWS calls each route makes on the local broker, the handler time',
    `it measured, ${BROKER_FUNCTION_MEMORY_MB} MB arm64 functions and ${prices.assumptions.awsCallMs.value} ms per AWS call in the region (an assumption, in prices.json).`,
    '',
    '| per million requests | AWS calls each | Lambda ms each | API Gateway | Lambda | Secrets Manager | KMS | logs | total |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...routes.map(
      (r) =>
        `| ${OPERATIONS[r.operation].what} | ${calls(r.operation)} | ${r.lambdaMs} | ${usd(r.apiGateway)} | ${usd(r.lambda)} | ${usd(r.secretsManager)} | ${usd(r.kms)} | ${usd(r.logs)} | **${usd(r.total)}** |`,
    ),
    '',
    `- **Per secret-month:** ${usd(prices.secretsManagerPerSecretMonth.price)} (Secrets Manager; user and system secrets alike, prorated by the hour).`,
    `- **Fixed per month:** ${usd(fixed)}: the KMS key (${usd(prices.kmsPerKeyMonth.price)}; each of its first two yearly rotations adds ${usd(prices.kmsPerKeyMonth.price)}) and ${BROKER_ALARMS} CloudWatch alarm (${usd(prices.alarmPerMonth.price)}). The tamper rule, the SNS topic and idle functions cost nothing; the CloudTrail trail the alarm needs is free for the first copy of management events.`,
    `- **Log storage:** about ${logsGbPerMillion('userRead').toFixed(2)} GB per million reads (function, Lambda and access-log lines), ${usd(prices.logsStoragePerGbMonth.price)} per GB-month as stored (compressed), kept ${RETENTION_MONTHS} months by default (\`logRetentionDays\`).`,
    '- Not included: data transfer out, the one-off migration (Step Functions transitions, one Lambda call per batch of keys), listings (one ListSecrets call per page, no KMS).',
    COST_END,
  ].join('\n');
}

/** Markers of the generated block in docs/deploy.md and bench/REPORT.md. */
export const COST_BEGIN =
  '<!-- cost:begin (generated by npm run bench from bench/prices.json and bench/results.json) -->';
export const COST_END = '<!-- cost:end -->';

/** `text` with the block between the markers replaced by `block`; throws when the markers are missing. */
export function replaceCostBlock(text: string, block: string): string {
  const start = text.indexOf(COST_BEGIN);
  const end = text.indexOf(COST_END);
  if (start < 0 || end < start)
    throw new Error('no cost block (<!-- cost:begin … --> … <!-- cost:end -->) to replace');
  return `${text.slice(0, start)}${block}${text.slice(end + COST_END.length)}`;
}

/** The bench section: the call counts as figures, the cost table as its Markdown. */
export async function measureCost(): Promise<Section> {
  const figures = await countCalls();
  const described: Record<string, string> = {};
  for (const [op, { what }] of Object.entries(OPERATIONS) as [Operation, { what: string }][]) {
    const k = keys(op);
    described[k.secretsManager] = `${what}: Secrets Manager calls per request`;
    described[k.kms] = `${what}: KMS requests Secrets Manager makes for it`;
    described[k.ssm] = `${what}: SSM calls per request (steady state)`;
    described[k.logBytes] = `${what}: bytes the function logs per request`;
  }
  return { figures, described };
}

/** Writes the cost block of the figures in `results` into REPORT.md and docs/deploy.md. */
export function writeCostBlocks(results: Readonly<Record<string, unknown>>): void {
  const block = costMarkdown(readPrices(), results);
  for (const file of [REPORT_FILE, DOCS_FILE]) {
    const text = readFileSync(file, 'utf8');
    const next = text.includes(COST_BEGIN)
      ? replaceCostBlock(text, block)
      : `${text.trimEnd()}\n\n## Cost\n\n${block}\n`;
    writeFileSync(file, next);
  }
}

/** `tsx bench/cost.ts`: this section alone, merged into results.json, both blocks rewritten. */
async function main(): Promise<void> {
  const { figures } = await measureCost();
  const results = {
    ...(JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>),
    ...figures,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeCostBlocks(results);
  console.log(`bench: cost figures written to ${fileURLToPath(RESULTS_FILE)}, REPORT.md and docs/deploy.md`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`bench cost failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
