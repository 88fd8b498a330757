/**
 * Everything `local/main.ts` writes during a full run, not only its audit lines: every route, a
 * throttled and a failing secret store, and the CLI, with the AWS endpoint's request log on. No
 * value written may appear in the server's stdout or stderr, or in the CLI's stderr.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS_PATH } from '../../local/aws/http.js';
import { CONTROL_HEADERS } from '../../local/loopback.js';
import { runCli } from '../support/cli.js';
import { startProcess } from '../support/processes.js';

const dataDir = mkdtempSync(join(tmpdir(), 'broker-all-output-'));
const written: string[] = [];
const statuses: Record<string, number> = {};
let server: ChildProcess | undefined;
let serverOut = '';
let serverErr = '';
let serverExit: number | null = null;
let cliErr = '';
let cliGetOut = '';

/** A value no output could contain by accident; only characters no log encoding would escape. */
const value = (label: string): string => {
  const v = `${label}-${randomUUID()}`;
  written.push(v);
  return v;
};

/** Rejects after `ms` so a hung child fails the run instead of the suite's timeout. */
const within = <T>(ms: number, what: string, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms),
    ),
  ]);

/** Runs the CLI with `input` on stdin, failing the run when it hangs. */
const cli = (args: string[], input = '') =>
  within(15_000, `thv-broker ${args.join(' ')}`, runCli(args, { input, env: { NO_COLOR: '1' } }));

beforeAll(async () => {
  // Prepare: port 0 for both servers; main.ts prints the ports it got.
  const started = await startProcess(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts'],
    (stdout) => {
      const api = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const aws = /AWS endpoint[^\n]* on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      return api !== undefined && aws !== undefined ? { api, aws } : undefined;
    },
    {
      env: { BROKER_PORT: '0', BROKER_AWS_PORT: '0', BROKER_DATA_DIR: dataDir, BROKER_AWS_LOG: '1' },
      timeoutMs: 15_000,
    },
  );
  server = started.child;
  const { api: url, aws: awsUrl } = started.ready;
  const call = async (label: string, method: string, path: string, body?: unknown): Promise<void> => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }),
    });
    await res.arrayBuffer();
    statuses[label] = res.status;
  };
  const faults = async (rates: { throttleRate: number; faultRate: number }): Promise<void> => {
    const res = await fetch(`${awsUrl}${FAULTS_PATH}`, {
      method: 'POST',
      headers: CONTROL_HEADERS,
      body: JSON.stringify(rates),
    });
    if (res.status !== 200)
      throw new Error(`faults ${JSON.stringify(rates)}: ${res.status} ${await res.text()}`);
  };

  // Act: every route, with a value wherever a route takes one.
  await call('user create', 'PUT', '/v1/secrets/ALL_OUT', { value: value('user-create') });
  await call('user update', 'PUT', '/v1/secrets/ALL_OUT', { value: value('user-update'), description: 'd' });
  await call('user get', 'GET', '/v1/secrets/ALL_OUT');
  await call('user list', 'GET', '/v1/secrets?limit=1');
  await call('scope create', 'PUT', '/v1/scopes/workloads/secrets/BEARER_TOKEN_a', {
    value: value('scope-create'),
  });
  await call('scope update', 'PUT', '/v1/scopes/workloads/secrets/BEARER_TOKEN_a', {
    value: value('scope-update'),
  });
  await call('scope get', 'GET', '/v1/scopes/workloads/secrets/BEARER_TOKEN_a');
  await call('scope list', 'GET', '/v1/scopes/workloads/secrets');
  await call('scope delete', 'DELETE', '/v1/scopes/workloads/secrets/BEARER_TOKEN_a');
  await call('scope create for cleanup', 'PUT', '/v1/scopes/registry/secrets/REGISTRY_OAUTH_b', {
    value: value('scope-cleanup'),
  });
  await call('scope cleanup', 'DELETE', '/v1/scopes/registry/secrets');
  await call('reserved key', 'PUT', '/v1/secrets/__thv_workloads_X', { value: value('reserved') });
  await call('malformed JSON', 'PUT', '/v1/secrets/K', `{"value": ${value('malformed')}`);
  await call('unknown scope', 'PUT', '/v1/scopes/payroll/secrets/X', { value: value('unknown-scope') });
  await faults({ throttleRate: 1, faultRate: 0 });
  await call('throttled store', 'PUT', '/v1/secrets/THROTTLED', { value: value('throttled') });
  await faults({ throttleRate: 0, faultRate: 1 });
  await call('failing store', 'PUT', '/v1/secrets/FAILING', { value: value('failing') });
  await faults({ throttleRate: 0, faultRate: 0 });
  const set = await cli(['--endpoint', url, 'secret', 'set', 'CLI_K'], value('cli-set'));
  const get = await cli(['--endpoint', url, 'secret', 'get', 'CLI_K']);
  statuses['cli set'] = set.code ?? -1;
  statuses['cli get'] = get.code ?? -1;
  cliErr = set.stderr + get.stderr;
  cliGetOut = get.stdout;
  await call('user delete', 'DELETE', '/v1/secrets/ALL_OUT');

  server.kill('SIGTERM');
  serverExit = await within(10_000, 'local/main.ts after SIGTERM', started.exited);
  await started.closed;
  serverOut = started.stdout();
  serverErr = started.stderr();
}, 30_000);

afterAll(() => {
  // A run that failed half-way must not leave a broker behind.
  if (server !== undefined && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('all output of a full local run', () => {
  it('answers every route, the throttled and failing store and the CLI as the run meant', () => {
    // Assess
    expect(statuses).toEqual({
      'user create': 201,
      'user update': 200,
      'user get': 200,
      'user list': 200,
      'scope create': 201,
      'scope update': 200,
      'scope get': 200,
      'scope list': 200,
      'scope delete': 204,
      'scope create for cleanup': 201,
      'scope cleanup': 200,
      'reserved key': 403,
      'malformed JSON': 400,
      'unknown scope': 404,
      'throttled store': 429,
      'failing store': 500,
      'cli set': 0,
      'cli get': 0,
      'user delete': 204,
    });
  });

  it("logs the AWS endpoint's requests next to the audit lines", () => {
    // Assess
    expect({
      audit: serverOut.includes('"route":"/v1/secrets/{key}"'),
      stored: /^secretsmanager\.\w+ 200 \d+ms$/m.test(serverOut),
      throttled: /^secretsmanager\.\w+ 400 ThrottlingException \d+ms$/m.test(serverOut),
      failed: /^secretsmanager\.\w+ 500 InternalServiceError \d+ms$/m.test(serverOut),
    }).toEqual({ audit: true, stored: true, throttled: true, failed: true });
  });

  it('stops on SIGTERM with exit code 0', () => {
    // Assess
    expect([serverOut.includes('SIGTERM: stopping'), serverExit]).toEqual([true, 0]);
  });

  it("writes none of the values to the server's stdout or stderr", () => {
    // Act
    const leaked = written.filter((v) => serverOut.includes(v) || serverErr.includes(v));

    // Assess
    expect(leaked).toEqual([]);
  });

  it("writes none of the values to the CLI's stderr, and the value only to get's stdout", () => {
    // Act
    const leaked = written.filter((v) => cliErr.includes(v));

    // Assess
    expect([leaked, cliGetOut.trim()]).toEqual([[], written.find((v) => v.startsWith('cli-set-'))]);
  });
});
