/**
 * The IAM decision matrix (docs/design.md §3): principals × every secret-scoped Secrets Manager action of
 * the service authorization reference × secrets, principals × KMS key uses, and principals × API
 * routes, each cell with the decision the design expects. The expectations are written from the
 * design's rules here, never derived from the policies under test. Every secret carries the tags the
 * broker really writes (`thv:owner=user` on user secrets, `thv:scope=<scope>` on system secrets,
 * none on legacy keys).
 */
import { invokeArn, secretArn } from './arns.js';
import type { RoleRef } from './policies.js';
import type { Decision } from './simulate.js';
import { ACCOUNT } from './synth.js';

export type { Decision } from './simulate.js';

/** Kinds of principal in the matrix. */
export type PrincipalKind =
  | 'user-api'
  | 'scope'
  | 'user'
  | 'service'
  | 'developer'
  | 'scope-service'
  | 'admin'
  | 'break-glass'
  | 'migration'
  | 'operator';

/**
 * Principals given user or scope access, by a grant (`user`, `service`) or by attaching the access
 * policies and the perimeter policy (`developer`, `scope-service`): docs/design.md §3 denies them every path
 * around the API, the system secrets and planting, whatever else they hold.
 */
const ACCESS_HOLDERS: readonly PrincipalKind[] = ['user', 'service', 'developer', 'scope-service'];
/** Principals given the user routes: also denied listing. */
const USER_ACCESS: readonly PrincipalKind[] = ['user', 'developer'];
/** Principals that carry the reserved-prefix and planting guard. */
const GUARDED: readonly PrincipalKind[] = ['user-api', ...ACCESS_HOLDERS];

/** A principal of the matrix. */
export interface MatrixPrincipal {
  /** Label in reports. */
  readonly label: string;
  /** What the principal is. */
  readonly kind: PrincipalKind;
  /** Its scope, for scope roles and scope callers. */
  readonly scope?: string;
  /** Its role ARN (also its `aws:PrincipalArn`). */
  readonly arn: string;
  /** Where its identity policies come from: the template, fixed outside policies, or both. */
  readonly template?: RoleRef;
  /** An outside policy besides the template's (e.g. `secretsmanager:*` on `*` from elsewhere). */
  readonly outside?: object;
  /** Managed policies of the template it has attached by hand (logical ids), as a role managed elsewhere would. */
  readonly policies?: readonly string[];
}

/** A broker resource around the API that a request targets. */
export interface MatrixTarget {
  /** What it is. */
  readonly kind: 'function' | 'state-machine' | 'execution' | 'flag' | 'key' | 'role';
  /** Label in reports. */
  readonly label: string;
  /** The migration job's own function (the one operators invoke for `plan`). */
  readonly migrationFunction?: boolean;
  /** A version or alias ARN (`:1`, `:live`) rather than the resource itself. */
  readonly qualified?: boolean;
}

/** The broker resources around the API, by ARN. */
export interface MatrixTargets {
  /** Every broker function. */
  readonly functions: readonly {
    readonly label: string;
    readonly arn: string;
    readonly migration: boolean;
  }[];
  /** The migration state machine. */
  readonly stateMachineArn: string;
  /** One execution of it. */
  readonly executionArn: string;
  /** The flag parameter. */
  readonly flagArn: string;
  /** Every role that runs broker code. */
  readonly roles: readonly { readonly label: string; readonly arn: string }[];
}

/** A secret of the matrix. */
export interface MatrixSecret {
  /** Label in reports. */
  readonly label: string;
  /** Secrets Manager name. */
  readonly name: string;
  /** Tags the secret carries. */
  readonly tags: Readonly<Record<string, string>>;
  /** The scope whose deny-all-but resource policy the secret carries (system secrets only). */
  readonly policyScope?: string;
  /** Region of its ARN, when not the stack's. */
  readonly region?: string;
}

/** One request of the matrix. */
export interface MatrixRequest {
  /** IAM action. */
  readonly action: string;
  /** Resource ARN (or `*`). */
  readonly resource: string;
  /** Label in reports. */
  readonly label: string;
  /** Request context (besides `aws:PrincipalArn`). */
  readonly context: Readonly<Record<string, string | string[]>>;
  /** The secret the request targets, if any. */
  readonly secret?: MatrixSecret;
  /** For a KMS request: the secret whose data key it uses (its ARN is the encryption context). */
  readonly kmsSecret?: MatrixSecret & { readonly arn: string };
  /** The tags a create or tag request asks for. */
  readonly requestTags?: Readonly<Record<string, string>>;
  /** The API route the request targets, if any: `"<METHOD> <path>"`. */
  readonly route?: { readonly method: string; readonly path: string };
  /** The broker resource around the API the request targets, if any. */
  readonly target?: MatrixTarget;
}

