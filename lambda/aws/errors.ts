/** Maps AWS SDK errors to the core's named errors, in one place for every adapter. */
import {
  AccessDeniedError,
  ConflictError,
  InvalidBodyError,
  SecretNotFoundError,
  ThrottledError,
} from '../../core/index.js';

/** The error name the SDK gives a service error (`name`, or `__type` on older shapes). */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; __type?: unknown };
  if (typeof e.name === 'string') return e.name;
  return typeof e.__type === 'string' ? e.__type : undefined;
}

/** True when Secrets Manager refused because the secret is scheduled for deletion. */
export function isScheduledForDeletion(error: unknown): boolean {
  return awsErrorName(error) === 'InvalidRequestException' && /delet/i.test(String((error as Error).message));
}

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'Throttling',
]);

/** True for any throttling error name Secrets Manager or SSM uses. */
function isThrottling(error: unknown): boolean {
  return THROTTLING.has(awsErrorName(error) ?? '');
}

/**
 * Turns an SDK error about `key` into a core error where one fits; anything else is returned
 * unchanged so the HTTP layer reports it as a generic internal error.
 */
export function mapSecretsManagerError(error: unknown, key: string): unknown {
  const name = awsErrorName(error);
  if (name === 'ResourceNotFoundException' || isScheduledForDeletion(error)) {
    return new SecretNotFoundError(key, { cause: error });
  }
  // The function's own role was refused (e.g. a key whose tags put it out of the role's reach):
  // the caller may not have that key, on a single read, a restore or a batch alike.
  if (name === 'AccessDeniedException') return new AccessDeniedError(key, { cause: error });
  if (isThrottling(error))
    return new ThrottledError('the secret store is throttling requests; retry later', { cause: error });
  if (name === 'ResourceExistsException') {
    return new ConflictError(
      'the secret changed concurrently, or the request token was reused for a different value',
      {
        cause: error,
      },
    );
  }
  if (name === 'InvalidNextTokenException')
    return new InvalidBodyError('the "next" token is invalid or expired', { cause: error });
  return error;
}

/** Runs one store call about `key`, its SDK errors mapped by {@link mapSecretsManagerError}. */
export async function mappingErrors<T>(key: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw mapSecretsManagerError(error, key);
  }
}
