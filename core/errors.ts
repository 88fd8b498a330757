/**
 * Named errors of the broker's core. Messages are written for the caller: they say which key and
 * why, and never carry a secret value. The HTTP layer maps `code` to a status in one place.
 */
import type { SecretVersionRef } from './versions.js';

/** Every error code a caller can rely on (docs/design.md §4). */
export type BrokerErrorCode =
  | 'reserved_key'
  | 'invalid_key'
  | 'invalid_body'
  | 'not_found'
  | 'unknown_scope'
  | 'value_too_large'
  | 'conflict'
  | 'not_deleted'
  | 'access_denied'
  | 'throttled'
  | 'internal';

/** Base class of all errors the broker raises on purpose. */
export abstract class BrokerError extends Error {
  /** Stable, machine-readable error code. */
  abstract readonly code: BrokerErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Shows a key in a message without letting an arbitrary-length or control-laden string through. */
function describeKey(key: string): string {
  const printable = key.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > 80 ? `${printable.slice(0, 80)}…` : printable);
}

/** A user-facing path was asked to touch a key under the reserved system prefix. */
export class ReservedKeyError extends BrokerError {
  readonly code = 'reserved_key';
  constructor(
    readonly key: string,
    reason = 'is reserved for system secrets (prefix "__thv_", any case)',
  ) {
    super(`key ${describeKey(key)} ${reason}`);
  }
}

/**
 * A user path asked for a name the legacy prefix table maps to a scope while the migration is
 * pending: until then such a bare key is a system secret under a user-looking name (docs/design.md §5).
 */
export class PendingMigrationKeyError extends ReservedKeyError {
  constructor(key: string, scope: string) {
    super(
      key,
      `is held for the system scope "${scope}" until the legacy-key migration finishes (then it is an ordinary user key)`,
    );
  }
}

/** A key or scoped name breaks the key rules. */
export class InvalidKeyError extends BrokerError {
  readonly code = 'invalid_key';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`key ${describeKey(key)} is invalid: ${reason}`);
  }
}

/** A scope that this deployment (or this function) does not serve. */
export class UnknownScopeError extends BrokerError {
  readonly code = 'unknown_scope';
  constructor(readonly scope: string) {
    super(`scope ${describeKey(scope)} is not served here`);
  }
}

/** The secret does not exist (or is scheduled for deletion). */
export class SecretNotFoundError extends BrokerError {
  readonly code = 'not_found';
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`secret ${describeKey(key)} was not found`, options);
  }
}

/** A secret's version (the previous one, or one by id) that does not exist, or whose secret does not. */
export class VersionNotFoundError extends BrokerError {
  readonly code = 'not_found';
  constructor(
    readonly key: string,
    readonly version: SecretVersionRef,
    options?: { cause?: unknown },
  ) {
    // One message for both cases: Secrets Manager answers them with the same error.
    super(
      version === 'previous'
        ? `secret ${describeKey(key)} has no previous version (or does not exist)`
        : `secret ${describeKey(key)} has no version ${describeKey(version.id)} (or does not exist)`,
      options,
    );
  }
}

/** A restore of a secret that is not deleted: there is nothing to restore. */
export class NotDeletedError extends BrokerError {
  readonly code = 'not_deleted';
  constructor(readonly key: string) {
    super(`secret ${describeKey(key)} is not deleted; only a deleted secret can be restored`);
  }
}

/**
 * The store's IAM refused the broker's own role for a key (e.g. a batch read that names an
 * untagged key the user function may not read): the caller may not have it, whatever its name says.
 */
export class AccessDeniedError extends BrokerError {
  readonly code = 'access_denied';
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`access to secret ${describeKey(key)} is denied`, options);
  }
}

/** The value exceeds Secrets Manager's 65,536-byte limit. */
export class ValueTooLargeError extends BrokerError {
  readonly code = 'value_too_large';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`value is ${bytes} bytes; the limit is ${limit} bytes`);
  }
}

/** A request body or query that does not match the schema. */
export class InvalidBodyError extends BrokerError {
  readonly code = 'invalid_body';
}

/** A concurrent change won; the caller may retry. */
export class ConflictError extends BrokerError {
  readonly code = 'conflict';
}

/** The backing store throttled the request; the caller should back off and retry. */
export class ThrottledError extends BrokerError {
  readonly code = 'throttled';
}