/** A cell: a principal, a request, and the decision the design expects. */
export interface MatrixCell {
  /** The principal. */
  readonly principal: MatrixPrincipal;
  /** The request. */
  readonly request: MatrixRequest;
  /** Expected decision. */
  readonly expected: Decision;
}

const ROOT = 'toolhive/';
const SCOPE_TAG = 'thv:scope';
const OWNER_TAG = 'thv:owner';
const USER = { [OWNER_TAG]: 'user' };
const SUFFIX = '-AbCdEf';
const OTHER_REGION = 'us-east-1';

/** The secrets of the matrix for `scopes`. */
function matrixSecrets(scopes: readonly string[]): MatrixSecret[] {
  return [
    { label: 'user secret', name: `${ROOT}GITHUB_TOKEN`, tags: USER },
    { label: 'untagged legacy workloads key', name: `${ROOT}BEARER_TOKEN_github`, tags: {} },
    { label: 'untagged legacy registry key', name: `${ROOT}REGISTRY_OAUTH_ab12`, tags: {} },
    { label: 'user-tagged legacy-named key', name: `${ROOT}BEARER_TOKEN_mine`, tags: USER },
    { label: 'untagged pre-broker user key', name: `${ROOT}OLD_KEY`, tags: {} },
    ...scopes.map((s) => ({
      label: `${s} secret`,
      name: `${ROOT}__thv_${s}_TOKEN`,
      tags: { [SCOPE_TAG]: s },
      policyScope: s,
    })),
    // The scoped names the legacy table's rows move into (the only system names the migration writes).
    ...(['workloads', 'registry'].every((s) => scopes.includes(s))
      ? [
          {
            label: 'workloads secret of a legacy row',
            name: `${ROOT}__thv_workloads_BEARER_TOKEN_github`,
            tags: { [SCOPE_TAG]: 'workloads' },
            policyScope: 'workloads',
          },
          {
            label: 'registry secret of a legacy row',
            name: `${ROOT}__thv_registry_REGISTRY_OAUTH_ab12`,
            tags: { [SCOPE_TAG]: 'registry' },
            policyScope: 'registry',
          },
        ]
      : []),
    // A write that failed between CreateSecret and PutResourcePolicy: tagged, no resource policy.
    {
      label: 'workloads secret without its resource policy',
      name: `${ROOT}__thv_workloads_HALF`,
      tags: { [SCOPE_TAG]: 'workloads' },
    },
    // A crash right after CreateSecret of a scope without tags (the repair path of the migration).
    { label: 'untagged system name', name: `${ROOT}__thv_registry_UNTAGGED`, tags: {} },
    { label: 'upper-case look-alike', name: `${ROOT}__THV_workloads_TOKEN`, tags: {} },
    { label: 'mixed-case look-alike', name: `${ROOT}__tHv_workloads_TOKEN`, tags: {} },
    { label: 'unknown scope neighbour', name: `${ROOT}__thv_workloadsx_TOKEN`, tags: {} },
    { label: 'scope-tagged user name', name: `${ROOT}odd`, tags: { [SCOPE_TAG]: 'workloads' } },
    // Tags a caller's outside rights would otherwise reach: only the scope-tag deny stands in the way.
    {
      label: 'scope- and user-tagged user name',
      name: `${ROOT}odd2`,
      tags: { [SCOPE_TAG]: 'workloads', ...USER },
    },
    // Only the reserved-prefix deny stands in the way: no scope tag, no resource policy, a user tag.
    { label: 'user-tagged system name', name: `${ROOT}__thv_auth_OWNED`, tags: USER },
    {
      label: 'nested-root system secret',
      name: `${ROOT}team2/__thv_workloads_X`,
      tags: { [SCOPE_TAG]: 'workloads' },
    },
    { label: 'nested-root user secret', name: `${ROOT}team2/GITHUB_TOKEN`, tags: USER },
    { label: 'another root', name: 'other/GITHUB_TOKEN', tags: USER },
    { label: 'root look-alike', name: 'Toolhive/GITHUB_TOKEN', tags: USER },
    { label: 'user secret in another region', name: `${ROOT}GITHUB_TOKEN`, tags: USER, region: OTHER_REGION },
    {
      label: 'workloads secret in another region',
      name: `${ROOT}__thv_workloads_TOKEN`,
      tags: { [SCOPE_TAG]: 'workloads' },
      policyScope: 'workloads',
      region: OTHER_REGION,
    },
  ];
}

