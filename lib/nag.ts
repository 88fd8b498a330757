/**
 * Helpers to acknowledge cdk-nag findings one finding at a time, with a reason. The constructs do
 * not import cdk-nag (a dev tool, loaded only by the app in app/app.ts); they record
 * acknowledgements through CDK's own `Validations`.
 */
import { Stack, Validations } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';

/** Acknowledges one cdk-nag rule (or one finding of it) on `construct` and its children. */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

/**
 * Acknowledges `AwsSolutions-IAM5` for exactly these wildcard resources on `construct`: each finding
 * id carries the resource as cdk-nag prints it (intrinsics flattened to `<LogicalId>`).
 */
export function acknowledgeWildcardResources(
  construct: IConstruct,
  resourceArns: readonly string[],
  reason: string,
): void {
  const stack = Stack.of(construct);
  for (const arn of resourceArns) {
    acknowledge(construct, `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(arn))}]`, reason);
  }
}

// The same flattening cdk-nag applies to a resource before it names the finding.
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flatten(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o['Fn::ImportValue'] !== undefined) return flatten(o['Fn::ImportValue']);
    if (o.Ref !== undefined) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
