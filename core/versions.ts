/**
 * Which value of a secret to read besides the current one: `previous` (the value the last write
 * replaced) or a version id. A version id is never a key, so it cannot name another secret.
 */
import { InvalidBodyError } from './errors.js';

/** The word that names the previous version (Secrets Manager's `AWSPREVIOUS` stage). */
export const PREVIOUS_VERSION = 'previous';

/**
 * A version id as Secrets Manager makes them (a UUID, or the client request token of the write):
 * 32–64 characters; the broker accepts only URL-safe ones, so an id is one plain path segment.
 */
export const VERSION_ID_PATTERN = /^[A-Za-z0-9_-]{32,64}$/;

/** A version of a secret other than "the current one". */
export type SecretVersionRef = typeof PREVIOUS_VERSION | { readonly id: string };

/** Parses `previous` or a version id; anything else is 400 `invalid_body` (the text is not echoed). */
export function parseVersionRef(text: string): SecretVersionRef {
  if (text === PREVIOUS_VERSION) return PREVIOUS_VERSION;
  if (VERSION_ID_PATTERN.test(text)) return { id: text };
  throw new InvalidBodyError(
    `the version must be "${PREVIOUS_VERSION}" or a version id (32–64 characters of A-Z a-z 0-9 _ -)`,
  );
}