/** An action on one secret, with the tags it requests (create and tag calls). */
interface SecretAction {
  readonly label: string;
  readonly action: string;
  readonly create?: boolean;
  readonly requestTags?: Readonly<Record<string, string>>;
  /** Tag keys of an UntagResource. */
  readonly untagKeys?: readonly string[];
}

const sm = (name: string): SecretAction => ({ label: name, action: `secretsmanager:${name}` });

/** Every secret-scoped Secrets Manager action of the service authorization reference. */
const SECRET_ACTIONS: readonly SecretAction[] = [
  { label: 'CreateSecret untagged', action: 'secretsmanager:CreateSecret', create: true },
  {
    label: 'CreateSecret thv:owner=user',
    action: 'secretsmanager:CreateSecret',
    create: true,
    requestTags: USER,
  },
  {
    label: 'CreateSecret thv:owner=user+team',
    action: 'secretsmanager:CreateSecret',
    create: true,
    requestTags: { ...USER, team: 'a' },
  },
  {
    label: 'CreateSecret thv:scope=workloads',
    action: 'secretsmanager:CreateSecret',
    create: true,
    requestTags: { [SCOPE_TAG]: 'workloads' },
  },
  {
    label: 'CreateSecret thv:scope=registry',
    action: 'secretsmanager:CreateSecret',
    create: true,
    requestTags: { [SCOPE_TAG]: 'registry' },
  },
  sm('GetSecretValue'),
  {
    label: 'GetSecretValue (per-secret check of BatchGetSecretValue)',
    action: 'secretsmanager:GetSecretValue',
  },
  sm('PutSecretValue'),
  sm('UpdateSecret'),
  sm('DeleteSecret'),
  sm('DescribeSecret'),
  sm('RestoreSecret'),
  sm('RotateSecret'),
  sm('CancelRotateSecret'),
  sm('ListSecretVersionIds'),
  sm('UpdateSecretVersionStage'),
  sm('ReplicateSecretToRegions'),
  sm('RemoveRegionsFromReplication'),
  sm('StopReplicationToReplica'),
  { label: 'TagResource thv:owner=user', action: 'secretsmanager:TagResource', requestTags: USER },
  { label: 'TagResource team', action: 'secretsmanager:TagResource', requestTags: { team: 'a' } },
  // A user key re-owned: the migration and the fallback would no longer see it as a user's.
  {
    label: 'TagResource thv:owner=admin',
    action: 'secretsmanager:TagResource',
    requestTags: { [OWNER_TAG]: 'admin' },
  },
  {
    label: 'TagResource thv:scope',
    action: 'secretsmanager:TagResource',
    requestTags: { [SCOPE_TAG]: 'workloads' },
  },
  {
    label: 'TagResource THV:Scope',
    action: 'secretsmanager:TagResource',
    requestTags: { 'THV:Scope': 'workloads' },
  },
  { label: 'UntagResource team', action: 'secretsmanager:UntagResource', untagKeys: ['team'] },
  { label: 'UntagResource thv:owner', action: 'secretsmanager:UntagResource', untagKeys: [OWNER_TAG] },
  sm('PutResourcePolicy'),
  sm('GetResourcePolicy'),
  sm('DeleteResourcePolicy'),
  sm('ValidateResourcePolicy'),
];

/** Actions that take no resource. */
const UNSCOPED_ACTIONS = ['ListSecrets', 'BatchGetSecretValue', 'GetRandomPassword'].map(
  (a) => `secretsmanager:${a}`,
);

