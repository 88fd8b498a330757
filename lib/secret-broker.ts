/**
 * The secret broker (docs/design.md §2–§4): a KMS key, a user function and one function per scope, the
 * REST API in front of them, the reserved-prefix guard policy, tamper detection, and the grant
 * methods platform teams use to let their roles in. Its resources are exposed as CDK interfaces
 * (`IFunction`, `IRole`, `IRestApi`, …); the constructs that build them are internal.
 */
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Lazy, Stack } from 'aws-cdk-lib/core';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENV } from '../core/config.js';
import { RESERVED_PREFIX } from '../core/index.js';
import { BrokerApi, invokeArns, scopeRoutePaths, USER_ROUTE_PATHS } from './broker-api.js';
import { BrokerFunction } from './broker-function.js';
import { constructError } from './construct-error.js';
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
  parameterArn,
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

/** `execute-api:Invoke` on `arns`: the one allow of an access policy. */
const invokeStatement = (arns: readonly string[]): iam.PolicyStatement =>
  new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [...arns] });

/** The secret broker construct. */
export class SecretBroker extends Construct {
  /** KMS key of every broker secret. */
  readonly key: kms.IKey;
  /** The function behind the user routes. */
  readonly userFunction: lambda.IFunction;
  /** The user function's execution role; nothing else assumes it. */
  readonly userRole: iam.IRole;
  /** The function of each scope, by scope name. */
  readonly scopeFunctions: ReadonlyMap<string, lambda.IFunction>;
  /** The execution role of each scope's function, by scope name: the only role its system secrets allow besides the trusted ones. */
  readonly scopeRoles: ReadonlyMap<string, iam.IRole>;
  /** The REST API (IAM authorization on every method). */
  readonly api: apigw.IRestApi;
  /** Base URL of the API's stage (`https://<id>.execute-api.<region>.amazonaws.com/prod/`). */
  readonly apiUrl: string;
  /**
   * The reserved-prefix deny and the no-planting deny, attachable to any role (docs/design.md §3); roles
   * given user or scope access carry it inside their access policy.
   */
  readonly guardPolicy: iam.IManagedPolicy;
  /** The listing deny that roles given user access carry besides the guard. */
  readonly userRoleGuardPolicy: iam.IManagedPolicy;
  /**
   * The user access: invoke on the user routes, the guard and the user-role guard. {@link
   * grantUserAccess} attaches it with {@link perimeterPolicy}; a role managed elsewhere, or an IAM
   * Identity Center permission set, attaches the same two.
   */
  readonly userAccessPolicy: iam.IManagedPolicy;
  /**
   * The access of each scope, by scope name: invoke on that scope's routes and the guard. {@link
   * grantScopeAccess} attaches it with {@link perimeterPolicy}; a role managed elsewhere attaches
   * the same two.
   */
  readonly scopeAccessPolicies: ReadonlyMap<string, iam.IManagedPolicy>;
  /**
   * The denies around the API (docs/design.md §3): no invoking or changing the broker's functions, no
   * starting or stopping the migration, no writing its flag, no use of its key outside Secrets
   * Manager, no passing or changing its roles. It goes beside every access policy (they are
   * separate because together they would pass IAM's 6,144-character limit of one policy).
   */
  readonly perimeterPolicy: iam.IManagedPolicy;
  /** The topic of the tamper and reserved-key alarms. */
  readonly alarmTopic: sns.ITopic;
  /** The EventBridge rule that sends Secrets Manager calls on system secrets by anyone else to {@link alarmTopic}. */
  readonly tamperRule: events.IRule;
  /** The alarm on `reserved_key` refusals of the user routes, sent to {@link alarmTopic}. */
  readonly reservedKeyAlarm: cloudwatch.IAlarm;
  /** SSM parameter name of the migration's done-flag. */
  readonly migrationFlagParameterName: string;
  /** The legacy-key migration's state machine (docs/design.md §5). */
  readonly migrationStateMachine: sfn.IStateMachine;
  /** The migration's steps function (`thv-broker migrate plan` invokes it). */
  readonly migrationFunction: lambda.IFunction;
  /**
   * The migration job's own role (the steps function's), trusted by every system secret's resource
   * policy and the key policy. The `migrationRole` prop names an additional, external role.
   */
  readonly migrationRole: iam.IRole;

