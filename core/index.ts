/** The pure core: key namespace, errors, storage port and providers. Imports nothing from AWS. */
export * from './bulk.js';
export * from './errors.js';
export * from './listing.js';
export * from './migration.js';
export * from './namespace.js';
export * from './port.js';
export * from './refusals-as-missing.js';
export * from './resource-policy.js';
export * from './scoped-provider.js';
export * from './user-provider.js';
export * from './value.js';
export * from './versions.js';
