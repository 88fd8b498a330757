/** Refusals in AWS's words: `AccessDeniedException` naming the caller, the action, the resource and the policy kind that decided. */
import { AwsError } from '../aws/errors.js';
import type { Evaluation } from './evaluate.js';

/** Why a request was refused, in the words AWS ends its message with. */
function refusalReason(action: string, evaluation: Evaluation): string {
  if (evaluation.decision !== 'ExplicitlyDenied')
    return `because no identity-based policy allows the ${action} action`;
  return evaluation.deniedBy === 'resource'
    ? 'with an explicit deny in a resource-based policy'
    : 'with an explicit deny in an identity-based policy';
}

/**
 * The AccessDeniedException AWS answers (status 400 on the JSON protocol), e.g. "User:
 * arn:aws:sts::…:assumed-role/X/Y is not authorized to perform: secretsmanager:GetSecretValue on
 * resource: toolhive/k because no identity-based policy allows the secretsmanager:GetSecretValue
 * action". It names the resource as the caller did, never a value.
 */
export function accessDenied(
  callerArn: string,
  action: string,
  resource: string,
  evaluation: Evaluation,
): AwsError {
  const message = `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${refusalReason(action, evaluation)}`;
  // Secrets Manager prefixes a refusal by KMS, made on the caller's behalf, with its own sentence.
  return new AwsError(
    'AccessDeniedException',
    action.startsWith('kms:') ? `Access to KMS is not allowed. ${message}` : message,
  );
}