  private readonly config: ResolvedBrokerProps;
  /** ARN pattern of every execution of the migration's state machine. */
  private readonly migrationExecutionArns: string;
  /** Roles every scope's system secrets and their data keys allow besides the scope's own role. */
  private readonly trustedRoleArns: readonly string[];
  /** The managed policies the grant methods attach (public above as interfaces). */
  private readonly attachable: {
    readonly userAccess: iam.ManagedPolicy;
    readonly scopeAccess: ReadonlyMap<string, iam.ManagedPolicy>;
    readonly perimeter: iam.ManagedPolicy;
  };
  /** Principals given user or scope access, and those given migration operation: never both. */
  private readonly accessHolders = new Set<string>();
  private readonly operators = new Set<string>();

  constructor(scope: Construct, id: string, props: SecretBrokerProps = {}) {
    super(scope, id);
    const config = resolveBrokerProps(this, props);
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

    const migration = new MigrationJob(this, 'Migration', {
      root,
      legacyPrefixes: config.legacyPrefixes,
      key: this.key,
      flagParameterName: this.migrationFlagParameterName,
      commonEnvironment: common,
      // The job writes system secrets of every scope with the same policy that scope's function
      // writes; the scope roles are made below (they trust the job's role), so it is read at synth.
      scopePolicyPrincipals: Lazy.string({
        produce: () =>
          Stack.of(this).toJsonString(
            Object.fromEntries(
              [...this.scopeRoles].map(([name, role]) => [name, this.systemPolicyPrincipals(role)]),
            ),
          ),
      }),
      logRetention: config.logRetention,
      ...config.migration,
    });
    this.migrationStateMachine = migration.stateMachine;
    this.migrationFunction = migration.function;
    this.migrationRole = migration.role;
    this.migrationExecutionArns = migration.executionArns;
    this.trustedRoleArns = [
      migration.role.roleArn,
      ...(props.migrationRole === undefined ? [] : [props.migrationRole.roleArn]),
      ...config.breakGlassRoleArns,
    ];

    const user = new BrokerFunction(this, 'UserApi', {
      handler: 'user',
      // The user function holds legacy names until the migration's flag is set.
      environment: { ...common, [ENV.migrationFlagParameter]: this.migrationFlagParameterName },
      logRetention: config.logRetention,
      description: 'thv secret broker: user secrets',
    });
    this.userFunction = user.function;
    this.userRole = user.role;
    const guardPolicy = new iam.ManagedPolicy(this, 'GuardPolicy', {
      description: `Denies direct access to the broker's system secrets (${root}${RESERVED_PREFIX}*)`,
      statements: guardStatements(this, root),
    });
    this.guardPolicy = guardPolicy;
    this.userRoleGuardPolicy = new iam.ManagedPolicy(this, 'UserRoleGuardPolicy', {
      description: `Denies roles of people listing the broker's secrets (${root})`,
      statements: userRoleGuardStatements(),
    });
    guardPolicy.attachToRole(user.role);
    grantUserSecrets(user.role, this, root);
    grantListSecrets(user.role);
    grantBatchGetSecretValue(user.role);
    grantKeyUseForSecrets(user.role, this, this.key, [`${root}*`]);
    acknowledgeWildcardResources(
      user.role,
      [secretArn(this, `${root}*`)],
      'User keys are any names under the root tagged thv:owner=user; the guard policy on this role denies the reserved names.',
    );
    acknowledgeWildcardResources(user.role, ['*'], LIST_REASON);
    this.grantFlagRead(user.role);

    const fallback = config.legacyFallback === 'until-migrated';
    const scopeFunctions = new Map<string, lambda.IFunction>();
    const scopeRoles = new Map<string, iam.IRole>();
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
      const systemPolicyPrincipals = this.systemPolicyPrincipals(fn.role);
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
      scopeFunctions.set(name, fn.function);
      scopeRoles.set(name, fn.role);
    }
    this.scopeFunctions = scopeFunctions;
    this.scopeRoles = scopeRoles;

