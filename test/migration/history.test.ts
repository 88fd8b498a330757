/**
 * The history budget (docs/design.md §5): measured with aws-local-stepfunctions' event log on the real
 * definition, converted to the events Step Functions itself writes, and held against the page cap
 * the stack puts in the definition, for any number of secrets up to 1,000,000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, MAX_PAGE_SIZE, MigrationThrottledError } from '../../core/index.js';
import { MAX_PASSES } from '../../core/migration-events.js';
import { MigrationIncompleteError } from '../../lambda/migration/steps.js';
import { migrationStepsFor } from '../../lambda/migration/wiring.js';
import {
  HISTORY_EVENT_LIMIT,
  type MigrationShape,
  maxPagesPerExecution,
  worstEventsPerPage,
  worstFixedEvents,
} from '../../lib/migration-history.js';
import type { AslDefinition } from '../../local/migration/definition.js';
import { type EventLog, type LocalExecution, runLocalMigration } from '../../local/migration/runner.js';
import { type MigrationRig, migrationRig, PRINCIPALS, synthesizedDefinition } from './support.js';

/** Step Functions history events for one aws-local-stepfunctions event (see lib/migration-history.ts). */
function awsEvents(event: EventLog): number {
  switch (event.type) {
    case 'StateEntered':
      return event.state.type === 'Task' ? 3 : event.state.type === 'Map' ? 2 : 1;
    case 'StateExited':
      return event.state.type === 'Task' || event.state.type === 'Map' ? 2 : 1;
    case 'StateFailed':
      return 2;
    case 'StateRetried':
      return 3;
    case 'StateCaught':
      return 0;
    default:
      return 1;
  }
}

type Retrier = { ErrorEquals: string[]; MaxAttempts?: number };
const retriesOf = (state: unknown): number =>
  ((state as { Retry?: Retrier[] }).Retry ?? []).reduce((n, r) => n + (r.MaxAttempts ?? 3), 0);

/** The shape the definition really has: batches per page from the steps' batch size, retries from its Retry fields. */
function shapeOf(definition: AslDefinition, batchSize: number): MigrationShape {
  const map = definition.States.MigrateBatches as { ItemProcessor: AslDefinition };
  return {
    batchesPerPage: Math.ceil(MAX_PAGE_SIZE / batchSize),
    stepRetries: Math.max(
      retriesOf(definition.States.Discover),
      retriesOf(definition.States.CheckFlag),
      retriesOf(definition.States.Finish),
      retriesOf(definition.States.ContinueAsNew),
      retriesOf(map.ItemProcessor.States.ReportFailedBatch),
    ),
    batchRetries: retriesOf(map.ItemProcessor.States.MigrateBatch),
    passes: MAX_PASSES,
  };
}

const definition = synthesizedDefinition();
const discoverParams = (definition.States.Discover as { Parameters: { maxPages: number; batchSize: number } })
  .Parameters;

describe('the history budget', () => {
  let rig: MigrationRig;
  let run: LocalExecution;

  beforeAll(async () => {
    rig = await migrationRig();
    for (let i = 0; i < 230; i++) await rig.seed(`BEARER_TOKEN_${String(i).padStart(3, '0')}`, `v${i}`);
    const steps = migrationStepsFor(rig.config, {
      secretsManager: rig.secretsManager,
      ssm: rig.ssm,
      principalsByScope: PRINCIPALS,
    });
    // Every batch is throttled once (a retry), and one batch fails for good (a catch).
    const seen = new Set<string>();
    const stepsWithTrouble = async (event: unknown) => {
      const e = event as { step: string; batch?: string[]; error?: string };
      if (e.step === 'migrate' && e.error === undefined) {
        const first = e.batch?.[0] ?? '';
        if (!seen.has(first)) {
          seen.add(first);
          throw new MigrationThrottledError('throttled (injected)');
        }
        if (first === 'BEARER_TOKEN_100') throw new Error('broken batch (injected)');
      }
      return steps(event);
    };
    [run] = (await runLocalMigration({
      definition,
      steps: stepsWithTrouble,
      executionName: 'history',
      retryIntervalMs: 0,
      waitMs: 0,
    })) as [LocalExecution];
  }, 120_000);
  afterAll(() => rig.close());

  it('writes no more events per page than the worst-case model, retries and catches included', () => {
    expect(run.status).toBe('FAILED');
    expect(run.error?.name).toBe(new MigrationIncompleteError({ ...EMPTY_TOTALS, failed: 1 }).name);
    const perPage: number[] = [];
    for (const event of run.events) {
      if (event.type === 'StateEntered' && event.state.name === 'Discover') perPage.push(0);
      if (perPage.length > 0) perPage[perPage.length - 1] = (perPage.at(-1) ?? 0) + awsEvents(event);
    }
    expect(perPage.length).toBeGreaterThanOrEqual(3);
    expect(run.events.some((e) => e.type === 'StateRetried')).toBe(true);
    expect(run.events.some((e) => e.type === 'StateCaught')).toBe(true);
    const worst = worstEventsPerPage(shapeOf(definition, discoverParams.batchSize));
    expect(Math.max(...perPage)).toBeLessThanOrEqual(worst);
  });

  it('puts the page cap of its own shape into the definition', () => {
    expect(discoverParams.maxPages).toBe(maxPagesPerExecution(shapeOf(definition, discoverParams.batchSize)));
  });

  it('keeps an execution that lists its full page cap under 25,000 events, at the worst case per page', () => {
    // However many secrets there are, an execution lists at most its cap of pages, then continues
    // as a new one (job.test.ts runs that continuation): the cap at the worst case is the bound.
    const shape = shapeOf(definition, discoverParams.batchSize);
    expect(discoverParams.batchSize).toBe(10);
    expect(worstFixedEvents(shape) + discoverParams.maxPages * worstEventsPerPage(shape)).toBeLessThanOrEqual(
      HISTORY_EVENT_LIMIT,
    );
  });

  it('would have failed with no page cap', () => {
    const shape = shapeOf(definition, discoverParams.batchSize);
    const pagesForAMillion = 1_000_000 / 100;
    expect(worstFixedEvents(shape) + pagesForAMillion * worstEventsPerPage(shape)).toBeGreaterThan(
      HISTORY_EVENT_LIMIT,
    );
  });
});
