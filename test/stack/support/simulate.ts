/** One IAM decision in the test account, through the evaluator of local/iam/evaluate.ts. */
import { type Decision, evaluate } from '../../../local/iam/evaluate.js';
import type { NamedPolicy } from './policies.js';
import { ACCOUNT } from './synth.js';

export type { Decision } from '../../../local/iam/evaluate.js';

/** One request to decide. */
export interface SimulatedRequest {
  /** The calling role's ARN (also its `aws:PrincipalArn`). */
  readonly principalArn: string;
  /** IAM action. */
  readonly action: string;
  /** Resource ARN or `*`. */
  readonly resource: string;
  /** Request context besides the principal's. */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The principal's identity policies. */
  readonly identityPolicies: readonly NamedPolicy[];
  /** The resource's policy, if it has one. */
  readonly resourcePolicy?: NamedPolicy['policy'];
}

/** The decision IAM makes on `request` within the test account. */
export async function simulate(request: SimulatedRequest): Promise<Decision> {
  return (await evaluate({ ...request, account: ACCOUNT })).decision;
}
