/**
 * The migration state machine as the stack synthesizes it: its Amazon States Language definition,
 * taken from the template, with every `Ref` / `Fn::GetAtt` replaced by a stand-in ARN (each Task
 * state is run by a local handler, so the ARNs only need to be well formed).
 */
import { LOCAL_ACCOUNT, DEFAULT_REGION as LOCAL_REGION } from '../aws/arn.js';

/** A CloudFormation template, as far as the extractor reads it. */
export interface TemplateJson {
  readonly Resources: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
}

/** An ASL definition: JSON with `StartAt` and `States`. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** Thrown when the template holds no (or more than one) state machine, or one that cannot be read. */
class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/** A stand-in ARN for a resource of the template. */
function standIn(logicalId: string, type: string | undefined): string {
  if (type === 'AWS::Lambda::Function')
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
  return `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:resource/${logicalId}`;
}

/** Resolves the intrinsic functions a synthesized DefinitionString uses. */
function resolve(value: unknown, template: TemplateJson): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null)
    throw new DefinitionError('unexpected value in DefinitionString');
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, template)).join(sep);
  }
  if (typeof v.Ref === 'string') {
    if (v.Ref === 'AWS::Region') return LOCAL_REGION;
    if (v.Ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
    if (v.Ref === 'AWS::Partition') return 'aws';
    if (v.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    return standIn(v.Ref, template.Resources[v.Ref]?.Type);
  }
  if (Array.isArray(v['Fn::GetAtt'])) {
    const [id] = v['Fn::GetAtt'] as [string, string];
    return standIn(id, template.Resources[id]?.Type);
  }
  throw new DefinitionError(`unsupported intrinsic in DefinitionString: ${Object.keys(v).join(', ')}`);
}

/** The one state machine's definition in `template`. */
export function definitionFromTemplate(template: TemplateJson): AslDefinition {
  const machines = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1)
    throw new DefinitionError(`expected one state machine in the template, found ${machines.length}`);
  const [, machine] = machines[0] as [string, { Properties?: Record<string, unknown> }];
  const text = resolve(machine.Properties?.DefinitionString, template);
  return JSON.parse(text) as AslDefinition;
}

/** Every Task state's name, including those inside Map and Parallel states. */
export function taskStateNames(definition: Pick<AslDefinition, 'States'>): string[] {
  const names: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') names.push(name);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) names.push(...taskStateNames(processor));
    for (const branch of (state.Branches as AslDefinition[] | undefined) ?? [])
      names.push(...taskStateNames(branch));
  }
  return names;
}
