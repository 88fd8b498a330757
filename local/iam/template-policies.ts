/**
 * Reads IAM policies out of a synthesized template and resolves their intrinsics to fixed, fake
 * physical values of one account and region: what the local endpoint evaluates (docs/design.md §6), and
 * what the template tests pin and feed to the IAM simulator.
 */

/** A CloudFormation template as JSON. */
export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** One IAM statement, resolved. */
export type Statement = Record<string, unknown>;

/** A resolved policy document. */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: Statement[];
}

/** A resolved policy document and where it came from. */
export interface NamedPolicy {
  /** Logical id of the policy resource (or `<role>/inline/<name>`). */
  readonly name: string;
  /** The resolved document. */
  readonly policy: PolicyDocument;
}

/** The account and region the fake physical values are in. */
export interface Place {
  readonly account: string;
  readonly region: string;
}

/** ARNs of the resources a template's logical ids stand for, in `place`. */
export const placeArns = (place: Place) => ({
  /** A role of the template resolves to its logical id as name. */
  role: (name: string): string => `arn:aws:iam::${place.account}:role/${name}`,
  /** A key of the template: its logical id as key id. */
  key: (keyId: string): string => `arn:aws:kms:${place.region}:${place.account}:key/${keyId}`,
  /** A log group as log-write grants name it. */
  logGroup: (id: string): string => `arn:aws:logs:${place.region}:${place.account}:log-group:${id}:*`,
  /** The secrets named by `name` (IAM wildcards allowed). */
  secret: (name: string): string => `arn:aws:secretsmanager:${place.region}:${place.account}:secret:${name}`,
  /** A function of the template: its logical id as name. */
  function: (id: string): string => `arn:aws:lambda:${place.region}:${place.account}:function:${id}`,
  /** The state machine named `name`. */
  stateMachine: (name: string): string =>
    `arn:aws:states:${place.region}:${place.account}:stateMachine:${name}`,
  /** The execution `execution` of the state machine named `name`. */
  execution: (name: string, execution: string): string =>
    `arn:aws:states:${place.region}:${place.account}:execution:${name}:${execution}`,
  /** The SSM parameter `name` (absolute, leading `/`). */
  parameter: (name: string): string => `arn:aws:ssm:${place.region}:${place.account}:parameter${name}`,
});

/** A state machine's name: the literal one the template gives it, else its logical id. */
function stateMachineName(template: TemplateJson, id: string): string {
  const name = template.Resources[id]?.Properties?.StateMachineName;
  return typeof name === 'string' ? name : id;
}

/** Resolves Ref, Fn::GetAtt and Fn::Join to fixed fake values in `place`. */
export function resolve(template: TemplateJson, value: unknown, place: Place): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v, place));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) return resolveRef(template, String(o.Ref), place);
  if ('Fn::GetAtt' in o) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    return resolveGetAtt(template, id, attr, place);
  }
  if ('Fn::Join' in o) {
    const [delimiter, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => String(resolve(template, p, place))).join(delimiter);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(template, v, place)]));
}

function resolveRef(template: TemplateJson, id: string, place: Place): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': place.region,
    'AWS::AccountId': place.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (id in pseudo) return pseudo[id] as string;
  const type = template.Resources[id]?.Type;
  if (type === undefined) throw new Error(`Ref to unknown resource ${id}`);
  if (type === 'AWS::IAM::ManagedPolicy') return `arn:aws:iam::${place.account}:policy/${id}`;
  if (type === 'AWS::StepFunctions::StateMachine')
    return placeArns(place).stateMachine(stateMachineName(template, id));
  return id;
}

function resolveGetAtt(template: TemplateJson, id: string, attr: string, place: Place): string {
  const type = template.Resources[id]?.Type;
  if (type === 'AWS::StepFunctions::StateMachine' && attr === 'Name') return stateMachineName(template, id);
  if (attr !== 'Arn') return `${id}.${attr}`;
  const arns = placeArns(place);
  switch (type) {
    case 'AWS::Lambda::Function':
      return arns.function(id);
    case 'AWS::IAM::Role':
      return arns.role(id);
    case 'AWS::KMS::Key':
      return arns.key(id);
    case 'AWS::Logs::LogGroup':
      return arns.logGroup(id);
    default:
      return `arn:aws:fake:${place.region}:${place.account}:${id}`;
  }
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

/** Every identity policy attached to `role` in the template (inline and managed), resolved in `place`. */
export function identityPolicies(template: TemplateJson, role: RoleRef, place: Place): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  if (role.logicalId !== undefined) {
    const props = template.Resources[role.logicalId]?.Properties ?? {};
    for (const p of asArray(props.Policies as { PolicyName: string; PolicyDocument: unknown }[])) {
      out.push(resolvedPolicy(template, `${role.logicalId}/inline/${p.PolicyName}`, p.PolicyDocument, place));
    }
    for (const arn of asArray(props.ManagedPolicyArns as unknown[])) {
      const ref = (arn as { Ref?: string }).Ref;
      if (ref === undefined)
        throw new Error(`role ${role.logicalId} has a managed policy from outside the template`);
      out.push(resolvedPolicy(template, ref, template.Resources[ref]?.Properties?.PolicyDocument, place));
    }
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    if (asArray(r.Properties?.Roles as unknown[]).some((e) => namesRole(e, role)))
      out.push(resolvedPolicy(template, id, r.Properties?.PolicyDocument, place));
  }
  return out;
}

/** The document of the policy resource `id` (or any raw document), resolved in `place`. */
export function resolvedPolicy(
  template: TemplateJson,
  name: string,
  raw: unknown,
  place: Place,
): NamedPolicy {
  return { name, policy: resolve(template, raw, place) as PolicyDocument };
}
