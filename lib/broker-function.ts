/**
 * One broker Lambda function with its own role and log group. The role starts empty: the
 * {@link SecretBroker} construct grants it exactly what its routes need.
 */
import { fileURLToPath } from 'node:url';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLE } from './bundling.js';

/** Repository root: NodejsFunction needs it (and its lock file) to bundle with the local esbuild. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Handler entry files, relative to the repository root. */
export const HANDLER_ENTRIES = {
  user: 'lambda/handlers/user-api.ts',
  scope: 'lambda/handlers/scope-api.ts',
  migration: 'lambda/handlers/migration.ts',
} as const;

/** Bundling of every broker function: the settings of {@link LAMBDA_BUNDLE}, in NodejsFunction's terms. */
const BUNDLING: nodejs.BundlingOptions = {
  target: LAMBDA_BUNDLE.target,
  format: nodejs.OutputFormat.ESM,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  externalModules: [...LAMBDA_BUNDLE.external],
  minify: LAMBDA_BUNDLE.minify,
  sourceMap: LAMBDA_BUNDLE.sourcemap,
  sourcesContent: LAMBDA_BUNDLE.sourcesContent,
  banner: LAMBDA_BUNDLE.banner,
};

/** Props of a {@link BrokerFunction}. */
export interface BrokerFunctionProps {
  /** Which handler the function runs. */
  readonly handler: keyof typeof HANDLER_ENTRIES;
  /** Environment variables (the `ENV` contract of `lambda/config.ts`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Human-readable purpose, shown on the function and role. */
  readonly description: string;
  /**
   * Longest run of one invocation.
   * @default Duration.seconds(15)
   */
  readonly timeout?: Duration;
}

/** A broker function, its dedicated role and its dedicated log group. */
export class BrokerFunction extends Construct {
  /** The function. */
  readonly function: nodejs.NodejsFunction;
  /** The function's execution role; nothing else assumes it. */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BrokerFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Written explicitly so the role carries no AWS managed policy (cdk-nag IAM4).
    this.logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(`../${HANDLER_ENTRIES[props.handler]}`, import.meta.url)),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(15),
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: BUNDLING,
    });
  }
}
