/**
 * The migration's per-key algorithm (docs/design.md §5). A step is handed bare keys only; each key is
 * re-read (exists? tags?) and re-planned from its name and the legacy table before anything is
 * written, so a crafted event can neither choose a target or scope nor adopt a legacy name.
 * Values are copied as stored (text or bytes) and compared byte for byte before a bare key goes.
 */
import { AccessDeniedError, ConflictError, SecretNotFoundError, ThrottledError } from './errors.js';
import { type PlannedMove, planKey, type SkipReason, type StuckReason } from './migration-plan.js';
import type { MigrationReader, MigrationStore, StoredValue } from './migration-port.js';
import { sameValue } from './migration-port.js';
import { type LegacyPrefix, OWNER_TAG, SCOPE_TAG, USER_OWNER } from './namespace.js';

/** What happened to one key. */
export type ItemOutcome =
  /** Written under its scoped key, read back equal, then the bare key force-deleted. */
  | 'migrated'
  /** The scoped key already held the same value: tag and policy repaired, the bare key force-deleted. */
  | 'alreadyScoped'
  /** The scoped key held another value: it wins, the bare key is deleted with its recovery window. */
  | 'differs'
  /** Tagged `thv:owner=user`. */
  | 'adopted'
  /** Gone before it was read (another run got there first). */
  | 'missing'
  /** Re-read and found to need no work (user, system, broker-tagged or invalid key). */
  | 'skipped'
  /** Cannot move; left exactly as it was and reported with its reason. */
  | 'stuck'
  /** Not done; the flag stays unset so a re-run finishes it. */
  | 'failed';

/** One key's result: never a value, only the key, the outcome and a reason. */
export interface ItemResult {
  /** The bare key. */
  readonly key: string;
  /** What happened. */
  readonly outcome: ItemOutcome;
  /** For failures: the step and the error's name; for stuck keys: the {@link StuckReason}. */
  readonly reason?: string;
}

/**
 * Raised when the store keeps throttling after the client's own retries: the whole batch is
 * handed back to Step Functions, whose Retry backs off and runs it again (every step is idempotent).
 */
export class MigrationThrottledError extends ThrottledError {}

/** A store call that failed for a reason other than absent or refused, labelled with its step. */
class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly failure: unknown,
  ) {
    super(step);
  }
}

const ABSENT = Symbol('absent');
const DENIED = Symbol('denied');

/** Runs a read: its answer, {@link ABSENT} for not found, {@link DENIED} for refused; else a {@link StepFailure}. */
async function attempt<T>(step: string, run: () => Promise<T>): Promise<T | typeof ABSENT | typeof DENIED> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SecretNotFoundError) return ABSENT;
    if (error instanceof AccessDeniedError) return DENIED;
    throw new StepFailure(step, error);
  }
}

/** What a move found, read-only: the bare value, and the scoped value when the scoped key exists. */
export type MoveState =
  | { readonly kind: 'ready'; readonly value: StoredValue; readonly scoped?: StoredValue }
  | { readonly kind: 'missing' }
  | { readonly kind: 'stuck'; readonly reason: StuckReason };

/** Reads what a move needs, writing nothing (the dry run's final check uses it too). */
export async function inspectMove(reader: MigrationReader, move: PlannedMove): Promise<MoveState> {
  const target = await attempt('check', () => reader.inspect(move.to));
  if (target === DENIED) return { kind: 'stuck', reason: 'target-unreadable' };
  if (target !== ABSENT && target.deleted) return { kind: 'stuck', reason: 'target-pending-deletion' };
  let scoped: StoredValue | undefined;
  if (target !== ABSENT) {
    const read = await attempt('check', () => reader.readValue(move.to));
    if (read === DENIED) return { kind: 'stuck', reason: 'target-unreadable' };
    if (read !== ABSENT) scoped = read;
  }
  const value = await attempt('read', () => reader.readValue(move.from));
  if (value === ABSENT) return { kind: 'missing' };
  if (value === DENIED) return { kind: 'stuck', reason: 'unreadable' };
  return scoped === undefined ? { kind: 'ready', value } : { kind: 'ready', value, scoped };
}

/** Deletes the bare key (with or without its recovery window); already gone is fine. */
async function deleteBare(store: MigrationStore, key: string, force: boolean): Promise<void> {
  try {
    await store.delete(key, { force });
  } catch (error) {
    if (!(error instanceof SecretNotFoundError)) throw new StepFailure('delete', error);
  }
}

/**
 * The scoped key exists: its value wins. Tag and policy are repaired first (a crash may have left
 * them off), then the bare key goes: at once when it held the same bytes, with its recovery
 * window when it differed, so the bare value stays restorable.
 */
async function settleOnScoped(
  store: MigrationStore,
  move: PlannedMove,
  value: StoredValue,
  scoped: StoredValue,
): Promise<ItemOutcome> {
  const same = sameValue(value, scoped);
  try {
    await store.tag(move.to, { [SCOPE_TAG]: move.scope });
    await store.protect(move.to);
  } catch (error) {
    throw new StepFailure('repair', error);
  }
  await deleteBare(store, move.from, same);
  return same ? 'alreadyScoped' : 'differs';
}

/** The error's name for a failure reason (never its message: a message could quote a value). */
function reasonOf(step: string, error: unknown): string {
  const name = error instanceof Error ? error.name : 'unknown error';
  return `${step}: ${name}`;
}

