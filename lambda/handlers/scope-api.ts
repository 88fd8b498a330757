/** Lambda entry point of a scope API (`BROKER_SERVED_SCOPES` names its scope). Built once per cold start. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../core/config.js';
import { lazySsmClient } from '../aws/migration-flag.js';
import { createScopeApiHandler } from '../http/scope-api.js';
import { migrationCheckFor, storeFor } from './deps.js';

const config = loadConfig();
const secretsManager = new SecretsManagerClient({});
const isMigrated = migrationCheckFor(config, lazySsmClient);

/** The API Gateway proxy handler of a scope-API function. */
export const handler = createScopeApiHandler({
  config,
  store: storeFor(config, secretsManager),
  ...(isMigrated === undefined ? {} : { isMigrated }),
});
