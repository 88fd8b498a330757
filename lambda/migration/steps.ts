/**
 * The migration job's Lambda steps (DESIGN §5), one function with one entry per Task state of the
 * state machine: `check` the flag, `discover` one listing page (and gather the last page's
 * reports), `migrate` one batch, `finish` by writing the flag. The rules are the core's; this file
 * only moves state between them and the store, and never carries a value.
 */
import {
  addPlan,
  addReport,
  allRows,
  type BatchReport,
  batchesOf,
  EMPTY_TOTALS,
  failedBatchReport,
  flagValue,
  isDoneFlag,
  type LegacyPrefix,
  MAX_PAGE_SIZE,
  type MigrationItem,
  type MigrationPlan,
  type MigrationTotals,
  planAll,
  planPage,
  reportOf,
  runBatch,
  type SecretStore,
  type SecretSummary,
} from '../core/index.js';
import { type Carry, parseStep } from './events.js';

/** The migration flag, as the steps see it. */
export interface MigrationFlag {
  /** The parameter's value, or undefined when unset. */
  read(): Promise<string | undefined>;
  /** Writes the parameter. */
  write(value: string): Promise<void>;
}

/** What the steps are built from. */
export interface MigrationStepsDeps {
  /** The store for each scope (its system-secret policy names that scope's role); any serves bare keys. */
  readonly storeFor: (scope: string | undefined) => SecretStore;
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
  constructor(totals: MigrationTotals) {
    const listed = totals.failedKeys.map((f) => `${f.key} (${f.reason})`).join(', ');
    const more =
      totals.failed > totals.failedKeys.length
        ? `, and ${totals.failed - totals.failedKeys.length} more`
        : '';
    super(`${totals.failed} key(s) failed; the flag is not set, run the migration again: ${listed}${more}`);
    this.name = 'MigrationIncompleteError';
  }
}

/** Default items per batch. */
export const DEFAULT_BATCH_SIZE = 10;

/** What a step answers. */
export type StepResult =
  | { readonly done: boolean; readonly carry: Carry; readonly results: readonly BatchReport[] }
  | { readonly action: 'migrate'; readonly carry: Carry; readonly batches: MigrationItem[][] }
  | { readonly action: 'continue' | 'finish'; readonly carry: Carry }
  | BatchReport
  | { readonly summary: MigrationTotals }
  | { readonly plan: MigrationPlan; readonly done: boolean };

/** The steps as one dispatcher: the event names its step. */
export function createMigrationSteps(deps: MigrationStepsDeps): (event: unknown) => Promise<StepResult> {
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const itemConcurrency = deps.itemConcurrency ?? 10;
  const now = deps.now ?? (() => new Date());
  const bareStore = deps.storeFor(undefined);

  return async (raw) => {
    const event = parseStep(raw);
    switch (event.step) {
      case 'check': {
        const done = isDoneFlag(await deps.flag.read());
        // A continuation carries its predecessor's state; a first run starts one of its own.
        const given: Carry | undefined = event.input.carry;
        const carry: Carry = given
          ? { ...given, pages: 0 }
          : { origin: event.executionName, generation: 1, pages: 0, complete: false, totals: EMPTY_TOTALS };
        // An empty `results` list, so the first Discover's `$.results` path resolves.
        return { done, carry, results: [] };
      }
      case 'discover': {
        let totals: MigrationTotals = event.carry.totals;
        for (const report of event.results ?? []) totals = addReport(totals, report);
        const carry: Carry = { ...event.carry, totals };
        if (carry.complete) return { action: 'finish', carry };
        if (carry.pages >= event.maxPages) {
          // Before the history budget could be reached: a new execution goes on from the page token.
          const generation = carry.generation + 1;
          return {
            action: 'continue',
            carry: { ...carry, generation, nextName: `${carry.origin}-${generation}` },
          };
        }
        const page = await bareStore.listPage({
          limit: MAX_PAGE_SIZE,
          ...(carry.next ? { next: carry.next } : {}),
        });
        const plan = planPage(page.items, deps.legacyPrefixes);
        const { next: _next, nextName: _name, ...rest } = carry;
        return {
          action: 'migrate',
          carry: {
            ...rest,
            ...(page.next === undefined ? {} : { next: page.next }),
            pages: carry.pages + 1,
            complete: page.next === undefined,
            totals: addPlan(totals, plan, page.items.length),
          },
          batches: batchesOf(plan.items, event.batchSize ?? batchSize),
        };
      }
      case 'migrate': {
        if (event.error !== undefined) return failedBatchReport(event.batch, event.error);
        const storeOf = (item: MigrationItem) => deps.storeFor(item.kind === 'move' ? item.scope : undefined);
        return reportOf(await runBatch(storeOf, event.batch, itemConcurrency));
      }
      case 'plan': {
        const rows: SecretSummary[] = [];
        for await (const row of allRows(bareStore, { keep: () => true })) rows.push(row);
        return { plan: planAll(rows, deps.legacyPrefixes), done: isDoneFlag(await deps.flag.read()) };
      }
      case 'finish': {
        const { totals } = event.carry;
        if (totals.failed > 0) throw new MigrationIncompleteError(totals);
        await deps.flag.write(flagValue(totals, now().toISOString()));
        return { summary: totals };
      }
    }
  };
}
