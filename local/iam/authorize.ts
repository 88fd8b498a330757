/**
 * The local endpoint's IAM (docs/design.md §6): who signed the request, and whether the stack's policies
 * let that principal make the call, decided by a real IAM policy evaluator before the operation
 * touches the store. An explicit deny in any policy wins; a refusal is an AccessDeniedException in
 * AWS's words and never carries a value.
 */
import { AwsError } from '../aws/errors.js';
import type { Body, OperationContext } from '../aws/input.js';
import { listSecretsPage } from '../aws/listing.js';
import { resolveSecret } from '../aws/secretsmanager/service.js';
import type { SqliteStore } from '../aws/store.js';
import { type SignedRequestParts, verifySigV4 } from '../gateway/sigv4-verifier.js';
import { bindEncryptionContext } from './encryption-context.js';
import { DecisionCache, type Evaluation } from './evaluate.js';
import { accessDenied } from './messages.js';
import { ADMIN, type Principal, principalsOf } from './principals.js';
import { type Check, getValueChecks, type Lookup, secretsManagerChecks, ssmChecks } from './requests.js';
import type { IamModel } from './stack-model.js';
import type { PolicyDocument } from './template-policies.js';

/** One request as the protocol layer hands it over. */
export interface GuardedRequest {
  /** The request as it arrived (for its signature). */
  readonly parts: SignedRequestParts;
  /** The `x-amz-target` service prefix (`secretsmanager`, `AmazonSSM`). */
  readonly service: string;
  /** The operation (`GetSecretValue`, ...). */
  readonly operation: string;
  /** The parsed body. */
  readonly body: Body;
}

/** SigV4 signing name of each `x-amz-target` service prefix. */
const SIGNING_NAMES: Readonly<Record<string, string>> = {
  secretsmanager: 'secretsmanager',
  AmazonSSM: 'ssm',
};

/** The enforcing authorizer of one endpoint: the stack's principals and policies over its store. */
export class Authorizer {
  /** Every principal, the stack's roles first. */
  readonly principals: readonly Principal[];
  private readonly admin: Principal;
  private readonly decisions = new DecisionCache();
  private readonly lookup: Lookup;

  constructor(
    /** The stack's IAM it enforces. */
    readonly model: IamModel,
    private readonly store: SqliteStore,
  ) {
    this.principals = principalsOf(model);
    this.admin = this.principals.find((p) => p.name === ADMIN) as Principal;
    this.lookup = {
      region: model.region,
      keyArn: model.keyArn,
      keyPolicy: model.keyPolicy,
      secret: (id) => resolveSecret(store, model.region, id),
      versionFor: (secret, versionId, stage) =>
        versionId ?? store.versions.idForStage(secret.id, stage ?? 'AWSCURRENT'),
    };
  }

  /**
   * The principal whose key signed the request. A known key with a bad signature is refused as
   * AWS refuses it; an unknown key, or no signature, acts as `admin` (the account's administrator),
   * so scripts that seed legacy data with any credentials keep working.
   */
  async authenticate(parts: SignedRequestParts, service: string): Promise<Principal> {
    const outcome = await verifySigV4(parts, {
      region: this.model.region,
      service: SIGNING_NAMES[service] ?? service,
      credentials: this.principals,
      now: new Date(),
    });
    if (outcome.kind === 'verified') return outcome.credential as Principal;
    if (outcome.kind === 'unsigned' || outcome.errorType === 'UnrecognizedClientException') return this.admin;
    throw new AwsError(outcome.errorType, outcome.message);
  }

  /** Authenticates and authorizes one request: what the protocol layer calls before the operation. */
  async guard(request: GuardedRequest): Promise<OperationContext> {
    const principal = await this.authenticate(request.parts, request.service);
    return this.authorize(principal, request.service, request.operation, request.body);
  }

  /** Authorizes `operation` of `service` for `principal`; throws the AccessDeniedException AWS would. */
  async authorize(
    principal: Principal,
    service: string,
    operation: string,
    body: Body,
  ): Promise<OperationContext> {
    const checks =
      service === 'AmazonSSM'
        ? ssmChecks(this.lookup, operation, body)
        : secretsManagerChecks(this.lookup, operation, body);
    const refusal = await this.firstRefusal(principal, checks);
    if (refusal !== undefined) throw refusal;
    if (service !== 'secretsmanager' || operation !== 'BatchGetSecretValue') return {};
    return this.batchRefusals(principal, body);
  }

  /** The refusal of the first check IAM does not allow, if any. */
  private async firstRefusal(principal: Principal, checks: readonly Check[]): Promise<AwsError | undefined> {
    const evaluations = await Promise.all(
      checks.map((c) =>
        // Fail closed: a request the evaluator cannot take (an odd context key) is refused, never a 500.
        this.evaluate(principal, c).catch((): Evaluation => ({ decision: 'ImplicitlyDenied' })),
      ),
    );
    const index = evaluations.findIndex((e) => e.decision !== 'Allowed');
    if (index < 0) return undefined;
    const check = checks[index] as Check;
    return accessDenied(principal.callerArn, check.action, check.shown, evaluations[index] as Evaluation);
  }

  /** IAM's decision on one check, with a KMS call's encryption context bound into the policies. */
  private evaluate(principal: Principal, check: Check): Promise<Evaluation> {
    const bound = check.encryptionContext;
    const bind = (policy: PolicyDocument): PolicyDocument =>
      bound === undefined ? policy : bindEncryptionContext(policy, bound);
    return this.decisions.decide(
      {
        principalArn: principal.roleArn,
        account: this.model.account,
        action: check.action,
        resource: check.resource,
        context: check.context,
        identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: bind(p.policy) })),
        ...(check.resourcePolicy === undefined ? {} : { resourcePolicy: bind(check.resourcePolicy) }),
      },
      JSON.stringify([principal.name, bound ?? null]),
    );
  }

  /**
   * "Secrets Manager authorizes each secret as a GetSecretValue of the caller": every secret of a
   * batch (named in SecretIdList, or the page its Filters select) judged on its own; a refusal is
   * reported in `Errors` by the operation, never a value.
   */
  private async batchRefusals(principal: Principal, body: Body): Promise<OperationContext> {
    const refused = new Map<string, AwsError>();
    const ids = Array.isArray(body.SecretIdList)
      ? body.SecretIdList.filter((id): id is string => typeof id === 'string')
      : this.filterPage(body);
    await Promise.all(
      ids.map(async (id) => {
        const refusal = await this.firstRefusal(principal, getValueChecks(this.lookup, id));
        if (refusal !== undefined) refused.set(id, refusal);
      }),
    );
    return { refused: (id) => refused.get(id) };
  }

  /** The ARNs of the page a BatchGetSecretValue with Filters reads (its own errors are the operation's). */
  private filterPage(body: Body): string[] {
    try {
      const max = typeof body.MaxResults === 'number' ? body.MaxResults : 20;
      return listSecretsPage(this.store, body, max, false).page.map((s) => s.arn);
    } catch {
      return [];
    }
  }
}
