/** An enforcing local AWS endpoint for a test file, and SDK clients that sign as each of its principals. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import type { Principal } from '../../local/iam/principals.js';

/** The stack's key, as the local synthesized stack names it. */
export const STACK_KEY = 'arn:aws:kms:us-east-1:000000000000:key/BrokerKey91C64100';
/** Tags the broker writes. */
export const USER_TAGS = [{ Key: 'thv:owner', Value: 'user' }];
export const scopeTags = (scope: string) => [{ Key: 'thv:scope', Value: scope }];

/** An enforcing endpoint over a fresh data directory. */
export interface IamRig {
  readonly endpoint: AwsEndpoint;
  readonly principal: (name: string) => Principal;
  readonly sm: (name: string) => SecretsManagerClient;
  readonly ssm: (name: string) => SSMClient;
  readonly withKeys: (accessKeyId: string, secretAccessKey: string) => SecretsManagerClient;
  close(): Promise<void>;
}

/** Starts an endpoint enforcing the default stack's IAM. */
export async function startIamRig(): Promise<IamRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-iam-'));
  const endpoint = await startAwsEndpoint({ dataDir, iam: { env: {} } });
  const clients: { destroy(): void }[] = [];
  const config = (accessKeyId: string, secretAccessKey: string) => ({
    endpoint: endpoint.url,
    region: endpoint.region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  const principal = (name: string): Principal => {
    const p = endpoint.iam?.principals.find((x) => x.name === name);
    if (p === undefined) throw new Error(`no principal ${name}`);
    return p;
  };
  const track = <T extends { destroy(): void }>(c: T): T => {
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    principal,
    sm: (name) =>
      track(new SecretsManagerClient(config(principal(name).accessKeyId, principal(name).secretAccessKey))),
    ssm: (name) => track(new SSMClient(config(principal(name).accessKeyId, principal(name).secretAccessKey))),
    withKeys: (id, secret) => track(new SecretsManagerClient(config(id, secret))),
    async close() {
      for (const c of clients) c.destroy();
      await endpoint.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
