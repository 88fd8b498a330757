/**
 * IAM Identity Center's roles (`AWSReservedSSO_<permission set>_<id>`, path
 * `/aws-reserved/sso.amazonaws.com/`) belong to Identity Center: it rewrites their policies from
 * the permission set, and IAM refuses anyone else's attach. A grant to one would synthesize and then
 * fail the deploy, or be undone; the way in is the permission set, with the broker's managed policy.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Token } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { constructError } from './construct-error.js';

/** Name prefix of every role Identity Center creates for a permission set. */
const SSO_ROLE_PREFIX = 'AWSReservedSSO_';
/** Path of those roles. */
const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

/** True when `value` is a literal role name or ARN of an Identity Center role. */
function isIdentityCenterRole(value: string | undefined): boolean {
  if (value === undefined || Token.isUnresolved(value)) return false;
  const name = value.slice(value.lastIndexOf('/') + 1);
  return name.startsWith(SSO_ROLE_PREFIX) || value.includes(SSO_ROLE_PATH);
}

/**
 * Throws, at synth, when `grantee` is an Identity Center role, naming the managed policy (stack
 * output) to put in its permission set instead. `broker` is the construct granting (its path leads
 * the message); `method` and `output` say which grant it was.
 */
export function refuseIdentityCenterRole(
  broker: IConstruct,
  grantee: iam.IGrantable,
  method: string,
  output: string,
): void {
  const principal = grantee.grantPrincipal as Partial<iam.IRole>;
  const names = [principal.roleName, principal.roleArn];
  if (!names.some(isIdentityCenterRole)) return;
  const role = names.find((n) => n !== undefined && !Token.isUnresolved(n));
  throw constructError(
    broker,
    `${method}: ${role} is an IAM Identity Center role; Identity Center owns its policies, so the stack cannot attach to it. ` +
      `Add the customer managed policy named by the stack output ${output} (broker.addOutputs()) to the permission set instead ` +
      '(aws sso-admin attach-customer-managed-policy-reference-to-permission-set, with the name and path from that ARN), then provision the permission set; see "IAM Identity Center" in docs/deploy.md.',
  );
}
