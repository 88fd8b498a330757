/**
 * What `thv-broker migrate` drives: a backend that plans, starts and watches the legacy-key
 * migration, either on this machine (the synthesized state machine run locally against `npm
 * start`'s AWS endpoint) or in a deployed stack (Step Functions, Lambda and SSM). Reports carry
 * keys and counts only, never a value.
 */
import type { MigrationPlan, MigrationTotals } from './migration.js';

/** Progress of a running migration. */
export interface MigrationProgress {
  /** Keys listed so far. */
  readonly listed: number;
  /** Keys whose outcome is known (done, skipped or failed). */
  readonly processed: number;
  /** Keys that failed so far. */
  readonly failed: number;
  /** Total keys, when known (from a plan made first). */
  readonly total?: number;
}

/** One execution of the job, as `status` shows it. */
export interface ExecutionInfo {
  readonly name: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  /** Error name and cause of a failed execution (keys and reasons only). */
  readonly error?: string;
}

/** The outcome of `start`. */
export interface StartReport {
  /** Executions run or started. */
  readonly executions: readonly ExecutionInfo[];
  /** Final counts, when the job ran here to its end. */
  readonly totals?: MigrationTotals;
  /** True when the flag was already set and nothing ran. */
  readonly alreadyDone: boolean;
  /** True when the job ran to its end here (local); false when it was only started (deployed). */
  readonly finished: boolean;
}

/** The outcome of `status`. */
export interface StatusReport {
  /** The flag's value (`done …` with a summary), or undefined while the migration is pending. */
  readonly flag: string | undefined;
  /** Recent executions, newest first. */
  readonly executions: readonly ExecutionInfo[];
}

/** The three operations. */
export interface MigrationBackend {
  /** A dry run: what the migration would do; writes nothing. */
  plan(): Promise<{ plan: MigrationPlan; done: boolean }>;
  /** Runs (local) or starts (deployed) the job; `onProgress` is called as batches finish (local only). */
  start(options: { name?: string; onProgress?: (p: MigrationProgress) => void }): Promise<StartReport>;
  /** The flag and the recent executions. */
  status(): Promise<StatusReport>;
}

/** The settings a backend is built from (the `migrate` command's options). */
export interface BackendOptions {
  /** Local: the AWS endpoint of a running `npm start`. */
  readonly awsEndpoint?: string;
  /** Deployed: ARN of the job's state machine (stack output MigrationStateMachineArn). */
  readonly stateMachineArn?: string;
  /** Deployed: name of the job's function (stack output MigrationFunctionName), for `plan`. */
  readonly functionName?: string;
  /** The flag parameter (stack output MigrationFlagParameter). */
  readonly flagParameter?: string;
  /** AWS region of the deployed stack. */
  readonly region?: string;
  /** The CLI's environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Builds the local backend; supplied by the entry point (it needs the stack and the local runner). */
export type LocalBackendFactory = (options: BackendOptions) => Promise<MigrationBackend>;
