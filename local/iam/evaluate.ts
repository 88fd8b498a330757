/**
 * One IAM decision through @cloud-copilot/iam-simulate, a real policy evaluator (AGPL-3.0: a
 * devDependency, loaded only on the desk by `npm start` and the tests; local/ is not in the
 * published package). Decisions are cached: the evaluator takes about a millisecond per call and the
 * same principal asks the same question of the same policies over and over.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy, PolicyDocument } from './template-policies.js';

/** What IAM decides. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One request to decide. */
export interface EvaluationRequest {
  /** The calling role's ARN (also its `aws:PrincipalArn`). */
  readonly principalArn: string;
  /** The account the principal and the resource are in. */
  readonly account: string;
  /** IAM action. */
  readonly action: string;
  /** Resource ARN or `*`. */
  readonly resource: string;
  /** Request context besides the principal's. */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The principal's identity policies. */
  readonly identityPolicies: readonly NamedPolicy[];
  /** The resource's policy (a secret's, a key's), if it has one. */
  readonly resourcePolicy?: PolicyDocument;
  /** Service control policies, one entry per level of the organization (tests of the SCP recipe). */
  readonly serviceControlPolicies?: readonly OrgLevelPolicies[];
  /** Resource control policies, one entry per level (tests of the RCP recipe). */
  readonly resourceControlPolicies?: readonly OrgLevelPolicies[];
}

/** The policies of one level of the organization (root, OU or account). */
export interface OrgLevelPolicies {
  readonly orgIdentifier: string;
  readonly policies: NamedPolicy[];
}

/** What IAM decides, and which kind of policy decided a refusal. */
export interface Evaluation {
  readonly decision: Decision;
  /** For an explicit deny: the kind of policy the deny is in. */
  readonly deniedBy?: 'identity' | 'resource';
}

/** The decision IAM makes on `request` (same account for principal and resource). */
export async function evaluate(request: EvaluationRequest): Promise<Evaluation> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principalArn,
        action: request.action,
        resource: { resource: request.resource, accountId: request.account },
        contextVariables: {
          'aws:PrincipalArn': request.principalArn,
          'aws:PrincipalAccount': request.account,
          ...request.context,
        },
      },
      identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [...(request.serviceControlPolicies ?? [])],
      resourceControlPolicies: [...(request.resourceControlPolicies ?? [])],
      ...(request.resourcePolicy === undefined ? {} : { resourcePolicy: request.resourcePolicy }),
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(
      `${request.principalArn} ${request.action} ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  const decision = (result as { overallResult: Decision }).overallResult;
  if (decision !== 'ExplicitlyDenied') return { decision };
  return { decision, deniedBy: deniedBy(result) };
}

/** Which kind of policy holds the explicit deny, from the simulator's analysis. */
function deniedBy(result: unknown): 'identity' | 'resource' {
  type Analysis = { identityAnalysis?: { result?: string }; resourceAnalysis?: { result?: string } };
  const r = result as { result?: { analysis?: Analysis }; results?: { analysis?: Analysis }[] };
  const analyses = [r.result?.analysis, ...(r.results ?? []).map((x) => x.analysis)];
  const denied = (kind: keyof Analysis) => analyses.some((a) => a?.[kind]?.result === 'ExplicitlyDenied');
  return !denied('identityAnalysis') && denied('resourceAnalysis') ? 'resource' : 'identity';
}

/** Memoizes {@link evaluate} by everything its answer depends on. */
export class DecisionCache {
  private readonly decisions = new Map<string, Promise<Evaluation>>();

  constructor(private readonly limit = 50_000) {}

  /** The decision on `request`, computed once per distinct request. */
  decide(request: EvaluationRequest, policyVersion: string): Promise<Evaluation> {
    const key = JSON.stringify([
      policyVersion,
      request.principalArn,
      request.action,
      request.resource,
      request.context ?? {},
      request.resourcePolicy ?? null,
    ]);
    let found = this.decisions.get(key);
    if (found === undefined) {
      if (this.decisions.size >= this.limit) this.decisions.clear();
      found = evaluate(request);
      this.decisions.set(key, found);
      found.catch(() => this.decisions.delete(key));
    }
    return found;
  }
}
