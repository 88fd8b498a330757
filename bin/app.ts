/** The CDK app: the broker stack from context, checked by cdk-nag's AwsSolutions pack. */
import { App, Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackFromContext } from '../lib/context.js';
import { SecretBrokerStack } from '../lib/secret-broker-stack.js';

const app = new App();
try {
  const { stackName, props } = stackFromContext((key) => app.node.tryGetContext(key));
  new SecretBrokerStack(app, stackName, { ...props, stackName, description: 'thv secret broker' });
} catch (error) {
  // A bad setting is the operator's to fix: show the message, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
