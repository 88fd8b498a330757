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
  /** Service control policies, one entry per level of the organization (root, OU, account). */
  readonly serviceControlPolicies?: readonly OrgPolicies[];
  /** Resource control policies, one entry per level (RCPFullAWSAccess is added by the simulator). */
  readonly resourceControlPolicies?: readonly OrgPolicies[];
}

/** The policies of one level of the organization. */
export interface OrgPolicies {
  /** The root, OU or account id. */
  readonly orgIdentifier: string;
  /** Its policies. */
  readonly policies: readonly NamedPolicy[];
}

const orgPolicies = (levels: readonly OrgPolicies[] | undefined) =>
  (levels ?? []).map((l) => ({ orgIdentifier: l.orgIdentifier, policies: [...l.policies] }));

/** The decision IAM makes on `request` within the test account. */
export async function simulate(request: SimulatedRequest): Promise<Decision> {
  return (
    await evaluate({
      ...request,
      account: ACCOUNT,
      serviceControlPolicies: orgPolicies(request.serviceControlPolicies),
      resourceControlPolicies: orgPolicies(request.resourceControlPolicies),
    })
  ).decision;
}
