/** Synthesizes broker stacks for tests: no bundling, output under the git-ignored test/.out/. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { afterAll } from 'vitest';
import type { MigrationJob } from '../../../lib/migration-job.js';
import type { SecretBroker } from '../../../lib/secret-broker.js';
import { SecretBrokerStack, type SecretBrokerStackProps } from '../../../lib/secret-broker-stack.js';

/** Root of the test output folders. */
const TEST_OUT = fileURLToPath(new URL('../../.out/', import.meta.url));

/** Account of the synthesized test stacks (fixed so ARNs in assertions are literal). */
export const ACCOUNT = '111122223333';
/** Region of the synthesized test stacks. */
export const REGION = 'eu-west-1';

const scratch: string[] = [];
// Registered while the importing test file is collected, so it runs after that file's tests.
afterAll(() => {
  if (process.env.KEEP_TEST_OUT) return;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under test/.out/, removed after the test file unless KEEP_TEST_OUT is set. */
export function scratchDir(prefix: string): string {
  mkdirSync(TEST_OUT, { recursive: true });
  const dir = mkdtempSync(join(TEST_OUT, prefix));
  scratch.push(dir);
  return dir;
}

/** An App that writes under test/.out/ and, unless `bundle` is set, skips bundling. */
export function testApp(options: { bundle?: boolean } = {}): App {
  return new App({
    outdir: scratchDir('stack-'),
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
}

/** A synthesized broker stack and its template. */
export interface Synthesized {
  /** The stack. */
  readonly stack: SecretBrokerStack;
  /** Its template. */
  readonly template: Template;
}

/** Builds a broker stack (in a fixed account and region) and synthesizes its template. */
export function synthBroker(props: SecretBrokerStackProps = {}, app: App = testApp()): Synthesized {
  const stack = new SecretBrokerStack(app, 'Broker', { env: { account: ACCOUNT, region: REGION }, ...props });
  return { stack, template: Template.fromStack(stack) };
}

/** Logical id of a construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  const element = construct.node.defaultChild as CfnElement | undefined;
  if (element === undefined) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).resolve(Stack.of(construct).getLogicalId(element)) as string;
}

/**
 * The broker's internal migration job construct, for what its public interfaces leave out: the
 * state machine's own role and the page cap the history model computed.
 */
export function migrationJobOf(broker: SecretBroker): MigrationJob {
  return broker.node.findChild('Migration') as MigrationJob;
}

/** The role Step Functions runs the migration's state machine as. */
export const stateMachineRoleOf = (broker: SecretBroker): iam.IRole =>
  migrationJobOf(broker).stateMachine.role;

/** The log group of a broker function (every one is a `lambda.Function` with its own group). */
export const logGroupOf = (fn: lambda.IFunction): logs.ILogGroup => (fn as lambda.Function).logGroup;
