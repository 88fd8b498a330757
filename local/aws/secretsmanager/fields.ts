import { invalidParameter, serializationError, validationError } from '../errors.js';
import { type Body, readObjectList, readString } from '../input.js';
import type { Tag } from '../store.js';

/** Secrets Manager's size limit for a secret value, in bytes. */
const MAX_SECRET_BYTES = 65_536;

/** A secret value as a request gives it: a string or base64 binary, never both. */
export interface SecretValueInput {
  readonly secretString: string | null;
  readonly secretBinary: string | null;
}

/** The request's SecretString or SecretBinary, checked; undefined when it has neither. */
export function readSecretValue(body: Body): SecretValueInput | undefined {
  const secretString = readString(body, 'SecretString');
  const secretBinary = readString(body, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (secretString !== undefined) {
    if (Buffer.byteLength(secretString, 'utf8') > MAX_SECRET_BYTES) {
      throw validationError(
        `Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SECRET_BYTES}`,
      );
    }
    return { secretString, secretBinary: null };
  }
  if (secretBinary !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(secretBinary) || secretBinary.length % 4 !== 0) {
      throw serializationError("'SecretBinary' must be base64");
    }
    if (Buffer.from(secretBinary, 'base64').length > MAX_SECRET_BYTES) {
      throw validationError(
        `Value at 'secretBinary' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SECRET_BYTES}`,
      );
    }
    return { secretString: null, secretBinary };
  }
  return undefined;
}

/** The request's ClientRequestToken, which becomes the id of the version it writes. */
export const readToken = (body: Body): string | undefined =>
  readString(body, 'ClientRequestToken', { min: 32, max: 64 });

/** The request's tag list in `field`, if it has one. */
export function readTags(body: Body, field: string): Tag[] | undefined {
  const list = readObjectList(body, field, { max: 50 });
  return list?.map((t) => ({
    Key: readString(t, 'Key', { required: true, min: 1, max: 128 }),
    Value: readString(t, 'Value', { max: 256 }) ?? '',
  }));
}