/** KMS uses of a secret's data key. */
const KMS_ACTIONS = [
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** What a caller could do to a broker function instead of going through API Gateway. */
const LAMBDA_ACTIONS = [
  'InvokeFunction',
  'InvokeAsync',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'AddPermission',
  'RemovePermission',
  'PutFunctionConcurrency',
  'PutFunctionEventInvokeConfig',
  'CreateFunctionUrlConfig',
  'PublishVersion',
  'CreateAlias',
  'DeleteFunction',
  'GetFunction',
  'TagResource',
].map((a) => `lambda:${a}`);

/** What a caller could do to the migration's state machine. */
const STATE_MACHINE_ACTIONS = [
  'StartExecution',
  'StartSyncExecution',
  'ListExecutions',
  'DescribeStateMachine',
  'UpdateStateMachine',
  'DeleteStateMachine',
  'PublishStateMachineVersion',
  'TagResource',
].map((a) => `states:${a}`);

/** What a caller could do to one of its executions. */
const EXECUTION_ACTIONS = [
  'DescribeExecution',
  'StopExecution',
  'RedriveExecution',
  'GetExecutionHistory',
].map((a) => `states:${a}`);

/** Writes and reads of the flag parameter. */
const FLAG_ACTIONS = [
  'PutParameter',
  'DeleteParameter',
  'LabelParameterVersion',
  'AddTagsToResource',
  'GetParameter',
  'GetParameterHistory',
].map((a) => `ssm:${a}`);
/** The flag reads docs/design.md §3 leaves open (the flag says "done" and counts, nothing secret). */
const FLAG_READS = ['ssm:GetParameter', 'ssm:GetParameterHistory'];

/** What a caller could do to the key itself, outside any secret's data key. */
const KEY_ACTIONS = [
  'CreateGrant',
  'PutKeyPolicy',
  'ScheduleKeyDeletion',
  'DisableKey',
  'Encrypt',
  'GenerateDataKey',
  'DescribeKey',
].map((a) => `kms:${a}`);

/** What a caller could do to a role that runs broker code (PassRole: run one's own code with its rights). */
const ROLE_ACTIONS = ['PassRole', 'UpdateAssumeRolePolicy', 'PutRolePolicy', 'AttachRolePolicy'].map(
  (a) => `iam:${a}`,
);

/** Requests on the broker's resources around the API. */
function targetRequests(targets: MatrixTargets, keyArn: string): MatrixRequest[] {
  const on = (action: string, resource: string, target: MatrixTarget): MatrixRequest => ({
    action,
    resource,
    label: `${action} on ${target.label}`,
    context: {},
    target,
  });
  return [
    ...targets.functions.flatMap((fn) => [
      ...LAMBDA_ACTIONS.map((a) =>
        on(a, fn.arn, { kind: 'function', label: fn.label, migrationFunction: fn.migration }),
      ),
      ...['1', 'live'].map((q) =>
        on('lambda:InvokeFunction', `${fn.arn}:${q}`, {
          kind: 'function',
          label: `${fn.label}:${q}`,
          migrationFunction: fn.migration,
          qualified: true,
        }),
      ),
    ]),
    ...STATE_MACHINE_ACTIONS.map((a) =>
      on(a, targets.stateMachineArn, { kind: 'state-machine', label: 'the migration state machine' }),
    ),
    on('states:StartExecution', `${targets.stateMachineArn}:1`, {
      kind: 'state-machine',
      label: 'version 1 of the migration state machine',
      qualified: true,
    }),
    ...EXECUTION_ACTIONS.map((a) =>
      on(a, targets.executionArn, { kind: 'execution', label: 'a migration execution' }),
    ),
    ...FLAG_ACTIONS.map((a) => on(a, targets.flagArn, { kind: 'flag', label: 'the migration flag' })),
    ...KEY_ACTIONS.map((a) => on(a, keyArn, { kind: 'key', label: 'the broker key (no secret)' })),
    ...targets.roles.flatMap((role) =>
      ROLE_ACTIONS.map((a) => on(a, role.arn, { kind: 'role', label: role.label })),
    ),
  ];
}

/** The API routes of the matrix: user routes, each scope's routes, an unknown scope, a prefix trap. */
function matrixRoutes(scopes: readonly string[]): { method: string; path: string }[] {
  return [
    { method: 'GET', path: '/v1/secrets' },
    ...['GET', 'PUT', 'DELETE', 'POST'].map((method) => ({ method, path: '/v1/secrets/GITHUB_TOKEN' })),
    { method: 'GET', path: '/v1/deleted-secrets' },
    { method: 'POST', path: '/v1/secrets/GITHUB_TOKEN/restore' },
    { method: 'GET', path: '/v1/secrets/GITHUB_TOKEN/versions/previous' },
    { method: 'POST', path: '/v1/batch-get' },
    ...scopes.flatMap((s) => [
      { method: 'GET', path: `/v1/scopes/${s}/secrets` },
      { method: 'DELETE', path: `/v1/scopes/${s}/secrets` },
      ...['GET', 'PUT', 'DELETE', 'PATCH'].map((method) => ({
        method,
        path: `/v1/scopes/${s}/secrets/TOKEN`,
      })),
      { method: 'GET', path: `/v1/scopes/${s}/deleted-secrets` },
      { method: 'POST', path: `/v1/scopes/${s}/secrets/TOKEN/restore` },
      { method: 'GET', path: `/v1/scopes/${s}/secrets/TOKEN/versions/previous` },
      { method: 'POST', path: `/v1/scopes/${s}/batch-get` },
    ]),
    { method: 'POST', path: '/v1/scopes/billing/batch-get' },
    { method: 'GET', path: '/v1/scopes/billing/deleted-secrets' },
    { method: 'GET', path: '/v1/scopes/billing/secrets' },
    { method: 'GET', path: '/v1/scopes/workloadsx/secrets/TOKEN' },
  ];
}

const arnOf = (s: MatrixSecret): string =>
  s.region === undefined
    ? secretArn(`${s.name}${SUFFIX}`)
    : `arn:aws:secretsmanager:${s.region}:${ACCOUNT}:secret:${s.name}${SUFFIX}`;

/** Every request of the matrix; `keyArn` is the broker key's ARN. */
export function matrixRequests(
  scopes: readonly string[],
  apiId: string,
  keyArn: string,
  targets: MatrixTargets,
): MatrixRequest[] {
  const requests: MatrixRequest[] = [];
  const secrets = matrixSecrets(scopes);
  for (const secret of secrets) {
    for (const a of SECRET_ACTIONS) {
      const context: Record<string, string | string[]> = {};
      // A secret that CreateSecret is about to make has no resource tags, only a name.
      if (a.create) context['secretsmanager:Name'] = secret.name;
      else for (const [k, v] of Object.entries(secret.tags)) context[`aws:ResourceTag/${k}`] = v;
      if (a.requestTags !== undefined) {
        context['aws:TagKeys'] = Object.keys(a.requestTags);
        for (const [k, v] of Object.entries(a.requestTags)) context[`aws:RequestTag/${k}`] = v;
      }
      if (a.untagKeys !== undefined) context['aws:TagKeys'] = [...a.untagKeys];
      requests.push({
        action: a.action,
        resource: arnOf(secret),
        label: `${a.label} on ${secret.label}`,
        context,
        secret,
        ...(a.requestTags === undefined ? {} : { requestTags: a.requestTags }),
      });
    }
  }
  for (const action of UNSCOPED_ACTIONS) requests.push({ action, resource: '*', label: action, context: {} });
  const kmsSecrets = secrets.filter(
    (s) =>
      ['user secret', 'untagged legacy workloads key'].includes(s.label) ||
      (s.policyScope !== undefined && s.region === undefined),
  );
  for (const secret of kmsSecrets) {
    for (const action of KMS_ACTIONS) {
      for (const via of [true, false]) {
        requests.push({
          action,
          resource: keyArn,
          label: `${action} for ${secret.label}${via ? ' via Secrets Manager' : ' directly'}`,
          context: via ? { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } : {},
          kmsSecret: { ...secret, arn: arnOf(secret) },
        });
      }
    }
  }
  for (const route of matrixRoutes(scopes)) {
    requests.push({
      action: 'execute-api:Invoke',
      resource: invokeArn(apiId, route.path, route.method),
      label: `${route.method} ${route.path}`,
      context: {},
      route,
    });
  }
  requests.push(...targetRequests(targets, keyArn));
  return requests;
}

/** The Secrets Manager actions the design gives a scope function on its own secrets (docs/design.md §3, not the code). */
export const FUNCTION_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:CreateSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:TagResource',
  // The restore route: describe (deleted? its own scope's tag?) then restore.
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
];
const SCOPE_ACTIONS = new Set([...FUNCTION_SECRET_ACTIONS, 'secretsmanager:PutResourcePolicy']);
/** What the user function may do to a secret tagged `thv:owner=user` (docs/design.md §3). */
const USER_API_ACTIONS = new Set([
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  // Restore of a deleted user key (the tags survive the deletion, so the same condition holds).
  'secretsmanager:RestoreSecret',
]);

