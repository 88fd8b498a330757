/**
 * Where contract suites run: the embedded local endpoint always; moto's server when `moto_server`
 * is installed; and any endpoint named by CONTRACT_SECRETS_MANAGER_ENDPOINT / CONTRACT_SSM_ENDPOINT.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { isLoopbackHost } from '../../cli/endpoint.js';
import { startAwsEndpoint } from '../../local/aws/endpoint.js';

/** A running Secrets Manager + SSM endpoint for a test suite. */
export interface TestEndpoint {
  /** Label for test names. */
  readonly name: string;
  /** True for the embedded endpoint (fault injection and other local-only checks apply). */
  readonly embedded: boolean;
  /** Secrets Manager base URL. */
  readonly secretsManagerUrl: string;
  /** SSM base URL. */
  readonly ssmUrl: string;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/** An access key pair a test signs with. */
export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * A key pair no local endpoint knows: the embedded endpoint lets it act as admin (docs/local-iam.md),
 * moto takes any.
 */
const UNKNOWN_KEY: TestCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Client settings for `url`: us-east-1 and `credentials` (by default a key the endpoint does not
 * know) on loopback; anywhere else (a real AWS endpoint) the standard credential chain and AWS_REGION.
 */
function clientConfig(url: string, credentials: TestCredentials = UNKNOWN_KEY) {
  const loopback = isLoopbackHost(new URL(url).hostname);
  return loopback
    ? {
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        maxAttempts: 1,
      }
    : { endpoint: url, region: process.env.AWS_REGION ?? 'us-east-1' };
}

/** A Secrets Manager client for `url`, signing with `credentials` on loopback, with no retries there. */
export function secretsManagerClient(url: string, credentials?: TestCredentials): SecretsManagerClient {
  return new SecretsManagerClient(clientConfig(url, credentials));
}

/** An SSM client for `url`. */
export function ssmClient(url: string): SSMClient {
  return new SSMClient(clientConfig(url));
}

/**
 * Starts the embedded endpoint on a free port with a fresh temporary data dir, enforcing the stack's
 * IAM (docs/design.md §6). The suites sign with keys it does not know, which act as admin: the contract is
 * the wire protocol, which moto (no IAM) must pass too.
 */
export async function embeddedEndpoint(options: { throttleRate?: number } = {}): Promise<TestEndpoint> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-'));
  const endpoint = await startAwsEndpoint({ port: 0, dataDir, iam: { env: {} }, ...options });
  return {
    name: 'embedded',
    embedded: true,
    secretsManagerUrl: endpoint.url,
    ssmUrl: endpoint.url,
    close: async () => {
      await endpoint.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The endpoint named by the CONTRACT_* variables, or undefined when they are not set. */
export function externalEndpoint(): TestEndpoint | undefined {
  const sm = process.env.CONTRACT_SECRETS_MANAGER_ENDPOINT;
  if (!sm) return undefined;
  return {
    name: `external ${sm}`,
    embedded: false,
    secretsManagerUrl: sm,
    ssmUrl: process.env.CONTRACT_SSM_ENDPOINT ?? sm,
    close: async () => {},
  };
}

/** Why moto cannot run here, or undefined when `moto_server` is on PATH. */
export function motoUnavailable(): string | undefined {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return probe.error || probe.status !== 0 ? 'moto_server is not installed on this machine' : undefined;
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`moto_server did not answer at ${url} within ${seconds}s`);
}

/** Starts moto's server on a free loopback port. Call only when {@link motoUnavailable} is undefined. */
export async function motoEndpoint(): Promise<TestEndpoint> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, 30);
  return {
    name: 'moto',
    embedded: false,
    secretsManagerUrl: url,
    ssmUrl: url,
    close: async () => {
      child.kill('SIGTERM');
    },
  };
}
