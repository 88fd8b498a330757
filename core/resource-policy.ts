/**
 * The resource policy every system secret carries (docs/design.md §3): deny all Secrets Manager actions to
 * every principal except the listed role ARNs (the scope's role, the migration role, break-glass).
 */

/** An IAM policy document as plain JSON. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/** Sid of the deny statement, stable so tests and operators can find it. */
const SYSTEM_SECRET_DENY_SID = 'DenyAllButBrokerRoles';

/** The deny-all-but policy for a system secret; `allowedPrincipalArns` must not be empty. */
export function systemSecretResourcePolicy(allowedPrincipalArns: readonly string[]): PolicyDocument {
  if (allowedPrincipalArns.length === 0)
    throw new Error('a system secret policy needs at least one allowed principal ARN');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: SYSTEM_SECRET_DENY_SID,
        Effect: 'Deny',
        Principal: '*',
        Action: 'secretsmanager:*',
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...allowedPrincipalArns] } },
      },
    ],
  };
}
