/**
 * IAM statement builders for the broker (docs/design.md §3). Every name pattern is derived from the root
 * and the reserved prefix in `core`, never restated here.
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
} from '../core/index.js';

/**
 * What a scope function's adapter calls on its own secrets. TagResource is needed because
 * CreateSecret passes tags; RestoreSecret only for the explicit restore route (a set over a deleted
 * key recreates it), with DescribeSecret before it to tell a deleted secret from a live one and to
 * check its scope tag. Rotation and resource-policy reads are never called.
 */
const SECRET_WRITE_ACTIONS: readonly string[] = [
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

/** The ARN of the SSM parameter named `name` (absolute, e.g. `/stack/migration-done`). */
export function parameterArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: name.slice(1),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
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
 * The reserved-prefix guard (docs/design.md §3) carried by the user-API role and by every role given
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
    // No planting (docs/design.md §3): a secret created under the root without `thv:owner=user` would look
    // like a legacy system key to the migration and to the `until-migrated` fallback. A missing
    // request tag makes StringNotEquals true, so one statement covers "no tag" and "another value".
    new iam.PolicyStatement({
      sid: 'DenyUnownedCreatesUnderRoot',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:CreateSecret'],
      resources: [secretArn(scope, `${root}*`)],
      conditions: { StringNotEquals: { [`aws:RequestTag/${OWNER_TAG}`]: USER_OWNER } },
    }),
    // Nor by re-tagging: a user key that loses `thv:owner=user` (or gets another owner) would look
    // untagged or foreign to the migration and the fallback.
    new iam.PolicyStatement({
      sid: 'DenyOwnerTagRemoval',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:UntagResource'],
      resources: [secretArn(scope, `${root}*`)],
      conditions: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [OWNER_TAG] } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyOwnerTagChanges',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:TagResource'],
      resources: [secretArn(scope, `${root}*`)],
      conditions: {
        'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [OWNER_TAG] },
        StringNotEquals: { [`aws:RequestTag/${OWNER_TAG}`]: USER_OWNER },
      },
    }),
    new iam.PolicyStatement({
      sid: 'DenyUntaggedSecretsUnderRoot',
      effect: iam.Effect.DENY,
      // Until the migration has moved or adopted them, untagged keys under the root are legacy
      // system secrets under user-looking names (docs/design.md §5). CreateSecret and the TagResource check
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
 * every system secret's name, tags and description). The user-API role lists itself.
 */
export function userRoleGuardStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenySecretListing',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'],
      resources: ['*'],
    }),
  ];
}

/**
 * No adoption by a caller: tagging an untagged key under the root would turn a legacy system
 * secret into a user key its tagger can then read. Not part of the guard, because the user-API
 * role's own CreateSecret with tags is also authorized as a TagResource of a secret that has no
 * tags yet; so it goes with the perimeter, which every role given user or scope access carries.
 */
function adoptionDenyStatement(scope: IConstruct, root: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyTaggingUntaggedSecrets',
    effect: iam.Effect.DENY,
    actions: ['secretsmanager:TagResource'],
    resources: [secretArn(scope, `${root}*`)],
    conditions: { Null: { [`aws:ResourceTag/${OWNER_TAG}`]: 'true' } },
  });
}

/**
 * What the user function does to a user secret that exists (DescribeSecret reads its tags, also
 * before a restore). A deleted secret keeps its tags, so RestoreSecret falls under the same
 * `thv:owner=user` condition: a deleted system or untagged secret stays out of reach.
 */
const USER_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
];

/**
 * Grants the user function its secrets by tag (docs/design.md §3): every action on an existing secret only
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
 * Use of `key` only through Secrets Manager and only for secrets named by `namePatterns` (Secrets
 * Manager puts the secret ARN in the encryption context of every data key).
 */
function keyUseStatement(
  scope: IConstruct,
  key: kms.IKey,
  namePatterns: readonly string[],
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:SecretARN': namePatterns.map((p) => secretArn(scope, p)) },
    },
  });
}