    const restApi = new BrokerApi(this, 'Api', {
      userFunction: this.userFunction,
      scopeFunctions,
      rateLimit: config.rateLimit,
      accountRole: config.apiGatewayAccountRole,
      burstLimit: config.burstLimit,
      logRetention: config.logRetention,
    }).api;
    // RestApi is an IRestApi; the cast only bridges its `latestDeployment` getter (`Deployment |
    // undefined`) and the interface's optional field under exactOptionalPropertyTypes.
    const api = restApi as apigw.IRestApi;
    this.api = api;
    this.apiUrl = restApi.url;

    // The grant methods attach these same policies: a role granted access and a role (or permission
    // set) with the policies attached by hand hold exactly the same statements.
    const userInvoke = invokeArns(api, USER_ROUTE_PATHS);
    const userAccessPolicy = new iam.ManagedPolicy(this, 'UserAccessPolicy', {
      description: `Use of the broker's user routes, and the denies on system secrets, planting and listing that go with it; attach the perimeter policy beside it (${root})`,
      statements: [invokeStatement(userInvoke), ...guardStatements(this, root), ...userRoleGuardStatements()],
    });
    this.userAccessPolicy = userAccessPolicy;
    acknowledgeWildcardResources(userAccessPolicy, userInvoke, INVOKE_REASON);
    const scopeAccess = new Map(
      scopes.map((name) => {
        const scopeInvoke = invokeArns(api, scopeRoutePaths(name));
        const policy = new iam.ManagedPolicy(this, `ScopeAccessPolicy-${name}`, {
          description: `Use of the broker's routes of scope ${name}, and the denies on system secrets and planting that go with it`,
          statements: [invokeStatement(scopeInvoke), ...guardStatements(this, root)],
        });
        acknowledgeWildcardResources(policy, scopeInvoke, INVOKE_REASON);
        return [name, policy] as const;
      }),
    );
    this.scopeAccessPolicies = scopeAccess;

    const detection = new TamperDetection(this, 'Detection', {
      root,
      brokerRoleArns: [
        ...[...scopeRoles.values()].map((role) => role.roleArn),
        migration.role.roleArn,
        ...(props.migrationRole === undefined ? [] : [props.migrationRole.roleArn]),
      ],
    });
    this.alarmTopic = detection.topic;
    this.tamperRule = detection.rule;
    this.reservedKeyAlarm = new RequestAlarms(this, 'Alarms', {
      topic: detection.topic,
      reservedKeyThreshold: config.reservedKeyAlarmThreshold,
    }).reservedKey;

