/**
 * The one-shot legacy-key migration (docs/design.md §5) as a Step Functions job: check the flag, then page
 * through ListSecrets one page per step, fan each page's batches out in an inline Map, gather the
 * counts, and write the flag only when every key succeeded. Before the history budget could be
 * reached the job continues as a new execution. Started once on first deploy under a fixed name.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENV } from '../core/config.js';
import { type LegacyPrefix, MAX_PAGE_SIZE } from '../core/index.js';
import { MAX_PASSES } from '../core/migration-events.js';
import { BrokerFunction } from './broker-function.js';
import { type MigrationShape, maxPagesPerExecution } from './migration-history.js';
import { acknowledge, acknowledgeWildcardResources } from './nag.js';
import { migrationJobStatements, migrationNamePatterns, parameterArn, secretArn } from './policies.js';

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

/** How far ListSecrets may lag behind writes (API reference: "the last five minutes"). */
const LISTING_LAG_SECONDS = 300;

/** Retries of a Lambda step on service errors. */
const STEP_RETRIES = 4;

/**
 * Error name of a step whose role was refused where it always has rights (the steps'
 * `MigrationAccessDeniedError`): IAM not yet in force on a first deploy.
 */
const ACCESS_DENIED = 'MigrationAccessDeniedError';

/**
 * The Retry of every Lambda step on {@link ACCESS_DENIED}: 15, 30, 60 and 120 s (3¾ minutes in
 * all, no jitter so the bound holds), long enough for IAM to apply a new role; then the execution
 * fails with the error's message, which names the fix (re-run `thv-broker migrate start`).
 */
export const ACCESS_RETRY = { intervalSeconds: 15, maxAttempts: 4, backoffRate: 2 } as const;
/** Retries of a batch on throttling (on top of the SDK's own adaptive retries inside it). */
const THROTTLE_RETRIES = 6;

/** Props of a {@link MigrationJob}, validated by the broker (lib/props.ts). */
export interface MigrationJobProps {
  /** Name root of the broker's secrets. */
  readonly root: string;
  /** The legacy prefix table. */
  readonly legacyPrefixes: readonly LegacyPrefix[];
  /** KMS key of the broker's secrets. */
  readonly key: kms.IKey;
  /** The flag parameter's name (absolute, e.g. `/stack/migration-done`). */
  readonly flagParameterName: string;
  /** Environment every broker function shares (root, scopes, key, table). */
  readonly commonEnvironment: Readonly<Record<string, string>>;
  /**
   * The principals each scope's system secrets allow, as JSON (`{"<scope>":["<role ARN>",…]}`):
   * the job writes every scope's system secrets with the policy that scope's function writes. A
   * token, since the scope functions' roles are made after the job's (they trust the job's role).
   */
  readonly scopePolicyPrincipals: string;
  /** Retention of the function's and the state machine's log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Batches of one page migrated at once (the inline Map's MaxConcurrency). */
  readonly maxConcurrency: number;
  /** Keys per batch (one Map iteration, one Lambda invocation). */
  readonly batchSize: number;
  /** Start the job once on the stack's first deploy. */
  readonly startOnDeploy: boolean;
}

/** The migration job: its function and role, the state machine, and the first-deploy start. */
export class MigrationJob extends Construct {
  /** The steps' function. */
  readonly function: lambda.Function;
  /** The migration role (the function's role), trusted by every system secret's resource policy. */
  readonly role: iam.Role;
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** ARN pattern of every execution of the state machine (`…:execution:<name>:*`). */
  readonly executionArns: string;
  /** Pages one execution lists before it continues as a new one. */
  readonly maxPagesPerExecution: number;

