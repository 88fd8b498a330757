import { resolve } from 'node:path';
import { DEFAULT_AWS_PORT, dataDirFromEnv, portFromEnv } from '../env.js';
import { iamBanner, iamEnabledFromEnv } from '../iam/settings.js';
import { conditionsFromEnv, requestLogFromEnv, startAwsEndpoint } from './endpoint.js';

// Runs the local AWS endpoint on its own (`npx tsx local/aws/main.ts`).
let port: number;
let conditions: ReturnType<typeof conditionsFromEnv>;
let iam: boolean;
try {
  port = portFromEnv('BROKER_AWS_PORT', DEFAULT_AWS_PORT);
  conditions = conditionsFromEnv();
  iam = iamEnabledFromEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const dataDir = resolve(dataDirFromEnv());
const endpoint = await startAwsEndpoint({
  port,
  dataDir,
  log: requestLogFromEnv(),
  iam: iam && { env: process.env },
  ...conditions,
});
console.log(`local AWS endpoint (Secrets Manager, SSM) listening on ${endpoint.url} (data: ${dataDir})`);
console.log(iamBanner(iam));

const stop = (): void => {
  endpoint.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
