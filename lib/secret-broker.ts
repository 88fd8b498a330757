/**
 * The secret broker (docs/design.md §2–§4): a KMS key, a user function and one function per scope, the
 * REST API in front of them, the reserved-prefix guard policy, tamper detection, and the grant
 * methods platform teams use to let their roles in.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ArnFormat, Stack } from 'aws-cdk-lib/core';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENV } from '../core/config.js';
import { RESERVED_PREFIX } from '../core/index.js';
import { BrokerApi, scopeRoutePaths, USER_ROUTE_PATHS } from './broker-api.js';
import { BrokerFunction } from './broker-function.js';
import { TamperDetection } from './detection.js';
import { MigrationJob } from './migration-job.js';
import { acknowledgeWildcardResources } from './nag.js';
import { addBrokerOutputs, type BrokerOutputs, scopeAccessOutputName } from './outputs.js';
import {
  grantBatchGetSecretValue,
  grantKeyUseForSecrets,
  grantLegacyReads,
  grantListSecrets,
  grantMigrationOperation,
  grantSecretWrites,
  grantUserSecrets,
  guardStatements,
  keyDecryptDenyStatement,
  perimeterStatements,
  scopeNamePatterns,
  secretArn,
  userRoleGuardStatements,
} from './policies.js';
import { type ResolvedBrokerProps, resolveBrokerProps, type SecretBrokerProps } from './props.js';
import { RequestAlarms } from './request-alarms.js';
import { refuseIdentityCenterRole } from './sso-roles.js';

/** Scope functions also attach the deny-all-but resource policy to the system secrets they write. */
const SCOPE_EXTRA_ACTIONS = ['secretsmanager:PutResourcePolicy'];

const LIST_REASON =
  'ListSecrets and BatchGetSecretValue take no resource in IAM; the functions filter the names they list themselves, and each secret of a batch read is authorized as its own GetSecretValue.';
const INVOKE_REASON =
  'Each method of these routes, any key below them: the routes, not the keys, are the unit of access.';

/** What a grant of routes gives: `execute-api:Invoke` on their method ARNs. */
interface RouteAccess {
  readonly actions: string[];
  readonly resourceArns: string[];
}

const routeAccessStatement = (access: RouteAccess): iam.PolicyStatement =>
  new iam.PolicyStatement({ actions: access.actions, resources: access.resourceArns });

/** The secret broker construct. */
export class SecretBroker extends Construct {
  /** Validated props with defaults applied. */
  readonly config: ResolvedBrokerProps;
  /** KMS key of every broker secret. */
  readonly key: kms.IKey;
  /** The function behind the user routes. */
  readonly userFunction: BrokerFunction;
  /** The function of each scope, by scope name. */
  readonly scopeFunctions: ReadonlyMap<string, BrokerFunction>;
  /** The REST API. */
  readonly api: BrokerApi;
  /**
   * The reserved-prefix deny and the no-planting deny, attachable to any role (docs/design.md §3); roles
   * given user or scope access carry it.
   */
  readonly guardPolicy: iam.ManagedPolicy;
  /**
   * The denies around the API (docs/design.md §3): no invoking or changing the broker's functions, no
   * starting or stopping the migration, no writing its flag, no use of its key outside Secrets
   * Manager, no passing or changing its roles. Roles given user or scope access carry it; a role
   * managed elsewhere attaches it beside {@link userAccessPolicy} or a scope access policy (they
   * are separate because together they would pass IAM's 6,144-character limit of one policy).
   */
  readonly perimeterPolicy: iam.ManagedPolicy;
  /** The listing deny that roles given `grantUserAccess` carry besides the guard. */
  readonly userRoleGuardPolicy: iam.ManagedPolicy;
  /**
   * What {@link grantUserAccess} gives but the perimeter, as one managed policy a role managed
   * elsewhere can attach (with {@link perimeterPolicy} beside it): invoke on the user routes, the
   * guard and the user-role guard.
   */
  readonly userAccessPolicy: iam.ManagedPolicy;
  /**
   * What {@link grantScopeAccess} gives but the perimeter, for each scope, as one managed policy per
   * scope (with {@link perimeterPolicy} beside it): invoke on that scope's routes and the guard.
   */
  readonly scopeAccessPolicies: ReadonlyMap<string, iam.ManagedPolicy>;
  /** The tamper-detection rule and topic. */
  readonly detection: TamperDetection;
  /** Alarms on the functions' request metrics, sent to the detection topic. */
  readonly requestAlarms: RequestAlarms;
  /** SSM parameter name of the migration's done-flag. */
  readonly migrationFlagParameterName: string;
  /** The legacy-key migration job (docs/design.md §5). */
  readonly migration: MigrationJob;
  /** Principals given user or scope access, and those given migration operation: never both. */
  private readonly accessHolders = new Set<string>();
  private readonly operators = new Set<string>();

