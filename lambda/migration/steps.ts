/**
 * The migration job's Lambda steps (docs/design.md §5), one function with one entry per Task state of the
 * state machine: `check` the execution's input, `discover` one listing page (and gather the last
 * page's reports), `migrate` one batch of bare keys, `finish` with the final pass and the flag.
 * The rules are the core's; this file only moves state between them and the store, and never
 * carries a value. Nothing an event hands a step is trusted: a batch is bare keys, each re-read
 * and re-planned; the flag is written only after the final pass lists the whole store afresh.
 */
import {
  AccessDeniedError,
  addPlan,
  addReport,
  type BatchReport,
  batchesOf,
  dryRun,
  EMPTY_TOTALS,
  failedBatchReport,
  finalPass,
  flagValue,
  isDoneFlag,
  itemKey,
  type LegacyPrefix,
  MAX_PAGE_SIZE,
  type MigrationPlan,
  type MigrationTotals,
  planPage,
  readerOf,
  reportOf,
  runBatch,
  type StoreForScope,
} from '../../core/index.js';
import {
  type Carry,
  type Continuation,
  DEFAULT_BATCH_SIZE,
  MAX_PASSES,
  parseStep,
} from '../../core/migration-events.js';

/** The migration flag, as the steps see it. */
export interface MigrationFlag {
  /** The parameter's value, or undefined when unset. */
  read(): Promise<string | undefined>;
  /** Writes the parameter. */
  write(value: string): Promise<void>;
}

/** What the steps are built from. */
export interface MigrationStepsDeps {
  /** The store for each scope (its system-secret policy names that scope's role); `undefined` serves bare keys. */
  readonly storeFor: StoreForScope;
  /** The legacy prefix table. */
  readonly legacyPrefixes: readonly LegacyPrefix[];
  /** The done-flag. */
  readonly flag: MigrationFlag;
  /**
   * Items per Map iteration.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Items in flight inside one batch.
   * @default 10
   */
  readonly itemConcurrency?: number;
  /** The clock, for the flag's summary. */
  readonly now?: () => Date;
}

/** Raised by `finish` when some key failed: the execution fails, the flag stays unset, a re-run finishes. */
export class MigrationIncompleteError extends Error {
  constructor(totals: MigrationTotals, detail = 'run the migration again') {
    const listed = totals.failedKeys.map((f) => `${f.key} (${f.reason})`).join(', ');
    const more =
      totals.failed > totals.failedKeys.length
        ? `, and ${totals.failed - totals.failedKeys.length} more`
        : '';
    super(`${totals.failed} key(s) failed; the flag is not set, ${detail}: ${listed}${more}`);
    this.name = 'MigrationIncompleteError';
  }
}

/**
 * Raised when the job's own role is refused where it always has rights (the flag, ListSecrets,
 * DescribeSecret under the root): on a first deploy IAM may not have applied the new role yet.
 * The state machine retries it with backoff for a few minutes, then fails with this message.
 */
class MigrationAccessDeniedError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      `the migration's role was refused ${what}; IAM can take minutes to apply a new role: re-run \`thv-broker migrate start\``,
      options,
    );
    this.name = 'MigrationAccessDeniedError';
  }
}

/** What a step answers. */
export type StepResult =
  | { readonly carry: Carry; readonly results: readonly BatchReport[] }
  | { readonly action: 'migrate'; readonly carry: Carry; readonly batches: string[][] }
  | {
      readonly action: 'continue';
      readonly carry: Carry;
      readonly nextName: string;
      readonly continuation: { readonly continuation: Continuation };
    }
  | { readonly action: 'finish'; readonly carry: Carry }
  | { readonly action: 'again'; readonly carry: Carry; readonly results: readonly BatchReport[] }
  | BatchReport
  | { readonly action: 'done'; readonly summary: MigrationTotals; readonly alreadyDone: boolean }
  | { readonly plan: MigrationPlan; readonly done: boolean };

/** Calls `run`; an AccessDeniedException (or the core's AccessDeniedError) becomes {@link MigrationAccessDeniedError}. */
async function asJobRole<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (error instanceof AccessDeniedError || name === 'AccessDeniedException')
      throw new MigrationAccessDeniedError(what, { cause: error });
    throw error;
  }
}

