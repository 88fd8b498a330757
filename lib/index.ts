/**
 * The package's public API (package.json `exports`): the {@link SecretBroker} construct with its
 * props and grant methods, and the deployable {@link SecretBrokerStack}. Everything else in lib/ is
 * internal and may change without notice: the broker exposes its resources as CDK interfaces
 * (`lambda.IFunction`, `iam.IRole`, `apigw.IRestApi`, …), not as the constructs that build them.
 */
export type { BrokerOutputs } from './outputs.js';
export type { ApiThrottling, BrokerArnProps, MigrationTuning, SecretBrokerProps } from './props.js';
export { SecretBroker } from './secret-broker.js';
export { SecretBrokerStack, type SecretBrokerStackProps } from './secret-broker-stack.js';
