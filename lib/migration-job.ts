/**
 * The one-shot legacy-key migration (DESIGN §5) as a Step Functions job: check the flag, then page
 * through ListSecrets one page per step, fan each page's batches out in an inline Map, gather the
 * counts, and write the flag only when every key succeeded. Before the history budget could be
 * reached the job continues as a new execution. Started once on first deploy under a fixed name.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENV } from '../lambda/config.js';
import {
  type LegacyPrefix,
  MAX_PAGE_SIZE,
  OWNER_TAG,
  RESERVED_PREFIX,
  SCOPE_TAG,
  USER_OWNER,
} from '../lambda/core/index.js';
import { DEFAULT_BATCH_SIZE } from '../lambda/migration/steps.js';
import { BrokerFunction } from './broker-function.js';
import { type MigrationShape, maxPagesPerExecution } from './migration-history.js';
import { acknowledge, acknowledgeWildcardResources } from './nag.js';
import { grantKeyUseForSecrets, secretArn } from './policies.js';

/** Name of the execution the stack starts on first deploy; continuations are `<name>-2`, `<name>-3`, … */
export const FIRST_EXECUTION_NAME = 'legacy-migration-v1';

/** Construct id of aws-cdk-lib's singleton provider function behind every AwsCustomResource. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Error name of a batch the store kept throttling (the core's `MigrationThrottledError`). */
const THROTTLED = 'MigrationThrottledError';

/** Errors of the Lambda service itself, retried on every Lambda step. */
const LAMBDA_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Retries of a Lambda step on service errors. */
const STEP_RETRIES = 4;
/** Retries of a batch on throttling (on top of the SDK's own adaptive retries inside it). */
const THROTTLE_RETRIES = 6;

/** Props of a {@link MigrationJob}. */
export interface MigrationJobProps {
  /** Name root of the broker's secrets. */
  readonly root: string;
  /** The broker's scopes. */
  readonly scopes: readonly string[];
  /** The legacy prefix table. */
  readonly legacyPrefixes: readonly LegacyPrefix[];
  /** KMS key of the broker's secrets. */
  readonly key: kms.IKey;
  /** The flag parameter's name (absolute, e.g. `/stack/migration-done`). */
  readonly flagParameterName: string;
  /** Environment every broker function shares (root, scopes, key, table). */
  readonly commonEnvironment: Readonly<Record<string, string>>;
  /** Retention of the function's and the state machine's log groups. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Batches of one page migrated at once (the inline Map's MaxConcurrency).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Keys per batch (one Map iteration, one Lambda invocation).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Start the job once on the stack's first deploy.
   * @default true
   */
  readonly startOnDeploy?: boolean;
}

/** The tunable part of {@link MigrationJobProps}, as the broker's props pass it on. */
export type MigrationTuning = Pick<MigrationJobProps, 'maxConcurrency' | 'batchSize' | 'startOnDeploy'>;

/** The migration job: its function and role, the state machine, and the first-deploy start. */
export class MigrationJob extends Construct {
  /** The steps' function. */
  readonly function: BrokerFunction;
  /** The migration role (the function's role), trusted by every system secret's resource policy. */
  readonly role: iam.Role;
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Pages one execution lists before it continues as a new one. */
  readonly maxPagesPerExecution: number;

