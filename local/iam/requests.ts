/**
 * What AWS authorizes for each Secrets Manager and SSM call (the "Required permissions" of each
 * operation in the API references): the IAM action, the resource, the request context, and the
 * calls Secrets Manager makes to KMS on the caller's behalf. Authorization comes before existence:
 * a secret that does not exist is judged by its name with no tags (docs/design.md §3).
 */
import { parameterArn, parseSecretId, secretArnPrefix } from '../aws/arn.js';
import { type Body, readString } from '../aws/input.js';
import type { SecretRow, Tag } from '../aws/store.js';
import type { PolicyDocument } from './template-policies.js';

/** One question put to IAM. */
export interface Check {
  /** IAM action. */
  readonly action: string;
  /** Resource ARN (or `*`) it is evaluated on. */
  readonly resource: string;
  /** The resource as the refusal names it (an existing secret's ARN, else the SecretId given; the key's ARN). */
  readonly shown: string;
  /** Request context. */
  readonly context: Readonly<Record<string, string | string[]>>;
  /** The resource's policy: the secret's, or the key's. */
  readonly resourcePolicy?: PolicyDocument;
  /** A KMS call's encryption context (`kms:EncryptionContext:<key>` → value). */
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

/** What the authorizer may look up: secrets as stored, and the stack's key. */
export interface Lookup {
  readonly region: string;
  /** The secret a SecretId names, if it exists. */
  secret(secretId: string): SecretRow | undefined;
  /** The version a read of `secret` would decrypt (VersionId, else the stage, else AWSCURRENT). */
  versionFor(secret: SecretRow, versionId?: string, stage?: string): string | undefined;
  /** ARN of the stack's KMS key. */
  readonly keyArn: string;
  /** The stack's key policy. */
  readonly keyPolicy: PolicyDocument;
}

/** Tags as `aws:ResourceTag/<key>` (or `aws:RequestTag/<key>`) context entries. */
function tagContext(prefix: string, tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [`${prefix}/${t.Key}`, t.Value]));
}

/** An optional string field, checked as the operation checks it (a wrong type is its SerializationException). */
const str = (body: Body, field: string): string | undefined => readString(body, field);

/**
 * The field that names the resource, required and checked as the operation checks it: AWS validates
 * a request before it authorizes it, so a missing or mistyped id is the operation's 400, not a refusal.
 */
const id = (body: Body, field: 'SecretId' | 'Name'): string =>
  readString(body, field, { required: true, min: 1, max: field === 'Name' ? 512 : 2048 });

function bodyTags(body: Body, field = 'Tags'): Tag[] {
  const raw = body[field];
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((t): t is { Key: string; Value?: unknown } => typeof t?.Key === 'string')
    .map((t) => ({ Key: t.Key, Value: typeof t.Value === 'string' ? t.Value : '' }));
}

/** The ARN IAM matches for a secret that may not exist: its own, else the name's ARN without suffix. */
function secretResource(lookup: Lookup, secretId: string, secret: SecretRow | undefined): string {
  if (secret !== undefined) return secret.arn;
  const ref = parseSecretId(secretId, lookup.region);
  return ref.kind === 'name' ? `${secretArnPrefix(lookup.region)}${ref.name}` : ref.arn;
}

/** True when `kmsKeyId` names the stack's key (by ARN or key id); the default key is AWS's own. */
function usesStackKey(lookup: Lookup, kmsKeyId: string | null | undefined): boolean {
  if (kmsKeyId === null || kmsKeyId === undefined) return false;
  return kmsKeyId === lookup.keyArn || kmsKeyId === lookup.keyArn.slice(lookup.keyArn.lastIndexOf('/') + 1);
}

/**
 * The KMS call Secrets Manager makes for the caller: encryption context `SecretARN` (and
 * `SecretVersionId`), `kms:ViaService`, judged by the key policy and the caller's identity policies.
 */
function kmsCheck(lookup: Lookup, action: string, secretArn: string, versionId: string | undefined): Check {
  return {
    action,
    resource: lookup.keyArn,
    shown: lookup.keyArn,
    context: { 'kms:ViaService': `secretsmanager.${lookup.region}.amazonaws.com` },
    encryptionContext: {
      'kms:EncryptionContext:SecretARN': secretArn,
      ...(versionId === undefined ? {} : { 'kms:EncryptionContext:SecretVersionId': versionId }),
    },
    resourcePolicy: lookup.keyPolicy,
  };
}

/** The checks of one call on an existing-or-not secret, with its tags (if it exists) as context. */
function onSecret(
  lookup: Lookup,
  action: string,
  secretId: string,
  extra: Readonly<Record<string, string | string[]>> = {},
  tags?: readonly Tag[],
): { check: Check; secret: SecretRow | undefined } {
  const secret = lookup.secret(secretId);
  const check: Check = {
    action,
    resource: secretResource(lookup, secretId, secret),
    // AWS names an existing secret by its ARN, a missing one as the caller named it.
    shown: secret?.arn ?? secretId,
    context: { ...tagContext('aws:ResourceTag', tags ?? secret?.tags ?? []), ...extra },
    ...(secret?.policy ? { resourcePolicy: JSON.parse(secret.policy) as PolicyDocument } : {}),
  };
  return { check, secret };
}

