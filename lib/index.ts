/**
 * The package's public API (package.json `exports`): the {@link SecretBroker} construct with its
 * props and grant methods, and the deployable {@link SecretBrokerStack}. Everything else in lib/ is
 * internal and may change without notice.
 */
export type { BrokerApi, BrokerApiProps } from './broker-api.js';
export type { BrokerFunction, BrokerFunctionProps } from './broker-function.js';
export type { TamperDetection, TamperDetectionProps } from './detection.js';
export type { MigrationJob, MigrationJobProps, MigrationTuning } from './migration-job.js';
export type { BrokerOutputs } from './outputs.js';
export type { ApiThrottling, ResolvedBrokerProps, SecretBrokerProps } from './props.js';
export { SecretBroker } from './secret-broker.js';
export { SecretBrokerStack, type SecretBrokerStackProps } from './secret-broker-stack.js';