    // Last: it names every function and role of the broker, the job's starter included.
    const perimeterPolicy = new iam.ManagedPolicy(this, 'PerimeterPolicy', {
      description: `Denies the paths around the broker's API: its functions, migration, flag, key and roles (${root})`,
      statements: perimeterStatements(this, {
        root,
        ...this.brokerCode(),
        stateMachineArn: migration.stateMachine.stateMachineArn,
        executionArns: this.migrationExecutionArns,
        flagParameterArn: this.flagParameterArn(),
        ...(ownKey ? { keyArn: this.key.keyArn } : {}),
      }),
    });
    this.perimeterPolicy = perimeterPolicy;
    this.attachable = { userAccess: userAccessPolicy, scopeAccess, perimeter: perimeterPolicy };
    for (const role of props.migrationOperatorRoles ?? []) this.grantMigrationOperator(role);
  }

  /**
   * Lets an existing role use the user routes: attaches {@link userAccessPolicy} (the routes, the
   * guard, the user-role guard) and {@link perimeterPolicy}, the two policies a role managed
   * elsewhere attaches by hand. The role is denied system secrets, planting, listing and every path
   * around the API (functions, migration, flag, key, roles) whatever else it holds. The access is
   * those two managed policies, so there is no `iam.Grant` to return.
   */
  grantUserAccess(role: iam.IRole): void {
    refuseIdentityCenterRole(this, role, 'grantUserAccess', 'UserAccessPolicyArn');
    this.holdsAccess(role, 'grantUserAccess');
    for (const policy of [this.attachable.userAccess, this.attachable.perimeter])
      this.attachTo(policy, role, 'grantUserAccess');
  }

  /**
   * Lets a service call one scope's routes, and nothing else of the broker: attaches that scope's
   * access policy ({@link scopeAccessPolicies}: its routes and the guard) and {@link perimeterPolicy}
   * to its role (or user or group), so it is denied the system secrets and every path around the API
   * whatever else it holds. Managed policies attach only to IAM identities, so a grantee whose
   * principal is none (a service principal) is refused.
   */
  grantScopeAccess(grantee: iam.IGrantable, scope: string): void {
    refuseIdentityCenterRole(this, grantee, 'grantScopeAccess', scopeAccessOutputName(scope));
    const access = this.attachable.scopeAccess.get(scope);
    if (access === undefined) {
      throw constructError(
        this,
        `grantScopeAccess: scope ${JSON.stringify(scope)} is not one of this broker's scopes (${this.config.scopes.join(', ')}); add it to the scopes prop or pick one of those`,
      );
    }
    const principal = grantee.grantPrincipal;
    this.holdsAccess(principal, 'grantScopeAccess');
    for (const policy of [access, this.attachable.perimeter])
      this.attachTo(policy, principal, 'grantScopeAccess');
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
    if (this.accessHolders.has(key)) throw constructError(this, operatorConflict(key));
    this.operators.add(key);
    const [first, ...rest] = grantMigrationOperation(
      grantee,
      {
        functionArn: this.migrationFunction.functionArn,
        stateMachineArn: this.migrationStateMachine.stateMachineArn,
        executionArns: this.migrationExecutionArns,
      },
      this.flagParameterArn(),
    );
    return rest.reduce((all, grant) => all.combine(grant), first as iam.Grant);
  }

  /** Records a principal given user or scope access; refuses one that operates the migration. */
  private holdsAccess(principal: iam.IPrincipal, method: string): void {
    const key = principalKey(principal);
    if (this.operators.has(key)) throw constructError(this, `${method}: ${operatorConflict(key)}`);
    this.accessHolders.add(key);
  }

  /** Attaches `policy` to a role, user or group; refuses any other principal, naming the fix. */
  private attachTo(policy: iam.ManagedPolicy, principal: iam.IPrincipal, method: string): void {
    const p = principal as Partial<iam.IRole & iam.IUser & iam.IGroup>;
    if (p.roleName !== undefined && p.roleArn !== undefined) policy.attachToRole(p as iam.IRole);
    else if (p.userName !== undefined && p.userArn !== undefined) policy.attachToUser(p as iam.IUser);
    else if (p.groupName !== undefined && p.groupArn !== undefined) policy.attachToGroup(p as iam.IGroup);
    else
      throw constructError(
        this,
        `${method}: the grantee's principal is not an IAM role, user or group, so the deny policies that go with the access cannot be attached to it; pass a role (or a construct whose grantPrincipal is one)`,
      );
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

  /** The principals the system secrets of the scope run by `scopeRole` allow: that role first, then the trusted ones. */
  private systemPolicyPrincipals(scopeRole: iam.IRole): string[] {
    return [scopeRole.roleArn, ...this.trustedRoleArns];
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
    return parameterArn(this, this.migrationFlagParameterName);
  }
}

/** How a principal is told apart from others: its ARN (a token names one resource), else its path. */
function principalKey(principal: iam.IPrincipal): string {
  const p = principal as Partial<iam.IRole & iam.IUser & iam.IGroup>;
  return p.roleArn ?? p.userArn ?? p.groupArn ?? JSON.stringify(principal.policyFragment.principalJson);
}

const operatorConflict = (key: string): string =>
  `${key} cannot both hold user or scope access and operate the migration: the access's perimeter policy denies it the job; give the migration a separate operator role`;