  constructor(scope: Construct, id: string, props: MigrationJobProps) {
    super(scope, id);
    const batchSize = props.batchSize ?? DEFAULT_BATCH_SIZE;
    const maxConcurrency = props.maxConcurrency ?? 10;
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= MAX_PAGE_SIZE))
      throw new Error(
        `migration batchSize: must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${batchSize}`,
      );
    if (!(Number.isInteger(maxConcurrency) && maxConcurrency >= 1 && maxConcurrency <= 40))
      throw new Error(`migration maxConcurrency: must be a whole number from 1 to 40, got ${maxConcurrency}`);

    this.function = new BrokerFunction(this, 'Steps', {
      handler: 'migration',
      environment: {
        ...props.commonEnvironment,
        [ENV.migrationFlagParameter]: props.flagParameterName,
      },
      logRetention: props.logRetention,
      description: 'thv secret broker: legacy-key migration steps',
      timeout: Duration.minutes(5),
    });
    this.role = this.function.role;
    this.grantMigration(props);

    const shape: MigrationShape = {
      batchesPerPage: Math.ceil(MAX_PAGE_SIZE / batchSize),
      stepRetries: STEP_RETRIES,
      batchRetries: THROTTLE_RETRIES + STEP_RETRIES,
    };
    this.maxPagesPerExecution = maxPagesPerExecution(shape);

    const stateMachineName = `${Stack.of(this).stackName}-legacy-migration`;
    // Named, so that the job can start its own continuation without a reference cycle.
    const selfArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        this.definition({ maxConcurrency, batchSize }, selfArn),
      ),
      // The history shows keys and counts only (never a value); ALL lets an operator follow each batch.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    acknowledgeWildcardResources(
      this.stateMachine.role,
      [`${this.function.function.functionArn}:*`],
      'Invoking any version of the job’s own function.',
    );
    acknowledgeWildcardResources(
      this.stateMachine.role,
      ['*'],
      'X-Ray trace segments and CloudWatch Logs delivery take no resource in IAM.',
    );
    if (props.startOnDeploy ?? true) this.startOnFirstDeploy();
  }

  /** The state machine definition (JSONPath throughout). */
  private definition(
    { maxConcurrency, batchSize }: { maxConcurrency: number; batchSize: number },
    selfArn: string,
  ): sfn.IChainable {
    const fn = this.function.function;
    const step = (id: string, payload: Record<string, unknown>, resultPath?: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject(payload),
        ...(resultPath === undefined ? {} : { resultPath }),
      }).addRetry({
        errors: LAMBDA_ERRORS,
        interval: Duration.seconds(2),
        maxAttempts: STEP_RETRIES,
        backoffRate: 2,
        jitterStrategy: sfn.JitterType.FULL,
      });

    const check = step('CheckFlag', {
      step: 'check',
      input: sfn.JsonPath.entirePayload,
      executionName: sfn.JsonPath.executionName,
    });
    const discover = step('Discover', {
      step: 'discover',
      carry: sfn.JsonPath.objectAt('$.carry'),
      results: sfn.JsonPath.objectAt('$.results'),
      maxPages: this.maxPagesPerExecution,
      // The batch size the page cap assumes, so the steps cut pages exactly as the model counts.
      batchSize,
    });
    const migrateBatch = step('MigrateBatch', { step: 'migrate', batch: sfn.JsonPath.objectAt('$.batch') })
      .addRetry({
        errors: [THROTTLED],
        interval: Duration.seconds(1),
        maxAttempts: THROTTLE_RETRIES,
        backoffRate: 2,
        maxDelay: Duration.seconds(30),
        jitterStrategy: sfn.JitterType.FULL,
      })
      .addCatch(
        step('ReportFailedBatch', {
          step: 'migrate',
          batch: sfn.JsonPath.objectAt('$.batch'),
          error: sfn.JsonPath.stringAt('$.error.Error'),
        }),
        { errors: ['States.ALL'], resultPath: '$.error' },
      );
    const map = new sfn.Map(this, 'MigrateBatches', {
      itemsPath: '$.batches',
      maxConcurrency,
      itemSelector: { step: 'migrate', batch: sfn.JsonPath.objectAt('$$.Map.Item.Value') },
      resultPath: '$.results',
    }).itemProcessor(migrateBatch);
    const continueAsNew = new tasks.CallAwsService(this, 'ContinueAsNew', {
      service: 'sfn',
      action: 'startExecution',
      parameters: {
        StateMachineArn: sfn.JsonPath.stringAt('$$.StateMachine.Id'),
        Name: sfn.JsonPath.stringAt('$.carry.nextName'),
        Input: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
      },
      iamResources: [selfArn],
      iamAction: 'states:StartExecution',
      resultPath: sfn.JsonPath.DISCARD,
    }).addRetry({
      errors: ['States.TaskFailed'],
      maxAttempts: STEP_RETRIES,
      jitterStrategy: sfn.JitterType.FULL,
    });
    const finish = step('Finish', { step: 'finish', carry: sfn.JsonPath.objectAt('$.carry') });

    const next = new sfn.Choice(this, 'NextStep')
      .when(sfn.Condition.stringEquals('$.action', 'migrate'), map.next(discover))
      .when(
        sfn.Condition.stringEquals('$.action', 'continue'),
        continueAsNew.next(new sfn.Succeed(this, 'Continued')),
      )
      .otherwise(finish.next(new sfn.Succeed(this, 'Migrated')));
    return check.next(
      new sfn.Choice(this, 'AlreadyDone')
        .when(sfn.Condition.booleanEquals('$.done', true), new sfn.Succeed(this, 'NothingToDo'))
        .otherwise(discover.next(next)),
    );
  }

  /** The migration role's rights, exactly DESIGN §3's row and nothing more. */
  private grantMigration(props: MigrationJobProps): void {
    const role = this.role;
    const { root } = props;
    const untagged = {
      Null: { [`aws:ResourceTag/${OWNER_TAG}`]: 'true', [`aws:ResourceTag/${SCOPE_TAG}`]: 'true' },
    };
    const legacyArns = [...new Set(props.legacyPrefixes.map((row) => row.prefix))].map((prefix) =>
      secretArn(this, `${root}${prefix}*`),
    );
    const systemArn = secretArn(this, `${root}${RESERVED_PREFIX}*`);
    const statements = [
      // Read and delete bare legacy keys, only while untagged (never a user's key of the same name).
      ...(legacyArns.length === 0
        ? []
        : [
            new iam.PolicyStatement({
              sid: 'ReadAndDeleteLegacyKeys',
              actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'],
              resources: legacyArns,
              conditions: untagged,
            }),
          ]),
      // Write, read back, tag and protect the scoped keys.
      new iam.PolicyStatement({
        sid: 'WriteSystemKeys',
        actions: [
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutResourcePolicy',
          'secretsmanager:TagResource',
        ],
        resources: [systemArn],
      }),
      new iam.PolicyStatement({
        sid: 'CreateSystemKeys',
        actions: ['secretsmanager:CreateSecret'],
        resources: [systemArn],
        conditions: {
          StringEquals: { [`aws:RequestTag/${SCOPE_TAG}`]: [...props.scopes] },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [SCOPE_TAG] },
        },
      }),
      // Adoption: an untagged bare key becomes a user key (thv:owner=user) and nothing else.
      new iam.PolicyStatement({
        sid: 'AdoptUntaggedKeys',
        actions: ['secretsmanager:TagResource'],
        resources: [secretArn(this, `${root}*`)],
        conditions: {
          ...untagged,
          StringEquals: { [`aws:RequestTag/${OWNER_TAG}`]: USER_OWNER },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [OWNER_TAG] },
        },
      }),
      new iam.PolicyStatement({
        sid: 'ListSecrets',
        actions: ['secretsmanager:ListSecrets'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'MigrationFlag',
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: props.flagParameterName.slice(1),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
    grantKeyUseForSecrets(role, this, props.key, [`${root}*`]);
    acknowledgeWildcardResources(
      role,
      [...legacyArns, systemArn, secretArn(this, `${root}*`), '*'],
      'The migration reads every bare legacy key of the prefix table, writes under the reserved prefix, adopts untagged bare keys (tag conditions) and must list to find them; ListSecrets takes no resource.',
    );
  }

  /** Lets the stack's scope functions and the job share one set of resource-policy principals. */
  setScopePolicyPrincipals(principalsByScope: Readonly<Record<string, readonly string[]>>): void {
    this.function.function.addEnvironment(
      ENV.scopePolicyPrincipals,
      Stack.of(this).toJsonString(principalsByScope),
    );
  }

  /** Starts the job on the stack's first deploy, under a fixed name: Step Functions refuses a second start. */
  private startOnFirstDeploy(): void {
    const start: cr.AwsSdkCall = {
      service: 'SFN',
      action: 'startExecution',
      parameters: {
        stateMachineArn: this.stateMachine.stateMachineArn,
        name: FIRST_EXECUTION_NAME,
        input: '{}',
      },
      physicalResourceId: cr.PhysicalResourceId.of(FIRST_EXECUTION_NAME),
      // A redeploy that replaces the resource must not fail on the execution that already ran.
      ignoreErrorCodesMatching: 'ExecutionAlreadyExists',
    };
    new cr.AwsCustomResource(this, 'StartOnDeploy', {
      onCreate: start,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [this.stateMachine.stateMachineArn],
        }),
      ]),
      installLatestAwsSdk: false,
      logRetention: undefined,
    });
    // The provider is aws-cdk-lib's singleton function, a child of the stack rather than of `starter`.
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider !== undefined) {
      acknowledge(
        provider,
        'AwsSolutions-L1',
        'The custom-resource provider is aws-cdk-lib’s own singleton function; its runtime is chosen by the CDK.',
      );
      acknowledge(
        provider,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The CDK’s custom-resource provider writes its own logs with the basic execution role; it may only start this job.',
      );
    }
  }
}