/** What the expected decisions depend on besides the principal and the request. */
export interface MatrixRules {
  /** Role ARNs a scope's resource policy lets through (the scope role, migration, break-glass). */
  readonly allowedBySystemPolicy: (scope: string) => readonly string[];
  /** Role ARNs the key policy lets decrypt a scope's system secrets. */
  readonly allowedToDecrypt: (scope: string) => readonly string[];
  /** Legacy prefix rows the scope roles may read (`until-migrated`); empty under `never`. */
  readonly legacyReads: readonly { readonly prefix: string; readonly scope: string }[];
  /** Every row of the legacy table (the migration reads and deletes them all). */
  readonly legacyTable: readonly { readonly prefix: string; readonly scope: string }[];
  /** The broker's scopes. */
  readonly scopes: readonly string[];
}

const inRegion = (s: MatrixSecret): boolean => s.region === undefined;
const underRoot = (s: MatrixSecret): boolean => inRegion(s) && s.name.startsWith(ROOT);
const reservedName = (name: string, anyCase: boolean): boolean =>
  anyCase ? name.toLowerCase().startsWith(`${ROOT}__thv_`) : name.startsWith(`${ROOT}__thv_`);

/** The decision docs/design.md §1, §3 and §5 ask for. */
export function expectedDecision(p: MatrixPrincipal, r: MatrixRequest, rules: MatrixRules): Decision {
  if (r.route !== undefined) return expectedRoute(p, r.route.path);
  if (r.kmsSecret !== undefined) return expectedKeyUse(p, r, rules);
  if (r.target !== undefined) return expectedAroundApi(p, r, r.target, rules);
  const outsideRights = p.outside !== undefined;
  const userGuarded = GUARDED.includes(p.kind);
  if (r.secret === undefined) {
    const listing = ['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'].includes(r.action);
    if (USER_ACCESS.includes(p.kind) && listing) return 'ExplicitlyDenied';
    if (outsideRights) return 'Allowed';
    if (r.action === 'secretsmanager:ListSecrets' && ['user-api', 'scope', 'migration'].includes(p.kind))
      return 'Allowed';
    // The batch-read routes: AWS takes BatchGetSecretValue only on `*`, and authorizes each
    // secret of the batch as the caller's GetSecretValue (the per-secret cells below decide those).
    if (r.action === 'secretsmanager:BatchGetSecretValue' && ['user-api', 'scope'].includes(p.kind))
      return 'Allowed';
    return 'ImplicitlyDenied';
  }
  const s = r.secret;
  const create = r.action === 'secretsmanager:CreateSecret';
  const tagKeys = (r.context['aws:TagKeys'] as string[] | undefined) ?? [];
  const ownerTagged = s.tags[OWNER_TAG] === 'user';
  const untagged = Object.keys(s.tags).length === 0;
  const requested = r.requestTags ?? {};
  const guardDenies =
    (inRegion(s) && reservedName(s.name, false)) ||
    (!create && SCOPE_TAG in s.tags) ||
    (create && reservedName(s.name, true)) ||
    (['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'].includes(
      r.action,
    ) &&
      tagKeys.some((k) => k.toLowerCase() === SCOPE_TAG)) ||
    // Untagged keys under the root are legacy system secrets until the migration adopts them.
    (!create && r.action !== 'secretsmanager:TagResource' && underRoot(s) && !ownerTagged) ||
    // No planting (docs/design.md §3): nothing under the root without thv:owner=user, no re-owned user key.
    (create && underRoot(s) && requested[OWNER_TAG] !== 'user') ||
    (['secretsmanager:TagResource', 'secretsmanager:UntagResource'].includes(r.action) &&
      underRoot(s) &&
      tagKeys.some((k) => k.toLowerCase() === OWNER_TAG) &&
      (r.action === 'secretsmanager:UntagResource' || requested[OWNER_TAG] !== 'user'));
  // No adoption by a caller: tagging an untagged key under the root would make a legacy system secret theirs.
  const adoptionDenied = r.action === 'secretsmanager:TagResource' && underRoot(s) && !ownerTagged;
  const policyDenies =
    !create && s.policyScope !== undefined && !rules.allowedBySystemPolicy(s.policyScope).includes(p.arn);
  if ((userGuarded && guardDenies) || (ACCESS_HOLDERS.includes(p.kind) && adoptionDenied) || policyDenies)
    return 'ExplicitlyDenied';

  if (outsideRights) return 'Allowed';
  const onlyOwnerTag = tagKeys.length > 0 && tagKeys.every((k) => k === OWNER_TAG);
  if (p.kind === 'user-api' && underRoot(s)) {
    if (USER_API_ACTIONS.has(r.action) && ownerTagged) return 'Allowed';
    if (create && requested[OWNER_TAG] === 'user' && onlyOwnerTag) return 'Allowed';
    // Re-tagging thv:owner=user where it already is: the check CreateSecret's tags imply.
    if (
      r.action === 'secretsmanager:TagResource' &&
      ownerTagged &&
      requested[OWNER_TAG] === 'user' &&
      onlyOwnerTag
    )
      return 'Allowed';
  }
  const ownPrefix = inRegion(s) && p.scope !== undefined && s.name.startsWith(`${ROOT}__thv_${p.scope}_`);
  if (p.kind === 'scope' && SCOPE_ACTIONS.has(r.action) && ownPrefix) return 'Allowed';
  // Under until-migrated a scope role reads (only reads) the untagged bare legacy keys its scope owns.
  const legacyOfScope = rules.legacyReads.some(
    (row) => row.scope === p.scope && inRegion(s) && s.name.startsWith(`${ROOT}${row.prefix}`),
  );
  if (
    p.kind === 'scope' &&
    ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'].includes(r.action) &&
    legacyOfScope &&
    s.tags[OWNER_TAG] === undefined
  )
    return 'Allowed';
  if (p.kind === 'migration') return expectedMigration(r, s, rules, untagged, onlyOwnerTag);
  return 'ImplicitlyDenied';
}

