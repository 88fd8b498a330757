/** Rules for secret values: size only; values are opaque and never logged. */
import { ValueTooLargeError } from './errors.js';
import { MAX_VALUE_BYTES } from './namespace.js';

/** Throws {@link ValueTooLargeError} when `value` is over Secrets Manager's byte limit. */
export function assertValueSize(value: string): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) throw new ValueTooLargeError(bytes, MAX_VALUE_BYTES);
}