  constructor(scope: Construct, id: string, props: SecretBrokerProps = {}) {
    super(scope, id);
    const config = resolveBrokerProps(props);
    this.config = config;
    const { root, scopes } = config;
    this.migrationFlagParameterName =
      config.migrationFlagParameterName ?? `/${Stack.of(this).stackName}/migration-done`;

    const ownKey = props.encryptionKey === undefined;
    this.key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `thv secret broker: secrets under ${root}`,
        enableKeyRotation: true,
        removalPolicy: config.keyRemovalPolicy,
      });

    const common: Record<string, string> = {
      [ENV.root]: root,
      [ENV.scopes]: scopes.join(','),
      [ENV.kmsKeyId]: this.key.keyArn,
      [ENV.recoveryWindowDays]: String(config.recoveryWindowDays),
      [ENV.legacyFallback]: config.legacyFallback,
      [ENV.legacyPrefixes]: JSON.stringify(config.legacyPrefixes),
    };

    this.migration = new MigrationJob(this, 'Migration', {
      root,
      scopes,
      legacyPrefixes: config.legacyPrefixes,
      key: this.key,
      flagParameterName: this.migrationFlagParameterName,
      commonEnvironment: common,
      logRetention: config.logRetention,
      ...props.migration,
    });

    this.userFunction = new BrokerFunction(this, 'UserApi', {
      handler: 'user',
      // The user function holds legacy names until the migration's flag is set.
      environment: { ...common, [ENV.migrationFlagParameter]: this.migrationFlagParameterName },
      logRetention: config.logRetention,
      description: 'thv secret broker: user secrets',
    });
    this.guardPolicy = new iam.ManagedPolicy(this, 'GuardPolicy', {
      description: `Denies direct access to the broker's system secrets (${root}${RESERVED_PREFIX}*)`,
      statements: guardStatements(this, root),
    });
    this.userRoleGuardPolicy = new iam.ManagedPolicy(this, 'UserRoleGuardPolicy', {
      description: `Denies roles of people listing the broker's secrets (${root})`,
      statements: userRoleGuardStatements(),
    });
    const userRole = this.userFunction.role;
    this.guardPolicy.attachToRole(userRole);
    grantUserSecrets(userRole, this, root);
    grantListSecrets(userRole);
    grantBatchGetSecretValue(userRole);
    grantKeyUseForSecrets(userRole, this, this.key, [`${root}*`]);
    acknowledgeWildcardResources(
      userRole,
      [secretArn(this, `${root}*`)],
      'User keys are any names under the root tagged thv:owner=user; the guard policy on this role denies the reserved names.',
    );
    acknowledgeWildcardResources(userRole, ['*'], LIST_REASON);
    this.grantFlagRead(userRole);

    const fallback = config.legacyFallback === 'until-migrated';
    // Besides each scope's own role, its system secrets and their data keys stay open to these.
    const trustedRoleArns = [
      this.migration.role.roleArn,
      ...(props.migrationRole === undefined ? [] : [props.migrationRole.roleArn]),
      ...config.breakGlassRoleArns,
    ];
    const scopeFunctions = new Map<string, BrokerFunction>();
    for (const name of scopes) {
      const fn = new BrokerFunction(this, `Scope-${name}`, {
        handler: 'scope',
        environment: {
          ...common,
          [ENV.servedScopes]: name,
          ...(fallback ? { [ENV.migrationFlagParameter]: this.migrationFlagParameterName } : {}),
        },
        logRetention: config.logRetention,
        description: `thv secret broker: system secrets of scope ${name}`,
      });
      // BrokerFunction creates the role, so the policy principals (own role first) are set afterwards.
      const systemPolicyPrincipals = [fn.role.roleArn, ...trustedRoleArns];
      fn.function.addEnvironment(ENV.systemPolicyPrincipals, systemPolicyPrincipals.join(','));
      const patterns = scopeNamePatterns(root, name, fallback ? config.legacyPrefixes : undefined);
      grantSecretWrites(fn.role, this, [patterns.own], SCOPE_EXTRA_ACTIONS);
      grantListSecrets(fn.role);
      grantBatchGetSecretValue(fn.role);
      grantKeyUseForSecrets(fn.role, this, this.key, [patterns.own, ...patterns.legacy]);
      if (patterns.legacy.length > 0) {
        grantLegacyReads(fn.role, this, patterns.legacy);
        this.grantFlagRead(fn.role);
      }
      acknowledgeWildcardResources(
        fn.role,
        [patterns.own, ...patterns.legacy].map((p) => secretArn(this, p)),
        `System keys of scope ${name} are any names under its prefix (and, under until-migrated, the legacy prefixes of this scope).`,
      );
      acknowledgeWildcardResources(fn.role, ['*'], LIST_REASON);
      if (ownKey) {
        this.key.addToResourcePolicy(
          keyDecryptDenyStatement(
            `DenyDecrypt${name}SystemSecrets`,
            this,
            patterns.own,
            systemPolicyPrincipals,
          ),
        );
      }
      scopeFunctions.set(name, fn);
    }
    this.scopeFunctions = scopeFunctions;
    // The job writes system secrets of every scope with the same policy that scope's function writes.
    this.migration.setScopePolicyPrincipals(
      Object.fromEntries(
        [...scopeFunctions].map(([name, fn]) => [name, [fn.role.roleArn, ...trustedRoleArns]]),
      ),
    );

    this.api = new BrokerApi(this, 'Api', {
      userFunction: this.userFunction.function,
      scopeFunctions: new Map([...scopeFunctions].map(([name, fn]) => [name, fn.function])),
      rateLimit: config.rateLimit,
      accountRole: config.apiGatewayAccountRole,
      burstLimit: config.burstLimit,
      logRetention: config.logRetention,
    });

    // Built from the same route access and guard statements as the grant methods, so a role with
    // the policy attached has what a granted role has; new routes of the route table come along.
    const userAccess = this.userRouteAccess();
    this.userAccessPolicy = new iam.ManagedPolicy(this, 'UserAccessPolicy', {
      description: `Use of the broker's user routes, and the denies on system secrets, planting and listing that go with it; attach the perimeter policy beside it (${root})`,
      statements: [
        routeAccessStatement(userAccess),
        ...guardStatements(this, root),
        ...userRoleGuardStatements(),
      ],
    });
    acknowledgeWildcardResources(this.userAccessPolicy, userAccess.resourceArns, INVOKE_REASON);
    this.scopeAccessPolicies = new Map(
      scopes.map((name) => {
        const access = this.scopeRouteAccess(name);
        const policy = new iam.ManagedPolicy(this, `ScopeAccessPolicy-${name}`, {
          description: `Use of the broker's routes of scope ${name}, and the denies on system secrets and planting that go with it`,
          statements: [routeAccessStatement(access), ...guardStatements(this, root)],
        });
        acknowledgeWildcardResources(policy, access.resourceArns, INVOKE_REASON);
        return [name, policy];
      }),
    );

    this.detection = new TamperDetection(this, 'Detection', {
      root,
      brokerRoleArns: [
        ...[...scopeFunctions.values()].map((fn) => fn.role.roleArn),
        this.migration.role.roleArn,
        ...(props.migrationRole === undefined ? [] : [props.migrationRole.roleArn]),
      ],
    });
    this.requestAlarms = new RequestAlarms(this, 'Alarms', {
      topic: this.detection.topic,
      reservedKeyThreshold: config.reservedKeyAlarmThreshold,
    });

    // Last: it names every function and role of the broker, the job's starter included.
    this.perimeterPolicy = new iam.ManagedPolicy(this, 'PerimeterPolicy', {
      description: `Denies the paths around the broker's API: its functions, migration, flag, key and roles (${root})`,
      statements: perimeterStatements(this, {
        root,
        ...this.brokerCode(),
        stateMachineArn: this.migration.stateMachine.stateMachineArn,
        executionArns: this.migrationExecutionArns(),
        flagParameterArn: this.flagParameterArn(),
        ...(ownKey ? { keyArn: this.key.keyArn } : {}),
      }),
    });
    for (const role of props.migrationOperatorRoles ?? []) this.grantMigrationOperator(role);
  }

  /**
   * Lets an existing role use the user routes, and attaches the guard, user-role guard and
   * perimeter policies, so the role is denied system secrets, planting, listing and every path
   * around the API (functions, migration, flag, key, roles) whatever else it holds.
   */
  grantUserAccess(role: iam.IRole): iam.Grant {
    refuseIdentityCenterRole(role, 'grantUserAccess', 'UserAccessPolicyArn');
    this.holdsAccess(role, 'grantUserAccess');
    this.guardPolicy.attachToRole(role);
    this.userRoleGuardPolicy.attachToRole(role);
    this.perimeterPolicy.attachToRole(role);
    const access = this.userRouteAccess();
    acknowledgeWildcardResources(role, access.resourceArns, INVOKE_REASON);
    return iam.Grant.addToPrincipal({ grantee: role, ...access });
  }

  /**
   * Lets a service call one scope's routes, and nothing else of the broker: the guard and the
   * perimeter policies are attached to its role (or user or group), so it is denied the system
   * secrets and every path around the API whatever else it holds. Managed policies attach only to
   * IAM identities, so a grantee whose principal is none (a service principal) is refused.
   */
  grantScopeAccess(grantee: iam.IGrantable, scope: string): iam.Grant {
    refuseIdentityCenterRole(grantee, 'grantScopeAccess', scopeAccessOutputName(scope));
    const access = this.scopeRouteAccess(scope);
    const principal = grantee.grantPrincipal;
    this.holdsAccess(principal, 'grantScopeAccess');
    for (const policy of [this.guardPolicy, this.perimeterPolicy])
      attachTo(policy, principal, 'grantScopeAccess');
    if (Construct.isConstruct(grantee))
      acknowledgeWildcardResources(grantee, access.resourceArns, INVOKE_REASON);
    return iam.Grant.addToPrincipal({ grantee, ...access });
  }

  /**
   * Adds the stack outputs a deployment needs (`ApiUrl`, `ApiId`, `KeyArn`, the access policy
   * ARNs, the migration's state machine, function and flag), named as the CLI and the docs use them.
   */
  addOutputs(): BrokerOutputs {
    return addBrokerOutputs(this);
  }

  /**
   * Lets an operator role run the migration (`thv-broker migrate plan|start|status`): invoke the
   * job's function, start, list and describe its executions, read the flag. Nobody else may: roles
   * given user or scope access are denied all of it by the perimeter policy, so an operator role
   * must not be one of them (refused here, in either order).
   */
  grantMigrationOperator(grantee: iam.IGrantable): iam.Grant {
    const key = principalKey(grantee.grantPrincipal);
    if (this.accessHolders.has(key)) throw new Error(operatorConflict(key));
    this.operators.add(key);
    const [first, ...rest] = grantMigrationOperation(
      grantee,
      {
        functionArn: this.migration.function.function.functionArn,
        stateMachineArn: this.migration.stateMachine.stateMachineArn,
        executionArns: this.migrationExecutionArns(),
      },
      this.flagParameterArn(),
    );
    return rest.reduce((all, grant) => all.combine(grant), first as iam.Grant);
  }

  /** Records a principal given user or scope access; refuses one that operates the migration. */
  private holdsAccess(principal: iam.IPrincipal, method: string): void {
    const key = principalKey(principal);
    if (this.operators.has(key)) throw new Error(`${method}: ${operatorConflict(key)}`);
    this.accessHolders.add(key);
  }

  /**
   * Every function of the broker and the role it runs as, plus the singleton provider that starts
   * the job on first deploy (a crafted event to it starts the state machine with its role).
   */
  private brokerCode(): { functionArns: string[]; roleArns: string[] } {
    const provider = Stack.of(this).node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    const functions = [
      ...this.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function),
      ...(provider instanceof lambda.Function ? [provider] : []),
    ];
    const roles = [
      ...this.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role),
      ...functions.flatMap((fn) => (fn.role instanceof iam.Role ? [fn.role] : [])),
    ];
    return {
      functionArns: functions.map((fn) => fn.functionArn),
      roleArns: [...new Set(roles)].map((role) => role.roleArn),
    };
  }

  /** ARN pattern of every execution of the migration's state machine. */
  private migrationExecutionArns(): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.migration.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** What a user grant gives besides the guard policies: invoke on every route of the user table. */
  private userRouteAccess(): RouteAccess {
    return { actions: ['execute-api:Invoke'], resourceArns: this.api.invokeArns(USER_ROUTE_PATHS) };
  }

  /** What a scope grant gives: invoke on every route of the scope table, for `scope` only. */
  private scopeRouteAccess(scope: string): RouteAccess {
    if (!this.scopeFunctions.has(scope)) {
      throw new Error(
        `grantScopeAccess: scope ${JSON.stringify(scope)} is not one of this broker's scopes (${this.config.scopes.join(', ')}); add it to the scopes prop or pick one of those`,
      );
    }
    return { actions: ['execute-api:Invoke'], resourceArns: this.api.invokeArns(scopeRoutePaths(scope)) };
  }

  private grantFlagRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter'],
      resourceArns: [this.flagParameterArn()],
    });
  }

  /** ARN of the migration's flag parameter. */
  private flagParameterArn(): string {
    return Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: this.migrationFlagParameterName.slice(1),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}

