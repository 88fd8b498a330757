/**
 * Names that survive replacing the stack. System secrets' resource policies and the key policy
 * name the broker roles by ARN (`aws:PrincipalArn` conditions, a string match, so a role deleted
 * and created again under the same name matches again; a `Principal` element would have been
 * rewritten to the old role's unique id). The secrets and the key outlive the stack, so the roles
 * of a replacement stack must come back under the same ARNs: names CloudFormation generates carry
 * a random suffix and would be locked out. So the roles are named from what stays the same: the
 * stack name, the construct path and the region.
 */
import { createHash } from 'node:crypto';
import { Stack, Token } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';

/** IAM's limit on a role name. */
export const MAX_ROLE_NAME_LENGTH = 64;
/** Longest region name there is (`us-isof-south-1`), for names that carry an unresolved region. */
const MAX_REGION_LENGTH = 15;
/** Hex digits of the path hash: unique per stack and construct, short enough to leave room to read. */
const HASH_LENGTH = 8;

/** Characters IAM allows in a role name besides letters and digits that a construct id may hold. */
const sanitized = (text: string): string => text.replace(/[^A-Za-z0-9+=,.@_-]/g, '');

/**
 * A role name for `construct` that is the same in every synthesis of a stack with the same name,
 * different for every other construct, stack name or region (IAM names are account-wide), and at
 * most 64 characters: `<stack>-<construct path below the stack>` cut to fit, a hash of the stack name and the
 * construct path, and the region (`ThvSecretBroker-Broker-Scope-workloads-1a2b3c4d-eu-west-1`).
 * Undefined when the stack name is unresolved (a nested stack): CloudFormation then names the role.
 */
export function stableRoleName(construct: IConstruct): string | undefined {
  const stack = Stack.of(construct);
  if (Token.isUnresolved(stack.stackName)) return undefined;
  const hash = createHash('sha256')
    .update(`${stack.stackName}\0${construct.node.path}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const regionLength = Token.isUnresolved(stack.region) ? MAX_REGION_LENGTH : stack.region.length;
  const room = MAX_ROLE_NAME_LENGTH - regionLength - HASH_LENGTH - 2;
  const below = construct.node.scopes.slice(construct.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
  const head = sanitized([stack.stackName, ...below].join('-')).slice(0, room);
  // An unresolved region becomes `${AWS::Region}` in the template: the name is fixed per region.
  return `${head}-${hash}-${stack.region}`;
}
