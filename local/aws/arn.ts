import { randomInt } from 'node:crypto';
import { invalidParameter, validationError } from './errors.js';

/** The account id every local ARN carries (the one emulators conventionally use). */
export const LOCAL_ACCOUNT = '000000000000';

/** The region used when none is configured. */
export const DEFAULT_REGION = 'us-east-1';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// AWS's rule for secret names; anything else is an InvalidParameterException, not a model error.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/** Builds a secret ARN: the name plus `-` and six random characters, as Secrets Manager does. */
export function newSecretArn(region: string, name: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i += 1) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return `${secretArnPrefix(region)}${name}-${suffix}`;
}

/** The part of every secret ARN in this region that comes before the name. */
export function secretArnPrefix(region: string): string {
  return `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT}:secret:`;
}

/** Checks a secret name against the service's length and character rules. */
export function validateSecretName(name: string): void {
  if (name.length < 1 || name.length > 512) {
    throw validationError(
      "Value at 'name' failed to satisfy constraint: Member must have length between 1 and 512",
    );
  }
  if (!SECRET_NAME.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
}

/** How a caller named a secret: by name, by full ARN, or by an ARN without its random suffix. */
export type SecretRef =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'arn'; readonly arn: string; readonly tail: string };

/**
 * Classifies a SecretId. An ARN of another region or account names no secret here, so it resolves
 * to a name that cannot exist rather than to a local secret with the same tail.
 */
export function parseSecretId(secretId: string, region: string): SecretRef {
  if (!secretId.startsWith('arn:')) return { kind: 'name', name: secretId };
  const prefix = secretArnPrefix(region);
  if (!secretId.startsWith(prefix)) return { kind: 'arn', arn: secretId, tail: '' };
  return { kind: 'arn', arn: secretId, tail: secretId.slice(prefix.length) };
}

/** Builds an SSM parameter ARN; a hierarchical name already starts with `/`. */
export function parameterArn(region: string, name: string): string {
  const path = name.startsWith('/') ? name : `/${name}`;
  return `arn:aws:ssm:${region}:${LOCAL_ACCOUNT}:parameter${path}`;
}