/** The steps as one dispatcher: the event names its step. */
export function createMigrationSteps(deps: MigrationStepsDeps): (event: unknown) => Promise<StepResult> {
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const itemConcurrency = deps.itemConcurrency ?? 10;
  const now = deps.now ?? (() => new Date());
  const table = deps.legacyPrefixes;
  // The dry run and the final pass get the read calls only: they cannot write by construction.
  const reader = readerOf(deps.storeFor(undefined));

  return async (raw) => {
    const event = parseStep(raw);
    switch (event.step) {
      case 'check': {
        // Reads the flag only to prove the role is in force (a first deploy may run before IAM applied it).
        await asJobRole('reading the migration flag', () => deps.flag.read());
        const given = event.input.continuation;
        const carry: Carry = given
          ? { ...given, pages: 0, complete: false }
          : {
              origin: event.executionName,
              generation: 1,
              pass: 1,
              pages: 0,
              complete: false,
              totals: EMPTY_TOTALS,
            };
        // An empty `results` list, so the first Discover's `$.results` path resolves.
        return { carry, results: [] };
      }
      case 'discover': {
        let totals: MigrationTotals = event.carry.totals;
        for (const report of event.results ?? []) totals = addReport(totals, report);
        const carry: Carry = { ...event.carry, totals };
        if (carry.complete) return { action: 'finish', carry };
        if (carry.pages >= event.maxPages) {
          // Before the history budget could be reached: a new execution goes on from the page token.
          const generation = carry.generation + 1;
          const { pages: _p, complete: _c, ...rest } = carry;
          return {
            action: 'continue',
            carry,
            nextName: `${carry.origin}-${generation}`,
            continuation: { continuation: { ...rest, generation } },
          };
        }
        const page = await asJobRole('listing secrets', () =>
          reader.listPage({ limit: MAX_PAGE_SIZE, ...(carry.next ? { next: carry.next } : {}) }),
        );
        const plan = planPage(page.items, table);
        const { next: _next, ...rest } = carry;
        return {
          action: 'migrate',
          carry: {
            ...rest,
            ...(page.next === undefined ? {} : { next: page.next }),
            pages: carry.pages + 1,
            complete: page.next === undefined,
            totals: addPlan(totals, plan, page.items.length),
          },
          // Keys only: each step re-reads and re-plans every key it is handed.
          batches: batchesOf(plan.items.map(itemKey), event.batchSize ?? batchSize),
        };
      }
      case 'migrate': {
        if (event.error !== undefined) return failedBatchReport(event.batch, event.error);
        const results = await runBatch(deps.storeFor, event.batch, table, itemConcurrency);
        // DescribeSecret under the root is always the role's: refused means IAM has not applied it yet.
        if (results.some((r) => r.reason === 'inspect: AccessDeniedError'))
          throw new MigrationAccessDeniedError('describing a secret');
        return reportOf(results);
      }
      case 'plan': {
        return { plan: await dryRun(reader, table), done: isDoneFlag(await deps.flag.read()) };
      }
      case 'finish': {
        const { totals } = event.carry;
        if (totals.failed > 0) throw new MigrationIncompleteError(totals);
        const final = await asJobRole('listing secrets', () => finalPass(reader, table));
        if (final.remaining > 0) {
          // Keys a pass could not see (paging while deleting, written meanwhile): go over it all again.
          if (event.carry.pass >= MAX_PASSES)
            throw new MigrationIncompleteError(
              totals,
              `${final.remaining} key(s) still to move after ${MAX_PASSES} passes (are they still being written?); run the migration again`,
            );
          const { next: _next, ...rest } = event.carry;
          return {
            action: 'again',
            carry: { ...rest, pass: event.carry.pass + 1, complete: false },
            results: [],
          };
        }
        const before = await asJobRole('reading the migration flag', () => deps.flag.read());
        const moved = totals.migrated + totals.alreadyScoped + totals.differs + totals.adopted;
        const value = flagValue(totals, final.stuck, now().toISOString());
        // A re-run that changed nothing leaves the flag as it was (no write, and no reopened window:
        // the flag is never unset once set).
        const unchanged = isDoneFlag(before) && moved === 0 && sameStuck(before, value);
        if (!unchanged) await asJobRole('writing the migration flag', () => deps.flag.write(value));
        return { action: 'done', summary: totals, alreadyDone: isDoneFlag(before) && moved === 0 };
      }
    }
  };
}

/** True when two flag values name the same stuck keys. */
function sameStuck(a: string | undefined, b: string): boolean {
  const stuckOf = (v: string | undefined): string => {
    try {
      return JSON.stringify(JSON.parse((v ?? '').slice(v?.indexOf('{') ?? 0)).stuckKeys ?? []);
    } catch {
      return '';
    }
  };
  return stuckOf(a) === stuckOf(b);
}
