/**
 * IAM statement builders for the broker (DESIGN §3). Every name pattern is derived from the root
 * and the reserved prefix in `lambda/core`, never restated here.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { ArnFormat, Stack } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { SCOPE_TAG } from '../lambda/aws/secrets-manager-store.js';
import { type LegacyPrefix, RESERVED_PREFIX, scopePrefix } from '../lambda/core/index.js';

/**
 * What the Secrets Manager adapter calls on one secret. TagResource is needed because CreateSecret
 * passes tags; DescribeSecret, rotation and resource-policy reads are never called.
 */
export const SECRET_WRITE_ACTIONS: readonly string[] = [
  'secretsmanager:CreateSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:TagResource',
];

/** The ARN pattern of the secrets whose names match `namePattern` (IAM wildcards allowed). */
export function secretArn(scope: IConstruct, namePattern: string): string {
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: namePattern,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Every letter-case spelling of `text` (IAM's StringLike is case-sensitive and has no ignore-case form). */
function caseVariants(text: string): string[] {
  let variants = [''];
  for (const char of text) {
    const forms = [...new Set([char.toLowerCase(), char.toUpperCase()])];
    variants = variants.flatMap((head) => forms.map((form) => head + form));
  }
  return variants;
}

/** Name patterns of every spelling of `<root>__thv_*`, for the CreateSecret name deny. */
function reservedNamePatterns(root: string): string[] {
  return caseVariants(RESERVED_PREFIX).map((prefix) => `${root}${prefix}*`);
}

/**
 * The reserved-prefix guard (DESIGN §3) carried by the user-API role and by every role given
 * `grantUserAccess`: the denies hold whatever else the role is allowed.
 */
export function guardStatements(scope: IConstruct, root: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenySystemSecrets',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:*'],
      resources: [secretArn(scope, `${root}${RESERVED_PREFIX}*`)],
    }),
    new iam.PolicyStatement({
      sid: 'DenyCreateReservedNames',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:CreateSecret'],
      resources: ['*'],
      // Look-alike spellings (`__THV_`) are refused too: IAM matching is case-sensitive, the broker is not.
      conditions: { StringLike: { 'secretsmanager:Name': reservedNamePatterns(root) } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyScopeTaggedSecrets',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:*'],
      resources: ['*'],
      conditions: { Null: { [`aws:ResourceTag/${SCOPE_TAG}`]: 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyScopeTagging',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [SCOPE_TAG] } },
    }),
  ];
}

/** Name patterns a scope function may touch: its own system keys, plus legacy keys under `until-migrated`. */
export function scopeNamePatterns(
  root: string,
  scope: string,
  legacyPrefixes: readonly LegacyPrefix[] | undefined,
): { own: string; legacy: string[] } {
  return {
    own: `${root}${scopePrefix(scope)}*`,
    legacy: (legacyPrefixes ?? []).filter((row) => row.scope === scope).map((row) => `${root}${row.prefix}*`),
  };
}

/** Grants the adapter's secret actions on the secrets named by `namePatterns`. */
export function grantSecretWrites(
  grantee: iam.IGrantable,
  scope: IConstruct,
  namePatterns: readonly string[],
  extraActions: readonly string[] = [],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [...SECRET_WRITE_ACTIONS, ...extraActions],
    resourceArns: namePatterns.map((p) => secretArn(scope, p)),
  });
}

/** Grants reads only (the legacy fallback reads bare keys, never writes them). */
export function grantSecretReads(
  grantee: iam.IGrantable,
  scope: IConstruct,
  namePatterns: readonly string[],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: namePatterns.map((p) => secretArn(scope, p)),
  });
}

/** Grants ListSecrets, which IAM cannot limit by resource; callers filter names themselves. */
export function grantListSecrets(grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:ListSecrets'], resourceArns: ['*'] });
}

/**
 * Grants use of `key` only through Secrets Manager and only for secrets named by `namePatterns`
 * (Secrets Manager puts the secret ARN in the encryption context of every data key).
 */
export function grantKeyUseForSecrets(
  grantee: iam.IGrantable,
  scope: IConstruct,
  key: kms.IKey,
  namePatterns: readonly string[],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resourceArns: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:SecretARN': namePatterns.map((p) => secretArn(scope, p)) },
    },
  });
}

/**
 * Key-policy statement: nobody but `allowedPrincipalArns` may decrypt data keys of the secrets named
 * by `namePattern`, whatever their IAM policies say.
 */
export function keyDecryptDenyStatement(
  sid: string,
  scope: IConstruct,
  namePattern: string,
  allowedPrincipalArns: readonly string[],
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt'],
    resources: ['*'],
    conditions: {
      StringLike: { 'kms:EncryptionContext:SecretARN': secretArn(scope, namePattern) },
      ArnNotEquals: { 'aws:PrincipalArn': [...allowedPrincipalArns] },
    },
  });
}
