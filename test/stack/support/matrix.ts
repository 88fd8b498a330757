/**
 * The IAM decision matrix (DESIGN §3): principals × Secrets Manager actions × secrets, and
 * principals × API routes, each cell with the decision the design expects. The expectations are
 * written from the design's rules here, never derived from the policies under test.
 */
import { invokeArn, secretArn } from './arns.js';
import type { RoleRef } from './policies.js';

/** What IAM decides. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Kinds of principal in the matrix. */
export type PrincipalKind = 'user-api' | 'scope' | 'user' | 'service' | 'admin' | 'break-glass';

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
  /** Where its identity policies come from: the template, or fixed outside policies. */
  readonly source: { readonly template: RoleRef } | { readonly outside: object };
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
  /** The API route the request targets, if any: `"<METHOD> <path>"`. */
  readonly route?: { readonly method: string; readonly path: string };
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
const SUFFIX = '-AbCdEf';

/** The secrets of the matrix for `scopes`: a user secret, each scope's secret, look-alikes, another root. */
function matrixSecrets(scopes: readonly string[]): MatrixSecret[] {
  return [
    { label: 'user secret', name: `${ROOT}GITHUB_TOKEN`, tags: { 'thv:owner': 'user' } },
    { label: 'legacy workloads key', name: `${ROOT}BEARER_TOKEN_github`, tags: { 'thv:owner': 'user' } },
    { label: 'legacy registry key', name: `${ROOT}REGISTRY_OAUTH_ab12`, tags: { 'thv:owner': 'user' } },
    ...scopes.map((s) => ({
      label: `${s} secret`,
      name: `${ROOT}__thv_${s}_TOKEN`,
      tags: { [SCOPE_TAG]: s },
      policyScope: s,
    })),
    { label: 'upper-case look-alike', name: `${ROOT}__THV_workloads_TOKEN`, tags: {} },
    { label: 'mixed-case look-alike', name: `${ROOT}__tHv_workloads_TOKEN`, tags: {} },
    { label: 'unknown scope neighbour', name: `${ROOT}__thv_workloadsx_TOKEN`, tags: {} },
    { label: 'scope-tagged user name', name: `${ROOT}odd`, tags: { [SCOPE_TAG]: 'workloads' } },
    { label: 'another root', name: 'other/GITHUB_TOKEN', tags: {} },
    { label: 'root look-alike', name: 'Toolhive/GITHUB_TOKEN', tags: {} },
  ];
}

/** Actions on one secret, with the request context each needs. */
const SECRET_ACTIONS: readonly { label: string; action: string; create?: boolean; tagKeys?: string[] }[] = [
  { label: 'CreateSecret', action: 'secretsmanager:CreateSecret', create: true },
  {
    label: 'CreateSecret+thv:scope tag',
    action: 'secretsmanager:CreateSecret',
    create: true,
    tagKeys: [SCOPE_TAG],
  },
  { label: 'GetSecretValue', action: 'secretsmanager:GetSecretValue' },
  { label: 'PutSecretValue', action: 'secretsmanager:PutSecretValue' },
  { label: 'UpdateSecret', action: 'secretsmanager:UpdateSecret' },
  { label: 'DeleteSecret', action: 'secretsmanager:DeleteSecret' },
  { label: 'DescribeSecret', action: 'secretsmanager:DescribeSecret' },
  { label: 'RestoreSecret', action: 'secretsmanager:RestoreSecret' },
  { label: 'RotateSecret', action: 'secretsmanager:RotateSecret' },
  { label: 'TagResource team', action: 'secretsmanager:TagResource', tagKeys: ['team'] },
  { label: 'TagResource thv:scope', action: 'secretsmanager:TagResource', tagKeys: [SCOPE_TAG] },
  { label: 'TagResource THV:Scope', action: 'secretsmanager:TagResource', tagKeys: ['THV:Scope'] },
  { label: 'UntagResource team', action: 'secretsmanager:UntagResource', tagKeys: ['team'] },
  { label: 'PutResourcePolicy', action: 'secretsmanager:PutResourcePolicy' },
  { label: 'GetResourcePolicy', action: 'secretsmanager:GetResourcePolicy' },
  { label: 'DeleteResourcePolicy', action: 'secretsmanager:DeleteResourcePolicy' },
];

/** The API routes of the matrix: user routes, each scope's routes, an unknown scope, a prefix trap. */
function matrixRoutes(scopes: readonly string[]): { method: string; path: string }[] {
  return [
    { method: 'GET', path: '/v1/secrets' },
    ...['GET', 'PUT', 'DELETE'].map((method) => ({ method, path: '/v1/secrets/GITHUB_TOKEN' })),
    ...scopes.flatMap((s) => [
      { method: 'GET', path: `/v1/scopes/${s}/secrets` },
      { method: 'DELETE', path: `/v1/scopes/${s}/secrets` },
      ...['GET', 'PUT', 'DELETE'].map((method) => ({ method, path: `/v1/scopes/${s}/secrets/TOKEN` })),
    ]),
    { method: 'GET', path: '/v1/scopes/billing/secrets' },
    { method: 'GET', path: '/v1/scopes/workloadsx/secrets/TOKEN' },
  ];
}

