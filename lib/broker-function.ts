/**
 * One broker Lambda function with its own role and log group. The role starts empty: the
 * {@link SecretBroker} construct grants it exactly what its routes need. Its code is the prebuilt
 * bundle `npm run build` wrote (lib/bundling.ts): synth runs no esbuild and no Docker, and this
 * project's stack and a consumer's app deploy the very same files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { BUNDLE_FILE, type HandlerName, LAMBDA_BUNDLES_DIR } from './bundling.js';
import { stableRoleName } from './stable-names.js';

/**
 * Root of the package: this file runs from `lib/` of a clone (TypeScript, through tsx or vitest)
 * or from `dist/lib/` of the built or installed package, one level deeper.
 */
const PACKAGE_ROOT = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '..' : '../..', import.meta.url),
);

/** Directory of `handler`'s prebuilt bundle; throws, naming the fix, when the build has not run. */
export function bundleDirectory(handler: HandlerName, root: string = PACKAGE_ROOT): string {
  const dir = join(root, LAMBDA_BUNDLES_DIR, handler);
  if (!existsSync(join(dir, BUNDLE_FILE)))
    throw new Error(
      `The Lambda bundle of the broker's ${handler} function is missing (${join(dir, BUNDLE_FILE)}): run \`npm run build\`, which bundles lambda/ into ${LAMBDA_BUNDLES_DIR}/.`,
    );
  return dir;
}

/** Memory of every broker function (the cost section of the bench prices Lambda time with it). */
export const BROKER_FUNCTION_MEMORY_MB = 256;

/** Props of a {@link BrokerFunction}. */
export interface BrokerFunctionProps {
  /** Which handler the function runs. */
  readonly handler: HandlerName;
  /** Environment variables (the `ENV` contract of `core/config.ts`). */
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
  readonly function: lambda.Function;
  /** The function's execution role; nothing else assumes it. */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BrokerFunctionProps) {
    super(scope, id);
    const roleName = stableRoleName(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
      // Retained secrets and the key name this role by ARN: a replacement stack must get it back.
      ...(roleName === undefined ? {} : { roleName }),
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Written explicitly so the role carries no AWS managed policy (cdk-nag IAM4).
    this.logGroup.grantWrite(this.role);
    this.function = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(bundleDirectory(props.handler)),
      // `handler` exported by index.mjs (BUNDLE_FILE).
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: BROKER_FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(15),
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    });
  }
}
