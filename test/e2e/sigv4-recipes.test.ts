/**
 * The "Calling the API from a service" recipes of docs/http-api.md, run exactly as written (each code
 * block is read from that page, so the docs cannot drift) against a local broker that refuses unsigned
 * requests (`BROKER_REQUIRE_SIGV4=1`), so a recipe only passes when its signature verifies. Only
 * the environment the recipes already read is set: BROKER_URL, AWS_REGION and the key pair.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigV4Signer } from '../../cli/signer.js';
import {
  DEFAULT_LOCAL_ACCESS_KEY_ID,
  DEFAULT_LOCAL_SECRET_ACCESS_KEY,
} from '../../local/gateway/sigv4-settings.js';
import { SIGNATURE_MISMATCH } from '../../local/gateway/sigv4-verifier.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const HTTP_API_DOC = 'docs/http-api.md';
const page = readFileSync(join(repoRoot, HTTP_API_DOC), 'utf8');
const SECRET_PATH = '/v1/scopes/workloads/secrets/DEMO_TOKEN';
const REGION = 'us-east-1';
const credentials = {
  accessKeyId: DEFAULT_LOCAL_ACCESS_KEY_ID,
  secretAccessKey: DEFAULT_LOCAL_SECRET_ACCESS_KEY,
};

/** The code block the HTTP API page marks with `<!-- recipe:<name> -->`. */
function recipe(name: string): string {
  const found = new RegExp(`<!-- recipe:${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(page)?.[1];
  if (found === undefined) throw new Error(`${HTTP_API_DOC} has no block marked <!-- recipe:${name} -->`);
  return found;
}

const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const hasCurl = has('curl', ['--version']);
const hasBotocore = has('python3', ['-c', 'import botocore.auth, botocore.awsrequest, botocore.session']);
const skipNote = (present: boolean, what: string) =>
  present ? '' : ` (skipped: ${what} is not installed here)`;
if (!hasBotocore)
  console.log('sigv4-recipes: python3 with botocore is not installed: the Python recipe is skipped');
if (!hasCurl) console.log('sigv4-recipes: curl is not installed: the curl recipe is skipped');

let broker: TestBroker;
let scratch: string;

beforeAll(async () => {
  // The TypeScript recipe must resolve its imports from this project's node_modules.
  mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true });
  scratch = mkdtempSync(join(repoRoot, 'node_modules/.cache/sigv4-recipes-'));
  broker = await startTestBroker({ env: { BROKER_REQUIRE_SIGV4: '1' } });
});

afterAll(async () => {
  await broker?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a recipe with only the variables it reads (no AWS profile or file of this machine). */
function run(command: string, args: string[], secretAccessKey = credentials.secretAccessKey): Promise<Run> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    BROKER_URL: broker.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_CONFIG_FILE: join(scratch, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // Asynchronous: the broker answers from this very process.
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The recipe's block written to a file (the TypeScript one where its imports resolve). */
function recipeFile(name: string, fileName: string): string {
  const path = join(scratch, fileName);
  writeFileSync(path, recipe(name));
  return path;
}

const signer = sigV4Signer({ region: REGION, credentials });

/** A correctly signed request from the test itself (the broker takes no other). */
async function signedCall(method: string, body?: string): Promise<{ status: number; text: string }> {
  const url = new URL(`${broker.url}${SECRET_PATH}`);
  const headers = await signer({
    method,
    url,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, text: await res.text() };
}

const storedValue = async () => (JSON.parse((await signedCall('GET')).text) as { value?: string }).value;

const recipes = [
  {
    name: 'curl',
    present: hasCurl,
    what: 'curl',
    command: 'bash',
    file: 'recipe.sh',
    value: 's3cr3t-from-curl',
  },
  {
    name: 'python',
    present: hasBotocore,
    what: 'python3 with botocore',
    command: 'python3',
    file: 'recipe.py',
    value: 's3cr3t-from-python',
  },
  {
    name: 'typescript',
    present: true,
    what: 'tsx',
    command: join(repoRoot, 'node_modules/.bin/tsx'),
    file: 'recipe.mts',
    value: 's3cr3t-from-typescript',
  },
];

describe('docs/http-api.md SigV4 recipes against the local broker (BROKER_REQUIRE_SIGV4=1)', () => {
  for (const r of recipes) {
    const args = (path: string) => (r.name === 'curl' ? ['-e', path] : [path]);

    it.skipIf(!r.present)(
      `the ${r.name} recipe writes and reads a secret as written${skipNote(r.present, r.what)}`,
      async () => {
        // Arrange
        const path = recipeFile(r.name, r.file);
        const before = broker.auditLines.length;
        // Act
        const result = await run(r.command, args(path));
        // Assess
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout.trim().split('\n').pop()).toContain(r.value);
        expect(await storedValue()).toBe(r.value);
        const audit = broker.auditLines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(audit.filter((l) => l.method === 'PUT').map((l) => [l.caller, l.status])).toEqual([
          ['arn:aws:iam::000000000000:user/local-service', expect.any(Number)],
        ]);
      },
    );

    it.skipIf(!r.present)(
      `the ${r.name} recipe with a wrong secret key gets 403 and changes nothing${skipNote(r.present, r.what)}`,
      async () => {
        // Arrange
        const path = recipeFile(r.name, r.file);
        expect((await signedCall('PUT', JSON.stringify({ value: 'before' }))).status).toBeLessThan(300);
        // Act
        const result = await run(r.command, args(path), 'not-the-secret-key');
        // Assess
        expect(result.code).not.toBe(0);
        expect(result.stdout + result.stderr).toContain(SIGNATURE_MISMATCH.slice(0, 60));
        expect(result.stdout + result.stderr).not.toContain('not-the-secret-key');
        expect(await storedValue()).toBe('before');
      },
    );
  }

  it('the CLI reads through the signing broker with --sign, and is refused without it', async () => {
    // Arrange
    const bin = join(repoRoot, 'bin', 'thv-broker.js');
    const cli = (...flags: string[]) =>
      run(process.execPath, [
        bin,
        '--endpoint',
        broker.url,
        ...flags,
        'scope',
        'workloads',
        'get',
        'DEMO_TOKEN',
      ]);
    expect((await signedCall('PUT', JSON.stringify({ value: 'cli-signed' }))).status).toBeLessThan(300);
    const before = broker.auditLines.length;
    // Act
    const signed = await cli('--sign');
    const unsigned = await cli();
    // Assess
    expect([signed.code, signed.stdout.trim()]).toEqual([0, 'cli-signed']);
    expect(unsigned.code).not.toBe(0);
    expect(unsigned.stderr).toContain('Missing Authentication Token');
    const callers = broker.auditLines
      .slice(before)
      .map((l) => (JSON.parse(l) as { caller?: unknown }).caller);
    expect(callers[0]).toBe('arn:aws:iam::000000000000:user/local-service');
  });

  it('the TypeScript recipe type-checks under strict settings', async () => {
    // Arrange
    const path = recipeFile('typescript', 'typecheck.mts');
    // Act
    const result = await run(join(repoRoot, 'node_modules/.bin/tsc'), [
      '--noEmit',
      '--strict',
      '--noUncheckedIndexedAccess',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--skipLibCheck',
      path,
    ]);
    // Assess
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses a body changed after signing (x-amz-content-sha256 of the signed one) and changes nothing', async () => {
    // Arrange
    expect((await signedCall('PUT', JSON.stringify({ value: 'before' }))).status).toBeLessThan(300);
    const url = new URL(`${broker.url}${SECRET_PATH}`);
    const headers = await signer({
      method: 'PUT',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'signed' }),
    });
    // Act
    const res = await fetch(url, { method: 'PUT', headers, body: JSON.stringify({ value: 'tampered' }) });
    // Assess
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([403, 'InvalidSignatureException']);
    expect(await storedValue()).toBe('before');
  });

  it('refuses a body changed after signing without x-amz-content-sha256 (as curl signs) and changes nothing', async () => {
    // Arrange
    expect((await signedCall('PUT', JSON.stringify({ value: 'before' }))).status).toBeLessThan(300);
    const url = new URL(`${broker.url}${SECRET_PATH}`);
    const curlLike = new SignatureV4({
      service: 'execute-api',
      region: REGION,
      credentials,
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await curlLike.sign(
      new HttpRequest({
        method: 'PUT',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        headers: { host: url.host, 'content-type': 'application/json' },
        body: JSON.stringify({ value: 'signed' }),
      }),
    );
    const { host: _host, ...headers } = signed.headers;
    // Act
    const res = await fetch(url, { method: 'PUT', headers, body: JSON.stringify({ value: 'tampered' }) });
    // Assess
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /^The request signature we calculated/,
    );
    expect(await storedValue()).toBe('before');
  });

  it('refuses an unsigned request with Missing Authentication Token and changes nothing', async () => {
    // Arrange
    expect((await signedCall('PUT', JSON.stringify({ value: 'before' }))).status).toBeLessThan(300);
    // Act
    const res = await fetch(`${broker.url}${SECRET_PATH}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'unsigned' }),
    });
    // Assess
    expect([res.status, res.headers.get('x-amzn-errortype'), await res.json()]).toEqual([
      403,
      'MissingAuthenticationTokenException',
      { message: 'Missing Authentication Token' },
    ]);
    expect(await storedValue()).toBe('before');
  });
});