/** Throttling goes back to Step Functions' Retry; any other failure is this key's. */
function failure(key: string, error: unknown): ItemResult {
  const step = error instanceof StepFailure ? error.step : 'unknown';
  const cause = error instanceof StepFailure ? error.failure : error;
  if (cause instanceof ThrottledError) throw new MigrationThrottledError(`throttled at ${step}`, { cause });
  return { key, outcome: 'failed', reason: reasonOf(step, cause) };
}

/**
 * Moves one legacy key (the move comes from {@link planKey}, never from a caller):
 * 1. scoped key exists → scoped value wins: repair its tag and policy, delete the old key
 *    (forced when the bytes match, with the recovery window when they differ);
 * 2. any other error than not-found while checking → stop, write nothing;
 * 3. read old; missing → skip; refused (IAM or KMS) → stuck, untouched;
 * 4. write new as stored (text or bytes, scope tag and policy), read it back, compare bytes,
 *    then delete old. A scoped name held by a deleted secret → stuck, untouched.
 */
export async function migrateKey(store: MigrationStore, move: PlannedMove): Promise<ItemResult> {
  const key = move.from;
  try {
    const state = await inspectMove(store, move);
    if (state.kind !== 'ready') return { key, outcome: state.kind, ...stuckReason(state) };
    if (state.scoped !== undefined)
      return { key, outcome: await settleOnScoped(store, move, state.value, state.scoped) };
    try {
      await store.createValue(move.to, state.value, move.scope);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw new StepFailure('write', error);
      // Written meanwhile (another run, the scope itself) or held by a deleted secret: look again.
      const again = await inspectMove(store, move);
      if (again.kind !== 'ready') return { key, outcome: again.kind, ...stuckReason(again) };
      if (again.scoped === undefined) return { key, outcome: 'failed', reason: 'write: ConflictError' };
      return { key, outcome: await settleOnScoped(store, move, again.value, again.scoped) };
    }
    const back = await attempt('verify', () => store.readValue(move.to));
    if (back === ABSENT || back === DENIED || !sameValue(back, state.value))
      return { key, outcome: 'failed', reason: 'verify: read-back differs' };
    await deleteBare(store, move.from, true);
    return { key, outcome: 'migrated' };
  } catch (error) {
    return failure(key, error);
  }
}

const stuckReason = (state: MoveState): { reason?: string } =>
  state.kind === 'stuck' ? { reason: state.reason } : {};

/** Adopts one pre-broker user key: tagged `thv:owner=user`; its value is never read. */
export async function adoptKey(store: MigrationStore, key: string): Promise<ItemResult> {
  try {
    await store.tag(key, { [OWNER_TAG]: USER_OWNER });
    return { key, outcome: 'adopted' };
  } catch (error) {
    if (error instanceof SecretNotFoundError) return { key, outcome: 'missing' };
    return failure(key, new StepFailure('adopt', error));
  }
}

/** What the re-read of one bare key makes of it, before any write. */
export type KeyCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'skip'; readonly reason: SkipReason }
  | { readonly kind: 'stuck'; readonly reason: StuckReason }
  | { readonly kind: 'adopt' }
  | { readonly kind: 'move'; readonly move: PlannedMove };

/** Re-reads a bare key's tags and plans it by its name and the table alone. */
export async function checkKey(
  reader: MigrationReader,
  key: string,
  table: readonly LegacyPrefix[],
): Promise<KeyCheck> {
  const state = await attempt('inspect', () => reader.inspect(key));
  if (state === ABSENT || (state !== DENIED && state.deleted)) return { kind: 'missing' };
  if (state === DENIED) throw new StepFailure('inspect', new AccessDeniedError(key));
  const plan = planKey(key, state.tags, table);
  if (plan.kind === 'move') return { kind: 'move', move: plan };
  if (plan.kind === 'adopt') return { kind: 'adopt' };
  return plan.kind === 'skip' ? plan : { kind: 'stuck', reason: plan.reason };
}

/** The store for a scope's writes (its resource policy), or for bare keys when `scope` is undefined. */
export type StoreForScope = (scope: string | undefined) => MigrationStore;

/** Runs one bare key: re-read, re-planned, then moved, adopted or left. */
async function runKey(
  storeFor: StoreForScope,
  key: string,
  table: readonly LegacyPrefix[],
): Promise<ItemResult> {
  let check: KeyCheck;
  try {
    check = await checkKey(storeFor(undefined), key, table);
  } catch (error) {
    return failure(key, error);
  }
  switch (check.kind) {
    case 'missing':
      return { key, outcome: 'missing' };
    case 'skip':
      return { key, outcome: 'skipped' };
    case 'stuck':
      return { key, outcome: 'stuck', reason: check.reason };
    case 'adopt':
      return adoptKey(storeFor(undefined), key);
    case 'move': {
      let store: MigrationStore;
      try {
        store = storeFor(check.move.scope);
      } catch (error) {
        return failure(key, new StepFailure('scope', error));
      }
      return migrateKey(store, check.move);
    }
  }
}

/** Runs `keys` with at most `concurrency` in flight; results in input order. */
export async function runBatch(
  storeFor: StoreForScope,
  keys: readonly string[],
  table: readonly LegacyPrefix[],
  concurrency: number,
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(keys.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = nextIndex++;
      const key = keys[index];
      if (key === undefined) return;
      results[index] = await runKey(storeFor, key, table);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, keys.length)) }, worker));
  return results;
}
