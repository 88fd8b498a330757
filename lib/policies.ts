/**
 * IAM statement builders for the broker (DESIGN §3). Every name pattern is derived from the root
 * and the reserved prefix in `lambda/core`, never restated here.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { ArnFormat, Stack } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import {
  type LegacyPrefix,
  OWNER_TAG,
  RESERVED_PREFIX,
  SCOPE_TAG,
  scopePrefix,
  USER_OWNER,
} from '../lambda/core/index.js';

/**
 * What a scope function's adapter calls on its own secrets. TagResource is needed because
 * CreateSecret passes tags; RestoreSecret only for the explicit restore route (a set over a deleted
 * key recreates it), with DescribeSecret before it to tell a deleted secret from a live one and to
 * check its scope tag. Rotation and resource-policy reads are never called.
 */
export const SECRET_WRITE_ACTIONS: readonly string[] = [
  'secretsmanager:CreateSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:TagResource',
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
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
    new iam.PolicyStatement({
      sid: 'DenyUntaggedSecretsUnderRoot',
      effect: iam.Effect.DENY,
      // Until the migration has moved or adopted them, untagged keys under the root are legacy
      // system secrets under user-looking names (DESIGN §5). CreateSecret and the TagResource check
      // it implies run before the new secret has tags, so they are left to the allow statements.
      notActions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      resources: [secretArn(scope, `${root}*`)],
      conditions: { Null: { [`aws:ResourceTag/${OWNER_TAG}`]: 'true' } },
    }),
  ];
}

/**
 * The part of the guard only roles given `grantUserAccess` carry: no listing (ListSecrets and
 * BatchGetSecretValue take no resource, so a role with Secrets Manager rights elsewhere would see
 * every system secret's name, tags and description), and no tagging of an untagged key under the
 * root (which would adopt a legacy system secret as a user key). The user-API role lists itself.
 */
export function userRoleGuardStatements(scope: IConstruct, root: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenySecretListing',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'DenyTaggingUntaggedSecrets',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:TagResource'],
      resources: [secretArn(scope, `${root}*`)],
      conditions: { Null: { [`aws:ResourceTag/${OWNER_TAG}`]: 'true' } },
    }),
  ];
}

/**
 * What the user function does to a user secret that exists (DescribeSecret reads its tags, also
 * before a restore). A deleted secret keeps its tags, so RestoreSecret falls under the same
 * `thv:owner=user` condition: a deleted system or untagged secret stays out of reach.
 */
export const USER_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
];

/**
 * Grants the user function its secrets by tag (DESIGN §3): every action on an existing secret only
 * when it carries `thv:owner=user`, CreateSecret only with exactly that tag, so an untagged legacy
 * key and every system secret are out of reach in IAM itself.
 */
export function grantUserSecrets(grantee: iam.IGrantable, scope: IConstruct, root: string): iam.Grant[] {
  const resourceArns = [secretArn(scope, `${root}*`)];
  const requestTag = {
    StringEquals: { [`aws:RequestTag/${OWNER_TAG}`]: USER_OWNER },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [OWNER_TAG] },
  };
  return [
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...USER_SECRET_ACTIONS],
      resourceArns,
      conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_TAG}`]: USER_OWNER } },
    }),
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:CreateSecret'],
      resourceArns,
      conditions: requestTag,
    }),
    // CreateSecret with Tags is also authorized as TagResource (Secrets Manager API reference).
    // Tagging is allowed only where the tag is already there, so it can never adopt an untagged key.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:TagResource'],
      resourceArns,
      conditions: {
        StringEquals: {
          [`aws:RequestTag/${OWNER_TAG}`]: USER_OWNER,
          [`aws:ResourceTag/${OWNER_TAG}`]: USER_OWNER,
        },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [OWNER_TAG] },
      },
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

/**
 * Grants the legacy fallback's reads of bare keys (never writes): DescribeSecret to check the tags
 * first, GetSecretValue, and both only on untagged keys, never on one a user made.
 */
export function grantLegacyReads(
  grantee: iam.IGrantable,
  scope: IConstruct,
  namePatterns: readonly string[],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: namePatterns.map((p) => secretArn(scope, p)),
    conditions: { Null: { [`aws:ResourceTag/${OWNER_TAG}`]: 'true' } },
  });
}

/** Grants ListSecrets, which IAM cannot limit by resource; callers filter names themselves. */
export function grantListSecrets(grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:ListSecrets'], resourceArns: ['*'] });
}

/**
 * Grants BatchGetSecretValue, for the batch-read routes. AWS requires `Resource: "*"` for it: it
 * names no secret itself, and Secrets Manager authorizes each secret of the batch as a
 * GetSecretValue of the caller (API reference, "Required permissions"), so this role's own
 * GetSecretValue statements and the guard's denies (tag conditions, reserved prefix) still decide
 * every secret. The function only ever sends a SecretIdList (never Filters, which would also need
 * ListSecrets), of names its provider built.
 */
export function grantBatchGetSecretValue(grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:BatchGetSecretValue'],
    resourceArns: ['*'],
  });
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
    // ReEncryptFrom decrypts too: under another key the caller controls, the value would be theirs.
    actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
    resources: ['*'],
    conditions: {
      StringLike: { 'kms:EncryptionContext:SecretARN': secretArn(scope, namePattern) },
      ArnNotEquals: { 'aws:PrincipalArn': [...allowedPrincipalArns] },
    },
  });
}