/** How a principal is told apart from others: its ARN (a token names one resource), else its path. */
function principalKey(principal: iam.IPrincipal): string {
  const p = principal as Partial<iam.IRole & iam.IUser & iam.IGroup>;
  return p.roleArn ?? p.userArn ?? p.groupArn ?? JSON.stringify(principal.policyFragment.principalJson);
}

const operatorConflict = (key: string): string =>
  `${key} cannot both hold user or scope access and operate the migration: the access's perimeter policy denies it the job; give the migration a separate operator role`;

/** Attaches `policy` to a role, user or group; refuses any other principal, naming the fix. */
function attachTo(policy: iam.ManagedPolicy, principal: iam.IPrincipal, method: string): void {
  const p = principal as Partial<iam.IRole & iam.IUser & iam.IGroup>;
  if (p.roleName !== undefined && p.roleArn !== undefined) policy.attachToRole(p as iam.IRole);
  else if (p.userName !== undefined && p.userArn !== undefined) policy.attachToUser(p as iam.IUser);
  else if (p.groupName !== undefined && p.groupArn !== undefined) policy.attachToGroup(p as iam.IGroup);
  else
    throw new Error(
      `${method}: the grantee's principal is not an IAM role, user or group, so the deny policies that go with the access cannot be attached to it; pass a role (or a construct whose grantPrincipal is one)`,
    );
}