/** The scope of the legacy row whose scoped names (`<root>__thv_<scope>_<prefix>*`) hold `name`, if any. */
const rowScopeOf = (name: string, rules: MatrixRules): string | undefined =>
  rules.legacyTable.find((row) => name.startsWith(`${ROOT}__thv_${row.scope}_${row.prefix}`))?.scope;

/**
 * The migration row, narrowed to its table: read + delete only the untagged bare keys of
 * the legacy prefixes; read back, protect, create and scope-tag only each row's own scoped names,
 * with that row's scope; describe under the root; adopt untagged keys.
 */
function expectedMigration(
  r: MatrixRequest,
  s: MatrixSecret,
  rules: MatrixRules,
  untagged: boolean,
  onlyOwnerTag: boolean,
): Decision {
  const legacy = inRegion(s) && rules.legacyTable.some((row) => s.name.startsWith(`${ROOT}${row.prefix}`));
  const rowScope = inRegion(s) ? rowScopeOf(s.name, rules) : undefined;
  const requested = r.requestTags ?? {};
  if (
    legacy &&
    untagged &&
    ['secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'].includes(r.action)
  )
    return 'Allowed';
  if (
    rowScope !== undefined &&
    ['secretsmanager:GetSecretValue', 'secretsmanager:PutResourcePolicy'].includes(r.action)
  )
    return 'Allowed';
  const tagKeys = Object.keys(requested);
  if (
    rowScope !== undefined &&
    ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'].includes(r.action) &&
    tagKeys.length > 0 &&
    tagKeys.every((k) => k === SCOPE_TAG) &&
    requested[SCOPE_TAG] === rowScope
  )
    return 'Allowed';
  if (underRoot(s) && r.action === 'secretsmanager:DescribeSecret') return 'Allowed';
  if (
    underRoot(s) &&
    untagged &&
    r.action === 'secretsmanager:TagResource' &&
    requested[OWNER_TAG] === 'user' &&
    onlyOwnerTag
  )
    return 'Allowed';
  return 'ImplicitlyDenied';
}

