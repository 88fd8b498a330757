/**
 * The CDK app as `cdk synth` builds it: the broker stack from context, checked by cdk-nag's
 * AwsSolutions pack. A function (not top-level code in `app/main.ts`) so a test can prove the checks run.
 */
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SecretBrokerStack } from '../lib/secret-broker-stack.js';
import { stackFromContext } from './context.js';

/** Options of {@link createApp}; the CDK CLI passes both through the environment instead. */
export interface CreateAppOptions {
  /**
   * Context values, as `-c key=value` or `cdk.json` would give them.
   * @default - only the context the CDK CLI passes in `CDK_CONTEXT_JSON`
   */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * Folder the cloud assembly is written to.
   * @default - `CDK_OUTDIR` from the CDK CLI, else a temporary folder
   */
  readonly outdir?: string;
}

/** The app and the broker stack it holds. */
export interface BrokerApp {
  /** The app, with the AwsSolutions checks registered. */
  readonly app: App;
  /** The broker stack read from context. */
  readonly stack: SecretBrokerStack;
}

/**
 * Builds the app, the broker stack from context and the AwsSolutions checks; throws an `Error`
 * naming the context key of a bad setting.
 */
export function createApp(options: CreateAppOptions = {}): BrokerApp {
  const app = new App({
    ...(options.context === undefined ? {} : { context: { ...options.context } }),
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  } satisfies AppProps);
  const {
    stackName,
    props,
    notes = [],
  } = stackFromContext(app.node.getAllContext() as Record<string, unknown>);
  const stack = new SecretBrokerStack(app, stackName, {
    ...props,
    stackName,
    description: 'thv secret broker',
  });
  // `cdk synth` prints each once, as "[Info at /<stack>] …".
  for (const note of notes) Annotations.of(stack).addInfo(note);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