/** Every request of the matrix. */
export function matrixRequests(scopes: readonly string[], apiId: string): MatrixRequest[] {
  const requests: MatrixRequest[] = [];
  for (const secret of matrixSecrets(scopes)) {
    const arn = secretArn(`${secret.name}${SUFFIX}`);
    for (const a of SECRET_ACTIONS) {
      const context: Record<string, string | string[]> = {};
      if (a.create) {
        // The secret does not exist yet: no resource tags, only the name and the requested tags.
        context['secretsmanager:Name'] = secret.name;
        if (a.tagKeys !== undefined) {
          context['aws:TagKeys'] = a.tagKeys;
          for (const k of a.tagKeys) context[`aws:RequestTag/${k}`] = 'workloads';
        }
      } else {
        for (const [k, v] of Object.entries(secret.tags)) context[`aws:ResourceTag/${k}`] = v;
        if (a.tagKeys !== undefined) context['aws:TagKeys'] = a.tagKeys;
      }
      requests.push({
        action: a.action,
        resource: arn,
        label: `${a.label} on ${secret.label}`,
        context,
        secret,
      });
    }
  }
  requests.push({ action: 'secretsmanager:ListSecrets', resource: '*', label: 'ListSecrets', context: {} });
  requests.push({
    action: 'secretsmanager:BatchGetSecretValue',
    resource: '*',
    label: 'BatchGetSecretValue',
    context: {},
  });
  for (const route of matrixRoutes(scopes)) {
    requests.push({
      action: 'execute-api:Invoke',
      resource: invokeArn(apiId, route.path, route.method),
      label: `${route.method} ${route.path}`,
      context: {},
      route,
    });
  }
  return requests;
}

/** The Secrets Manager actions the design gives a function on its own secrets (written from DESIGN §3, not the code). */
export const FUNCTION_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:CreateSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:TagResource',
];
const USER_API_ACTIONS = new Set(FUNCTION_SECRET_ACTIONS);
const SCOPE_ACTIONS = new Set([...USER_API_ACTIONS, 'secretsmanager:PutResourcePolicy']);
const startsWithReserved = (name: string, anyCase: boolean): boolean =>
  anyCase ? name.toLowerCase().startsWith(`${ROOT}__thv_`) : name.startsWith(`${ROOT}__thv_`);

/** What the expected decisions depend on besides the principal and the request. */
export interface MatrixRules {
  /** Role ARNs a scope's resource policy lets through (the scope role, migration, break-glass). */
  readonly allowedBySystemPolicy: (scope: string) => readonly string[];
  /** Legacy prefix rows the scope roles may read (`until-migrated`); empty under `never`. */
  readonly legacyReads: readonly { readonly prefix: string; readonly scope: string }[];
}

/** The decision DESIGN §1 and §3 ask for. */
export function expectedDecision(p: MatrixPrincipal, r: MatrixRequest, rules: MatrixRules): Decision {
  if (r.route !== undefined) {
    const { path } = r.route;
    const userRoute = path === '/v1/secrets' || path.startsWith('/v1/secrets/');
    const scopeRoute =
      p.scope !== undefined &&
      (path === `/v1/scopes/${p.scope}/secrets` || path.startsWith(`/v1/scopes/${p.scope}/secrets/`));
    if (p.kind === 'user' && userRoute) return 'Allowed';
    if (p.kind === 'service' && scopeRoute) return 'Allowed';
    return 'ImplicitlyDenied';
  }
  const everything = p.kind === 'admin' || p.kind === 'break-glass';
  if (r.secret === undefined) {
    if (r.action === 'secretsmanager:ListSecrets')
      return ['user-api', 'scope'].includes(p.kind) || everything ? 'Allowed' : 'ImplicitlyDenied';
    return everything ? 'Allowed' : 'ImplicitlyDenied';
  }
  const s = r.secret;
  const create = r.action === 'secretsmanager:CreateSecret';
  const tagKeys = (r.context['aws:TagKeys'] as string[] | undefined) ?? [];
  const guarded = p.kind === 'user-api' || p.kind === 'user';
  const guardDenies =
    startsWithReserved(s.name, false) ||
    (!create && SCOPE_TAG in s.tags) ||
    (create && startsWithReserved(s.name, true)) ||
    (['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'].includes(
      r.action,
    ) &&
      tagKeys.some((k) => k.toLowerCase() === SCOPE_TAG));
  const policyDenies =
    !create && s.policyScope !== undefined && !rules.allowedBySystemPolicy(s.policyScope).includes(p.arn);
  if ((guarded && guardDenies) || policyDenies) return 'ExplicitlyDenied';

  if (everything) return 'Allowed';
  if (p.kind === 'user-api' && USER_API_ACTIONS.has(r.action) && s.name.startsWith(ROOT)) return 'Allowed';
  if (p.kind === 'scope' && SCOPE_ACTIONS.has(r.action) && s.name.startsWith(`${ROOT}__thv_${p.scope}_`))
    return 'Allowed';
  // Under until-migrated a scope role reads (only reads) the bare legacy keys its scope owns.
  const legacyOfScope = rules.legacyReads.some(
    (row) => row.scope === p.scope && s.name.startsWith(`${ROOT}${row.prefix}`),
  );
  if (p.kind === 'scope' && r.action === 'secretsmanager:GetSecretValue' && legacyOfScope) return 'Allowed';
  return 'ImplicitlyDenied';
}
