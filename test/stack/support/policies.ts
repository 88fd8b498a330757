/**
 * Reads IAM policies out of a synthesized template and resolves their intrinsics to fixed, fake
 * physical values, so tests can pin statements and feed them to the IAM simulator.
 */
import { functionArn, keyArn, logGroupArn, roleArn, stateMachineArn } from './arns.js';
import { ACCOUNT, REGION } from './synth.js';

/** A CloudFormation template as JSON. */
export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** One IAM statement, resolved. */
export type Statement = Record<string, unknown>;

/** A resolved policy document and where it came from. */
export interface NamedPolicy {
  /** Logical id of the policy resource (or `<role>/inline/<name>`). */
  readonly name: string;
  /** The resolved document. */
  readonly policy: { Version: string; Statement: Statement[] };
}

/** Resolves Ref, Fn::GetAtt and Fn::Join to fixed fake values. */
export function resolve(template: TemplateJson, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) return resolveRef(template, String(o.Ref));
  if ('Fn::GetAtt' in o) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    return resolveGetAtt(template, id, attr);
  }
  if ('Fn::Join' in o) {
    const [delimiter, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => String(resolve(template, p))).join(delimiter);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(template, v)]));
}

function resolveRef(template: TemplateJson, id: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (id in pseudo) return pseudo[id] as string;
  const type = template.Resources[id]?.Type;
  if (type === undefined) throw new Error(`Ref to unknown resource ${id}`);
  if (type === 'AWS::IAM::ManagedPolicy') return `arn:aws:iam::${ACCOUNT}:policy/${id}`;
  if (type === 'AWS::StepFunctions::StateMachine') return stateMachineArn(stateMachineName(template, id));
  return id;
}

function resolveGetAtt(template: TemplateJson, id: string, attr: string): string {
  const type = template.Resources[id]?.Type;
  if (type === 'AWS::StepFunctions::StateMachine' && attr === 'Name') return stateMachineName(template, id);
  if (attr !== 'Arn') return `${id}.${attr}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return functionArn(id);
    case 'AWS::IAM::Role':
      return roleArn(id);
    case 'AWS::KMS::Key':
      return keyArn(id);
    case 'AWS::Logs::LogGroup':
      return logGroupArn(id);
    default:
      return `arn:aws:fake:${REGION}:${ACCOUNT}:${id}`;
  }
}

/** A state machine's name: the literal one the template gives it, else its logical id. */
function stateMachineName(template: TemplateJson, id: string): string {
  const name = template.Resources[id]?.Properties?.StateMachineName;
  return typeof name === 'string' ? name : id;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** True when a `Roles` entry of a policy names the role (by Ref for in-stack roles, by name for imported ones). */
function namesRole(entry: unknown, role: RoleRef): boolean {
  if (typeof entry === 'string') return role.name !== undefined && entry === role.name;
  return role.logicalId !== undefined && (entry as { Ref?: string }).Ref === role.logicalId;
}

/** A role of the template (logical id) or one imported by name. */
export interface RoleRef {
  /** Logical id of a role defined in the template. */
  readonly logicalId?: string;
  /** Name of a role imported by ARN. */
  readonly name?: string;
}

/** Every identity policy attached to `role` in the template, resolved. */
export function identityPolicies(template: TemplateJson, role: RoleRef): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  const doc = (name: string, raw: unknown): NamedPolicy => ({
    name,
    policy: resolve(template, raw) as NamedPolicy['policy'],
  });
  if (role.logicalId !== undefined) {
    const props = template.Resources[role.logicalId]?.Properties ?? {};
    for (const p of asArray(props.Policies as { PolicyName: string; PolicyDocument: unknown }[])) {
      out.push(doc(`${role.logicalId}/inline/${p.PolicyName}`, p.PolicyDocument));
    }
    for (const arn of asArray(props.ManagedPolicyArns as unknown[])) {
      const ref = (arn as { Ref?: string }).Ref;
      if (ref === undefined)
        throw new Error(`role ${role.logicalId} has a managed policy from outside the template`);
      out.push(doc(ref, template.Resources[ref]?.Properties?.PolicyDocument));
    }
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    if (asArray(r.Properties?.Roles as unknown[]).some((e) => namesRole(e, role)))
      out.push(doc(id, r.Properties?.PolicyDocument));
  }
  return out;
}