/** Grants {@link keyUseStatement}. */
export function grantKeyUseForSecrets(
  grantee: iam.IGrantable,
  scope: IConstruct,
  key: kms.IKey,
  namePatterns: readonly string[],
): iam.Grant {
  const use = keyUseStatement(scope, key, namePatterns);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: use.actions,
    resourceArns: use.resources,
    conditions: use.conditions,
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

/** What the perimeter denies around the API: the broker's own resources, by ARN (docs/design.md §3). */
export interface BrokerPerimeter {
  /** The broker's name root. */
  readonly root: string;
  /** ARN of every broker function (the API's, the migration's and its starter's). */
  readonly functionArns: readonly string[];
  /** ARN of the migration state machine. */
  readonly stateMachineArn: string;
  /** ARN pattern of the state machine's executions (`…:execution:<name>:*`). */
  readonly executionArns: string;
  /** ARN of the migration's flag parameter. */
  readonly flagParameterArn: string;
  /** ARN of the broker's KMS key, when the stack owns it (a key passed in may serve others too). */
  readonly keyArn?: string;
  /** ARN of every role that runs broker code (functions, state machine). */
  readonly roleArns: readonly string[];
}

/** Flag reads: harmless (the flag says "done" and counts), and what `migrate status` shows. */
const FLAG_READ_ACTIONS = [
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParameterHistory',
  'ssm:DescribeParameters',
  'ssm:ListTagsForResource',
];

/** The KMS calls Secrets Manager makes with its caller's identity on a secret's data key. */
const KEY_USE_VIA_SECRETS_MANAGER = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * Denies around the API (docs/design.md §3, "The threat model is the account, not the API"), for every
 * role given user or scope access: in one account an identity allow suffices to invoke a function,
 * start an execution or write a parameter, whatever its resource policy says, so these denies are
 * what keeps a role with `lambda:*`, `states:*`, `ssm:*`, `kms:*` or `iam:PassRole` from elsewhere
 * out of the broker's functions, its migration, its flag, its key and its roles.
 */
export function perimeterStatements(scope: IConstruct, perimeter: BrokerPerimeter): iam.PolicyStatement[] {
  const region = Stack.of(scope).region;
  return [
    adoptionDenyStatement(scope, perimeter.root),
    new iam.PolicyStatement({
      sid: 'DenyBrokerFunctions',
      effect: iam.Effect.DENY,
      actions: ['lambda:*'],
      // `:*` adds every version and alias of each function.
      resources: perimeter.functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    }),
    new iam.PolicyStatement({
      sid: 'DenyMigrationStateMachine',
      effect: iam.Effect.DENY,
      actions: ['states:*'],
      resources: [perimeter.stateMachineArn, `${perimeter.stateMachineArn}:*`, perimeter.executionArns],
    }),
    new iam.PolicyStatement({
      sid: 'DenyMigrationFlagChanges',
      effect: iam.Effect.DENY,
      notActions: FLAG_READ_ACTIONS,
      resources: [perimeter.flagParameterArn],
    }),
    new iam.PolicyStatement({
      sid: 'DenyBrokerRoles',
      effect: iam.Effect.DENY,
      // PassRole would hand a function of the caller's own the broker's rights; the rest would rewrite them.
      actions: ['iam:*'],
      resources: [...perimeter.roleArns],
    }),
    ...(perimeter.keyArn === undefined
      ? []
      : [
          new iam.PolicyStatement({
            sid: 'DenyKeyChanges',
            effect: iam.Effect.DENY,
            // Grants, key policy, deletion, disabling, direct encryption: none is a caller's business.
            notActions: [...KEY_USE_VIA_SECRETS_MANAGER, 'kms:DescribeKey'],
            resources: [perimeter.keyArn],
          }),
          new iam.PolicyStatement({
            sid: 'DenyKeyUseOutsideSecretsManager',
            effect: iam.Effect.DENY,
            actions: KEY_USE_VIA_SECRETS_MANAGER,
            resources: [perimeter.keyArn],
            // A request without kms:ViaService (a direct call) makes StringNotEquals true: denied too.
            conditions: { StringNotEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
          }),
        ]),
  ];
}

/**
 * Grants a migration operator what `thv-broker migrate plan|start|status` calls (cli/migration-aws.ts):
 * invoke of the job's function (plan), start, list and describe of its executions, the flag read.
 */
export function grantMigrationOperation(
  grantee: iam.IGrantable,
  job: { readonly functionArn: string; readonly stateMachineArn: string; readonly executionArns: string },
  flagParameterArn: string,
): iam.Grant[] {
  return [
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [job.functionArn],
    }),
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution', 'states:ListExecutions'],
      resourceArns: [job.stateMachineArn],
    }),
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:DescribeExecution'],
      resourceArns: [job.executionArns],
    }),
    iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter'], resourceArns: [flagParameterArn] }),
  ];
}

/** Names the migration touches, from the legacy table (docs/design.md §5). */
export interface MigrationNamePatterns {
  /** `<root><prefix>*` of every row: the bare legacy keys. */
  readonly legacy: readonly string[];
  /** `<root>__thv_<scope>_<prefix>*` of every row, grouped by the row's scope. */
  readonly scopedByScope: ReadonlyMap<string, readonly string[]>;
}

