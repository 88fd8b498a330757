/** One IAM decision through @cloud-copilot/iam-simulate (AGPL: a test-only devDependency). */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy } from './policies.js';
import { ACCOUNT } from './synth.js';

/** What IAM decides. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

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
  const result = await runSimulation(
    {
      request: {
        principal: request.principalArn,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: {
          'aws:PrincipalArn': request.principalArn,
          'aws:PrincipalAccount': ACCOUNT,
          ...request.context,
        },
      },
      identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: orgPolicies(request.serviceControlPolicies),
      resourceControlPolicies: orgPolicies(request.resourceControlPolicies),
      ...(request.resourcePolicy === undefined ? {} : { resourcePolicy: request.resourcePolicy }),
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(
      `${request.principalArn} ${request.action} ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  return (result as { overallResult: Decision }).overallResult;
}
