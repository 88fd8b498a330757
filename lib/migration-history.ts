/**
 * The migration's history budget (docs/design.md §5): a Standard execution holds at most 25,000 history
 * events, so one execution lists at most a fixed number of pages and then continues as a new one.
 * The page cap is derived from a worst-case count of the events one page can write, every retry
 * and catch of every state spent; the tests check this model against the events the real
 * definition writes in aws-local-stepfunctions.
 */

/** Step Functions' hard limit of history events in one Standard execution. */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * Events Step Functions writes per state, as its execution history shows them: a Task writes
 * Entered, Scheduled, Started, Succeeded (or Failed), Exited; each retry adds Failed, Scheduled,
 * Started; a Choice or Pass writes Entered and Exited; a Map writes Entered, Started, Succeeded,
 * Exited, and each iteration Started and Succeeded (or Failed) around its own states.
 */
const EVENTS = {
  task: 5,
  retry: 3,
  choice: 2,
  map: 4,
  mapIteration: 2,
  execution: 2,
} as const;

/** The shape of the migration state machine that drives its event count. */
export interface MigrationShape {
  /** Map iterations a page can have (batches per page). */
  readonly batchesPerPage: number;
  /** Most retries of the Lambda steps outside the Map (the service-error retrier). */
  readonly stepRetries: number;
  /** Most retries of one batch (every retrier of the batch task together). */
  readonly batchRetries: number;
  /**
   * Most passes over the listing in one job (each pass ends in a Finish step and its choice).
   * @default 1
   */
  readonly passes?: number;
}

/** Worst-case events of one page: discover, choice, and a Map whose every batch retries out and is caught. */
export function worstEventsPerPage(shape: MigrationShape): number {
  const step = EVENTS.task + EVENTS.retry * shape.stepRetries;
  const batch = EVENTS.task + EVENTS.retry * shape.batchRetries;
  const iteration = EVENTS.mapIteration + batch + step; // the catch runs one more Lambda step
  return step + EVENTS.choice + EVENTS.map + shape.batchesPerPage * iteration;
}

/** Worst-case events of an execution outside its pages: start, flag check, choice, continue or finish, end. */
export function worstFixedEvents(shape: MigrationShape): number {
  const step = EVENTS.task + EVENTS.retry * shape.stepRetries;
  // check, then the last discover and choice, then continue-as-new (or finish) + succeed; each
  // pass but the last ends in one more finish and its choice; every pass waits once (a Wait state
  // writes Entered and Exited, as a choice does).
  const passes = shape.passes ?? 1;
  return (
    EVENTS.execution +
    step +
    EVENTS.choice +
    step +
    EVENTS.choice +
    step +
    EVENTS.choice +
    (passes - 1) * (step + EVENTS.choice) +
    // The wait before each pass's final listing.
    passes * EVENTS.choice
  );
}

/**
 * Pages one execution may list so that, whatever happens, it stays under the limit with a
 * margin (10 %) for what the model does not see.
 */
export function maxPagesPerExecution(shape: MigrationShape, limit = HISTORY_EVENT_LIMIT): number {
  const usable = Math.floor(limit * 0.9) - worstFixedEvents(shape);
  return Math.max(1, Math.floor(usable / worstEventsPerPage(shape)));
}