/** The name patterns the migration role reads, writes and deletes, for the legacy table `rows`. */
export function migrationNamePatterns(root: string, rows: readonly LegacyPrefix[]): MigrationNamePatterns {
  const scopedByScope = new Map<string, string[]>();
  for (const row of rows) {
    const names = scopedByScope.get(row.scope) ?? [];
    const name = `${root}${scopePrefix(row.scope)}${row.prefix}*`;
    if (!names.includes(name)) names.push(name);
    scopedByScope.set(row.scope, names);
  }
  return { legacy: [...new Set(rows.map((row) => `${root}${row.prefix}*`))], scopedByScope };
}

/** What the migration role's statements are built from. */
export interface MigrationJobAccess {
  /** The broker's name root. */
  readonly root: string;
  /** The names of the legacy table ({@link migrationNamePatterns}). */
  readonly patterns: MigrationNamePatterns;
  /** KMS key of the broker's secrets. */
  readonly key: kms.IKey;
  /** ARN of the migration's flag parameter. */
  readonly flagParameterArn: string;
}

/**
 * The migration role's statements, narrowed to the legacy table: read and delete only the untagged
 * bare keys of its prefixes; create, read back, tag and protect only `__thv_<scope>_<prefix>*`
 * for each row's own scope (the only names a move or the step-1 repair ever writes); describe
 * any key under the root (tags only, never a value) and tag an untagged one `thv:owner=user`
 * (adoption); list; the flag. The KMS key serves only those same names. The role lives as long
 * as the stack (docs/migration.md says what an operator removes after migrating).
 */
export function migrationJobStatements(scope: IConstruct, access: MigrationJobAccess): iam.PolicyStatement[] {
  const { root, patterns } = access;
  const untagged = {
    Null: { [`aws:ResourceTag/${OWNER_TAG}`]: 'true', [`aws:ResourceTag/${SCOPE_TAG}`]: 'true' },
  };
  const legacyArns = patterns.legacy.map((name) => secretArn(scope, name));
  const scopedNames = [...patterns.scopedByScope.values()].flat();
  const scopedArns = scopedNames.map((name) => secretArn(scope, name));
  const statement = (props: iam.PolicyStatementProps) => new iam.PolicyStatement(props);
  return [
    // Read and delete bare legacy keys, only while untagged (never a user's key of the same name).
    ...(legacyArns.length === 0
      ? []
      : [
          statement({
            sid: 'ReadAndDeleteLegacyKeys',
            actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'],
            resources: legacyArns,
            conditions: untagged,
          }),
        ]),
    // Read back, compare and protect the scoped keys of the table's rows (and repair them).
    ...(scopedArns.length === 0
      ? []
      : [
          statement({
            sid: 'ReadAndProtectScopedKeys',
            actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutResourcePolicy'],
            resources: scopedArns,
          }),
        ]),
    // Create and scope-tag each row's scoped keys, with that row's scope tag and nothing else.
    ...[...patterns.scopedByScope].map(([rowScope, names]) =>
      statement({
        sid: `WriteScopedKeys${rowScope.charAt(0).toUpperCase()}${rowScope.slice(1)}`,
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        resources: names.map((name) => secretArn(scope, name)),
        conditions: {
          StringEquals: { [`aws:RequestTag/${SCOPE_TAG}`]: rowScope },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [SCOPE_TAG] },
        },
      }),
    ),
    // Tags only (no value): every key is re-read before the job acts on it.
    statement({
      sid: 'DescribeKeys',
      actions: ['secretsmanager:DescribeSecret'],
      resources: [secretArn(scope, `${root}*`)],
    }),
    // Adoption: an untagged bare key becomes a user key (thv:owner=user) and nothing else.
    statement({
      sid: 'AdoptUntaggedKeys',
      actions: ['secretsmanager:TagResource'],
      resources: [secretArn(scope, `${root}*`)],
      conditions: {
        ...untagged,
        StringEquals: { [`aws:RequestTag/${OWNER_TAG}`]: USER_OWNER },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [OWNER_TAG] },
      },
    }),
    statement({ sid: 'ListSecrets', actions: ['secretsmanager:ListSecrets'], resources: ['*'] }),
    statement({
      sid: 'MigrationFlag',
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resources: [access.flagParameterArn],
    }),
    // An empty table moves nothing, so the job then needs no data key at all.
    ...(patterns.legacy.length === 0
      ? []
      : [keyUseStatement(scope, access.key, [...patterns.legacy, ...scopedNames])]),
  ];
}