function expectedRoute(p: MatrixPrincipal, path: string): Decision {
  const userRoute =
    path === '/v1/secrets' ||
    path.startsWith('/v1/secrets/') ||
    path === '/v1/deleted-secrets' ||
    path === '/v1/batch-get';
  const scopeRoute =
    p.scope !== undefined &&
    (path === `/v1/scopes/${p.scope}/secrets` ||
      path.startsWith(`/v1/scopes/${p.scope}/secrets/`) ||
      path === `/v1/scopes/${p.scope}/deleted-secrets` ||
      path === `/v1/scopes/${p.scope}/batch-get`);
  if (USER_ACCESS.includes(p.kind) && userRoute) return 'Allowed';
  if ((p.kind === 'service' || p.kind === 'scope-service') && scopeRoute) return 'Allowed';
  return 'ImplicitlyDenied';
}

/** KMS: functions use the key through Secrets Manager for their own names; the key policy keeps system data keys to their roles. */
function expectedKeyUse(p: MatrixPrincipal, r: MatrixRequest, rules: MatrixRules): Decision {
  const s = r.kmsSecret as MatrixSecret;
  const via = r.context['kms:ViaService'] !== undefined;
  const systemScope = rules.scopes.find((scope) => s.name.startsWith(`${ROOT}__thv_${scope}_`));
  const decrypts = r.action === 'kms:Decrypt' || r.action === 'kms:ReEncryptFrom';
  if (decrypts && systemScope !== undefined && !rules.allowedToDecrypt(systemScope).includes(p.arn))
    return 'ExplicitlyDenied';
  // Roles given access use the key only as Secrets Manager uses it on their behalf.
  if (ACCESS_HOLDERS.includes(p.kind) && !(via && ['kms:Decrypt', 'kms:GenerateDataKey'].includes(r.action)))
    return 'ExplicitlyDenied';
  if (p.outside !== undefined) return 'Allowed';
  if (!via || !['kms:Decrypt', 'kms:GenerateDataKey'].includes(r.action)) return 'ImplicitlyDenied';
  if (p.kind === 'user-api') return 'Allowed';
  // The migration's key use covers only the names it reads or writes: legacy bare keys and each row's scoped names.
  if (p.kind === 'migration') {
    const legacy = rules.legacyTable.some((row) => s.name.startsWith(`${ROOT}${row.prefix}`));
    return legacy || rowScopeOf(s.name, rules) !== undefined ? 'Allowed' : 'ImplicitlyDenied';
  }
  if (p.kind === 'scope') {
    const own = s.name.startsWith(`${ROOT}__thv_${p.scope}_`);
    const legacy = rules.legacyReads.some(
      (row) => row.scope === p.scope && s.name.startsWith(`${ROOT}${row.prefix}`),
    );
    return own || legacy ? 'Allowed' : 'ImplicitlyDenied';
  }
  return 'ImplicitlyDenied';
}

