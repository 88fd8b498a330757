/** Lambda entry point of the user API. Config and clients are built once per cold start. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../core/config.js';
import { lazySsmClient } from '../aws/migration-flag.js';
import { createUserApiHandler } from '../http/user-api.js';
import { migrationCheckFor, storeFor } from './deps.js';

const config = loadConfig();
const secretsManager = new SecretsManagerClient({});
const isMigrated = migrationCheckFor(config, lazySsmClient);

/** The API Gateway proxy handler of the user-API function. */
export const handler = createUserApiHandler({
  config,
  store: storeFor(config, secretsManager),
  ...(isMigrated === undefined ? {} : { isMigrated }),
});