/** The checks of GetSecretValue on one secret (also each secret of a BatchGetSecretValue). */
export function getValueChecks(
  lookup: Lookup,
  secretId: string,
  versionId?: string,
  stage?: string,
): Check[] {
  const { check, secret } = onSecret(lookup, 'secretsmanager:GetSecretValue', secretId);
  if (secret === undefined || !usesStackKey(lookup, secret.kmsKeyId)) return [check];
  return [check, kmsCheck(lookup, 'kms:Decrypt', secret.arn, lookup.versionFor(secret, versionId, stage))];
}

function hasValue(body: Body): boolean {
  return body.SecretString !== undefined || body.SecretBinary !== undefined;
}

/** The checks of a Secrets Manager call, in the order AWS makes them. */
export function secretsManagerChecks(lookup: Lookup, operation: string, body: Body): Check[] {
  const action = `secretsmanager:${operation}`;
  const secretId =
    operation === 'ListSecrets' || operation === 'BatchGetSecretValue' || operation === 'CreateSecret'
      ? ''
      : id(body, 'SecretId');
  switch (operation) {
    case 'ListSecrets':
      return [{ action, resource: '*', shown: '*', context: {} }];
    case 'BatchGetSecretValue': {
      // "If you use filters, you must also have secretsmanager:ListSecrets" (Required permissions).
      const batch: Check = { action, resource: '*', shown: '*', context: {} };
      return body.Filters === undefined || body.Filters === null
        ? [batch]
        : [batch, { ...batch, action: 'secretsmanager:ListSecrets' }];
    }
    case 'GetSecretValue':
      return getValueChecks(lookup, secretId, str(body, 'VersionId'), str(body, 'VersionStage'));
    case 'CreateSecret': {
      const name = id(body, 'Name');
      const tags = bodyTags(body);
      // A create is judged with its tags as request tags and as the new secret's resource tags.
      const tagging =
        tags.length === 0
          ? {}
          : { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': tags.map((t) => t.Key) };
      const { check } = onSecret(lookup, action, name, { ...tagging, 'secretsmanager:Name': name }, tags);
      const checks = [check];
      // "To add tags … you also need secretsmanager:TagResource" (CreateSecret, Required permissions).
      if (tags.length > 0) checks.push({ ...check, action: 'secretsmanager:TagResource' });
      if (hasValue(body) && usesStackKey(lookup, str(body, 'KmsKeyId')))
        checks.push(kmsCheck(lookup, 'kms:GenerateDataKey', check.resource, str(body, 'ClientRequestToken')));
      return checks;
    }
    case 'PutSecretValue':
    case 'UpdateSecret': {
      const { check, secret } = onSecret(lookup, action, secretId);
      const key = str(body, 'KmsKeyId') ?? secret?.kmsKeyId;
      if (secret === undefined || !hasValue(body) || !usesStackKey(lookup, key)) return [check];
      return [check, kmsCheck(lookup, 'kms:GenerateDataKey', secret.arn, str(body, 'ClientRequestToken'))];
    }
    case 'TagResource': {
      const tags = bodyTags(body);
      const request = { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': tags.map((t) => t.Key) };
      return tagChecks(lookup, action, secretId, request, (now) => {
        const merged = new Map(now.map((t) => [t.Key, t]));
        for (const t of tags) merged.set(t.Key, t);
        return [...merged.values()];
      });
    }
    case 'UntagResource': {
      const keys = Array.isArray(body.TagKeys) ? body.TagKeys.filter((k) => typeof k === 'string') : [];
      return tagChecks(lookup, action, secretId, { 'aws:TagKeys': keys }, (now) =>
        now.filter((t) => !keys.includes(t.Key)),
      );
    }
    default:
      return [onSecret(lookup, action, secretId).check];
  }
}

/**
 * Tagging checks: the call as it is, then again with the tags it would leave, because "if the
 * completion of this operation would result in you losing your permissions for this secret, then
 * Secrets Manager blocks the operation" (TagResource, UntagResource).
 */
function tagChecks(
  lookup: Lookup,
  action: string,
  secretId: string,
  request: Readonly<Record<string, string | string[]>>,
  after: (tags: readonly Tag[]) => Tag[],
): Check[] {
  const { check, secret } = onSecret(lookup, action, secretId, request);
  if (secret === undefined) return [check];
  return [check, onSecret(lookup, action, secretId, request, after(secret.tags)).check];
}

/** The check of an SSM Parameter Store call: the action on the parameter's ARN. */
export function ssmChecks(lookup: Pick<Lookup, 'region'>, operation: string, body: Body): Check[] {
  const arn = parameterArn(lookup.region, readString(body, 'Name', { required: true, min: 1, max: 2048 }));
  return [{ action: `ssm:${operation}`, resource: arn, shown: arn, context: {} }];
}
