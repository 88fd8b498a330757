/** Lambda entry point of the user API. Config and clients are built once per cold start. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../config.js';
import { createUserApiHandler } from '../http/user-api.js';
import { storeFor } from './deps.js';

const config = loadConfig();
const secretsManager = new SecretsManagerClient({});

/** The API Gateway proxy handler of the user-API function. */
export const handler = createUserApiHandler({ config, store: storeFor(config, secretsManager) });
