/**
 * Runs the synthesized migration state machine on this machine with aws-local-stepfunctions: every
 * Task state is served by the real step handler (against whatever endpoint its clients point at),
 * and a `ContinueAsNew` request starts the next execution here, as Step Functions would there.
 */
import './polyfills.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { type AslDefinition, taskStateNames } from './definition.js';

/** One entry of aws-local-stepfunctions' event log (its type is not exported by name). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** Name of the Task state that starts the next execution. */
const CONTINUE_STATE = 'ContinueAsNew';

/** One execution's outcome. */
export interface LocalExecution {
  /** The execution's name. */
  readonly name: string;
  /** How it ended. */
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** The execution's output, when it succeeded. */
  readonly output?: unknown;
  /** The error name and cause, when it failed. */
  readonly error?: { readonly name: string; readonly cause: string };
  /** Every event aws-local-stepfunctions logged for it. */
  readonly events: EventLog[];
}

/** Options of {@link runLocalMigration}. */
export interface LocalRunOptions {
  /** The state machine definition (from {@link definitionFromTemplate}). */
  readonly definition: AslDefinition;
  /** The step handler that serves every Lambda Task state. */
  readonly steps: (event: unknown) => Promise<unknown>;
  /** Name of the first execution. */
  readonly executionName: string;
  /** Input of the first execution. */
  readonly input?: Record<string, unknown>;
  /**
   * Wait before each retry, in ms (the definition's backoff is for AWS; 0 in tests).
   * @default the definition's own intervals
   */
  readonly retryIntervalMs?: number;
  /**
   * Length of every Wait state, in ms (the definition's wait is for ListSecrets' lag on AWS; the
   * embedded endpoint does not lag, so 0 here).
   * @default the definition's own
   */
  readonly waitMs?: number;
  /** Called with each step's event and answer, for progress. */
  readonly onStep?: (event: unknown, result: unknown) => void;
  /**
   * Most executions to run in a row (a guard against a job that never ends).
   * @default 10_000
   */
  readonly maxExecutions?: number;
}

/** Thrown when the definition has a Task state that no local handler serves. */
export class UnservedTaskError extends Error {
  constructor(names: readonly string[]) {
    super(`Task state(s) without a local handler: ${names.join(', ')}`);
    this.name = 'UnservedTaskError';
  }
}

/** The Lambda Task states (served by the step handler) and the continuation state. */
function handlersFor(
  definition: AslDefinition,
  steps: LocalRunOptions['steps'],
  onStep: LocalRunOptions['onStep'],
  continueWith: (request: { Name: string; Input: string }) => void,
) {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of taskStateNames(definition)) {
    const state = findState(definition, name);
    const resource = String(state?.Resource ?? '');
    if (name === CONTINUE_STATE) {
      handlers[name] = async (input) => {
        continueWith(input as { Name: string; Input: string });
        return {
          ExecutionArn: `local:${(input as { Name: string }).Name}`,
          StartDate: new Date().toISOString(),
        };
      };
    } else if (resource.startsWith('arn:aws:lambda:')) {
      handlers[name] = async (input) => {
        const result = await steps(input);
        onStep?.(input, result);
        return result as never;
      };
    }
  }
  const unserved = taskStateNames(definition).filter((n) => !(n in handlers));
  if (unserved.length > 0) throw new UnservedTaskError(unserved);
  return handlers;
}

function findState(
  definition: Pick<AslDefinition, 'States'>,
  name: string,
): Record<string, unknown> | undefined {
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (stateName === name) return state;
    const inner = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    const found = inner ? findState(inner, name) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** Every state that has a Retry, for the retry-interval override. */
function retryingStates(definition: Pick<AslDefinition, 'States'>): string[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const inner = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    return [...(state.Retry ? [name] : []), ...(inner ? retryingStates(inner) : [])];
  });
}

/** Every Wait state, for the wait-time override. */
function waitStates(definition: Pick<AslDefinition, 'States'>): string[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const inner = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    return [...(state.Type === 'Wait' ? [name] : []), ...(inner ? waitStates(inner) : [])];
  });
}

/** Runs the job: the first execution, then each continuation it asks for, until one does not. */
export async function runLocalMigration(options: LocalRunOptions): Promise<LocalExecution[]> {
  const machine = new StateMachine(options.definition as never, {
    validationOptions: { checkArn: false },
  });
  const executions: LocalExecution[] = [];
  let name: string | undefined = options.executionName;
  let input: Record<string, unknown> = options.input ?? {};
  const limit = options.maxExecutions ?? 10_000;
  while (name !== undefined) {
    if (executions.length >= limit) throw new Error(`stopped after ${limit} executions`);
    let continuation: { Name: string; Input: string } | undefined;
    const handlers = handlersFor(options.definition, options.steps, options.onStep, (request) => {
      continuation = request;
    });
    const retryIntervalOverrides =
      options.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(
            retryingStates(options.definition).map((s) => [s, options.retryIntervalMs as number]),
          );
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        ...(retryIntervalOverrides === undefined ? {} : { retryIntervalOverrides }),
        ...(options.waitMs === undefined
          ? {}
          : {
              waitTimeOverrides: Object.fromEntries(
                waitStates(options.definition).map((s) => [s, options.waitMs as number]),
              ),
            }),
      },
      context: {
        Execution: {
          Name: name,
          Id: `local:${name}`,
          Input: input as never,
          StartTime: new Date().toISOString(),
        },
        StateMachine: { Id: 'local:legacy-migration', Name: 'legacy-migration' },
      },
    });
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const event of execution.eventLogs) events.push(event);
    })();
    let record: LocalExecution;
    try {
      const output = await execution.result;
      record = { name, status: 'SUCCEEDED', output, events };
    } catch (error) {
      record = { name, status: 'FAILED', error: errorOf(error), events };
    }
    await collecting;
    executions.push(record);
    const next = continuation as { Name: string; Input: string } | undefined;
    name = record.status === 'SUCCEEDED' && next !== undefined ? next.Name : undefined;
    input = next === undefined ? {} : (JSON.parse(next.Input) as Record<string, unknown>);
  }
  return executions;
}

/** The error name and cause of a failed execution, as Step Functions reports them. */
function errorOf(error: unknown): { name: string; cause: string } {
  const e = error as { name?: string; message?: string; cause?: unknown };
  const inner = e.cause as { name?: string; message?: string } | undefined;
  return {
    name: inner?.name ?? e.name ?? 'Error',
    cause: inner?.message ?? e.message ?? String(error),
  };
}
