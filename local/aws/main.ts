import { resolve } from 'node:path';
import { requestLogFromEnv, startAwsEndpoint } from './endpoint.js';

// Runs the local AWS endpoint on its own (`npx tsx local/aws/main.ts`).
const rawPort = process.env.BROKER_AWS_PORT ?? '4566';
const port = Number(rawPort);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`BROKER_AWS_PORT must be a port number, got '${rawPort}'`);
  process.exit(2);
}
const dataDir = resolve(process.env.BROKER_DATA_DIR ?? '.broker-data/');
const endpoint = await startAwsEndpoint({ port, dataDir, log: requestLogFromEnv() });
console.log(`local AWS endpoint (Secrets Manager, SSM) listening on ${endpoint.url} (data: ${dataDir})`);

const stop = (): void => {
  endpoint.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