/**
 * docs/design.md §3, "the threat model is the account": roles given user or scope access reach none of the
 * broker's functions, its state machine or executions, its roles, its key outside Secrets Manager,
 * nor write its flag, whatever they hold; only operators run the job; the function roles keep their
 * flag reads (and the job its write); whoever the stack does not manage keeps what they hold (the
 * organization's SCP/RCP is what limits them).
 */
function expectedAroundApi(
  p: MatrixPrincipal,
  r: MatrixRequest,
  t: MatrixTarget,
  rules: MatrixRules,
): Decision {
  const outside = p.outside !== undefined;
  if (ACCESS_HOLDERS.includes(p.kind)) {
    const open = (t.kind === 'flag' && FLAG_READS.includes(r.action)) || r.action === 'kms:DescribeKey';
    if (!open) return 'ExplicitlyDenied';
  }
  if (outside) return 'Allowed';
  if (p.kind === 'operator') {
    const runs =
      (t.kind === 'function' &&
        t.migrationFunction === true &&
        !t.qualified &&
        r.action === 'lambda:InvokeFunction') ||
      (t.kind === 'state-machine' &&
        !t.qualified &&
        ['states:StartExecution', 'states:ListExecutions'].includes(r.action)) ||
      (t.kind === 'execution' && r.action === 'states:DescribeExecution') ||
      (t.kind === 'flag' && r.action === 'ssm:GetParameter');
    return runs ? 'Allowed' : 'ImplicitlyDenied';
  }
  if (t.kind === 'flag') {
    // The user function holds legacy names until the flag is set; scope roles read it under until-migrated.
    if (r.action === 'ssm:GetParameter') {
      if (p.kind === 'user-api' || p.kind === 'migration') return 'Allowed';
      if (p.kind === 'scope' && rules.legacyReads.some((row) => row.scope === p.scope)) return 'Allowed';
    }
    if (p.kind === 'migration' && r.action === 'ssm:PutParameter') return 'Allowed';
  }
  return 'ImplicitlyDenied';
}