  constructor(scope: Construct, id: string, props: MigrationJobProps) {
    super(scope, id);
    const { batchSize, maxConcurrency } = props;
    const steps = new BrokerFunction(this, 'Steps', {
      handler: 'migration',
      environment: {
        ...props.commonEnvironment,
        [ENV.migrationFlagParameter]: props.flagParameterName,
        [ENV.scopePolicyPrincipals]: props.scopePolicyPrincipals,
      },
      logRetention: props.logRetention,
      description: 'thv secret broker: legacy-key migration steps',
      // The final pass lists the whole store in one invocation.
      timeout: Duration.minutes(15),
    });
    this.function = steps.function;
    this.role = steps.role;
    this.grantMigration(props);

    const shape: MigrationShape = {
      batchesPerPage: Math.ceil(MAX_PAGE_SIZE / batchSize),
      stepRetries: STEP_RETRIES + ACCESS_RETRY.maxAttempts,
      batchRetries: THROTTLE_RETRIES + STEP_RETRIES + ACCESS_RETRY.maxAttempts,
      passes: MAX_PASSES,
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
    this.executionArns = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    acknowledgeWildcardResources(
      this.stateMachine.role,
      [`${this.function.functionArn}:*`],
      'Invoking any version of the job’s own function.',
    );
    acknowledgeWildcardResources(
      this.stateMachine.role,
      ['*'],
      'X-Ray trace segments and CloudWatch Logs delivery take no resource in IAM.',
    );
    if (props.startOnDeploy) this.startOnFirstDeploy();
  }

  /** The state machine definition (JSONPath throughout). */
  private definition(
    { maxConcurrency, batchSize }: { maxConcurrency: number; batchSize: number },
    selfArn: string,
  ): sfn.IChainable {
    const fn = this.function;
    const step = (id: string, payload: Record<string, unknown>, resultPath?: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject(payload),
        ...(resultPath === undefined ? {} : { resultPath }),
      })
        .addRetry({
          errors: LAMBDA_ERRORS,
          interval: Duration.seconds(2),
          maxAttempts: STEP_RETRIES,
          backoffRate: 2,
          jitterStrategy: sfn.JitterType.FULL,
        })
        .addRetry({
          errors: [ACCESS_DENIED],
          interval: Duration.seconds(ACCESS_RETRY.intervalSeconds),
          maxAttempts: ACCESS_RETRY.maxAttempts,
          backoffRate: ACCESS_RETRY.backoffRate,
        });

    // The execution's whole input goes to the step, which refuses any field but `continuation`.
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
        Name: sfn.JsonPath.stringAt('$.nextName'),
        // Only the continuation (a page token and counts): nothing in it can set the flag.
        Input: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.continuation')),
      },
      iamResources: [selfArn],
      iamAction: 'states:StartExecution',
      resultPath: sfn.JsonPath.DISCARD,
    }).addRetry({
      errors: ['States.TaskFailed'],
      maxAttempts: STEP_RETRIES,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // The final pass: a fresh listing of the whole store; the flag is written only when it finds
    // nothing left to move, else another pass runs from the first page.
    const finish = step('Finish', { step: 'finish', carry: sfn.JsonPath.objectAt('$.carry') });
    // ListSecrets "might not reflect changes from the last five minutes": the final listing waits
    // that long, so it shows every key written before the pass ended (later ones are late keys).
    const settle = new sfn.Wait(this, 'SettleListing', {
      time: sfn.WaitTime.duration(Duration.seconds(LISTING_LAG_SECONDS)),
    });
    const afterFinish = new sfn.Choice(this, 'FinalPass')
      .when(sfn.Condition.stringEquals('$.action', 'again'), discover)
      .otherwise(new sfn.Succeed(this, 'Migrated'));

    const next = new sfn.Choice(this, 'NextStep')
      .when(sfn.Condition.stringEquals('$.action', 'migrate'), map.next(discover))
      .when(
        sfn.Condition.stringEquals('$.action', 'continue'),
        continueAsNew.next(new sfn.Succeed(this, 'Continued')),
      )
      .otherwise(settle.next(finish).next(afterFinish));
    // No shortcut when the flag is set: keys written after it are moved by a re-run, and the flag
    // stays set throughout (the user side's hold on legacy names is never reopened).
    return check.next(discover.next(next));
  }

  /** The migration role's statements (lib/policies.ts), and their acknowledged wildcards. */
  private grantMigration(props: MigrationJobProps): void {
    const patterns = migrationNamePatterns(props.root, props.legacyPrefixes);
    const statements = migrationJobStatements(this, {
      root: props.root,
      patterns,
      key: props.key,
      flagParameterArn: parameterArn(this, props.flagParameterName),
    });
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResources(
      this.role,
      [
        ...[...patterns.legacy, ...[...patterns.scopedByScope.values()].flat()].map((name) =>
          secretArn(this, name),
        ),
        secretArn(this, `${props.root}*`),
        '*',
      ],
      'The migration reads the bare keys of each legacy prefix, writes only each row’s own scoped names, describes and adopts untagged bare keys (tag conditions) and must list to find them; ListSecrets takes no resource.',
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
