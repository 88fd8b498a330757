/**
 * Batch reads and `thv-broker exec` against the real local broker: the two batch-get
 * routes over HTTP, then the real CLI executable running real commands with secrets in their
 * environment. A child never prints a value: it prints a hash of it, or compares it itself.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectError, put, scopePath, userPath } from '../support/api.js';
import { runCli } from '../support/cli.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const BIN = fileURLToPath(new URL('../../bin/thv-broker.js', import.meta.url));
const GH = 'gh-value-never-printed';
const SYS = 'system-value-never-printed';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
/** A `node -e` script that prints the sha256 of each named variable (or "unset"), one per line. */
const hashScript = (...names: string[]) =>
  `const c=require('node:crypto');for(const n of ${JSON.stringify(names)}){const v=process.env[n];console.log(v===undefined?'unset':c.createHash('sha256').update(v).digest('hex'))}`;

let broker: TestBroker;
const env = () => ({ THV_BROKER_ENDPOINT: broker.url });

beforeAll(async () => {
  broker = await startTestBroker();
  await put(broker.url, userPath('EX_GITHUB_TOKEN'), GH);
  await put(broker.url, userPath('EX_OTHER'), 'other');
  await put(broker.url, scopePath('workloads', 'EX_BEARER'), SYS);
  await put(broker.url, scopePath('registry', 'EX_REG'), 'registry-value');
});

afterAll(async () => {
  await broker?.close();
});

describe('POST /v1/batch-get', () => {
  it('answers every value asked for in one request', async () => {
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/batch-get', {
      keys: ['EX_GITHUB_TOKEN', 'EX_OTHER'],
    });
    // Assess
    expect([response.status, response.json]).toEqual([
      200,
      { values: { EX_GITHUB_TOKEN: GH, EX_OTHER: 'other' } },
    ]);
  });

  it('answers 25 keys, more than one BatchGetSecretValue call holds', async () => {
    // Prepare
    const keys = Array.from({ length: 25 }, (_, i) => `EX_MANY_${i}`);
    for (const k of keys) await put(broker.url, userPath(k), `v-${k}`);
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/batch-get', { keys });
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ values: Object.fromEntries(keys.map((k) => [k, `v-${k}`])) });
  });

  it('refuses the whole request for one reserved key, with no value', async () => {
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/batch-get', {
      keys: ['EX_GITHUB_TOKEN', '__thv_workloads_EX_BEARER'],
    });
    // Assess
    expectError(response, 'reserved_key');
    expect(response.text).not.toContain(GH);
    expect(response.text).not.toContain(SYS);
  });

  it('fails the whole request for one missing key, naming it', async () => {
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/batch-get', {
      keys: ['EX_GITHUB_TOKEN', 'EX_NOPE'],
    });
    // Assess
    expectError(response, 'not_found');
    expect(response.text).toContain('EX_NOPE');
    expect(response.text).not.toContain(GH);
  });

  it('fails for a deleted key', async () => {
    // Prepare
    await put(broker.url, userPath('EX_DELETED'), 'gone');
    await sendJson(broker.url, 'DELETE', userPath('EX_DELETED'), undefined);
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/batch-get', { keys: ['EX_DELETED'] });
    // Assess
    expectError(response, 'not_found');
  });

  it('answers 400 for a key given twice and for an empty list', async () => {
    expectError(await sendJson(broker.url, 'POST', '/v1/batch-get', { keys: ['A', 'A'] }), 'invalid_body');
    expectError(await sendJson(broker.url, 'POST', '/v1/batch-get', { keys: [] }), 'invalid_body');
  });

  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['not JSON', '{"keys":'],
    ['a JSON string', '"EX_OTHER"'],
    ['keys as a string', '{"keys":"EX_OTHER"}'],
    ['a nested list', '{"keys":[["EX_OTHER"]]}'],
    ['null in the list', '{"keys":[null]}'],
    ['101 keys', JSON.stringify({ keys: Array.from({ length: 101 }, (_, i) => `K${i}`) })],
    ['a 300-character key', JSON.stringify({ keys: ['k'.repeat(300)] })],
    ['a key with a slash', '{"keys":["a/b"]}'],
    [
      'an ARN as a key',
      '{"keys":["arn:aws:secretsmanager:us-east-1:123456789012:secret:toolhive/EX_OTHER"]}',
    ],
    ['an encoded reserved key', '{"keys":["%5F%5Fthv_workloads_EX_BEARER"]}'],
    ['a __proto__ body', '{"__proto__":{"keys":["EX_OTHER"]}}'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])('answers a 4xx, never a 5xx or a value, to %s', async (_what, body) => {
    // Act
    const response = await send(broker.url, 'POST', '/v1/batch-get', body === undefined ? {} : { body });
    // Assess
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.text).not.toContain('other');
  });

  it('keeps values out of the audit log', async () => {
    // Act
    await sendJson(broker.url, 'POST', '/v1/batch-get', { keys: ['EX_GITHUB_TOKEN'] });
    // Assess
    expect(broker.auditLines.join('\n')).not.toContain(GH);
  });
});

describe('POST /v1/scopes/{scope}/batch-get', () => {
  it("answers its own scope's names", async () => {
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/scopes/workloads/batch-get', {
      names: ['EX_BEARER'],
    });
    // Assess
    expect([response.status, response.json]).toEqual([200, { values: { EX_BEARER: SYS } }]);
  });

  it("never answers another scope's secret", async () => {
    // Act
    const response = await sendJson(broker.url, 'POST', '/v1/scopes/workloads/batch-get', {
      names: ['EX_BEARER', '__thv_registry_EX_REG'],
    });
    // Assess
    expectError(response, 'not_found');
    expect(response.text).not.toContain('registry-value');
  });

  it('answers 404 unknown_scope for a scope the deployment lacks', async () => {
    expectError(
      await sendJson(broker.url, 'POST', '/v1/scopes/billing/batch-get', { names: ['EX_BEARER'] }),
      'unknown_scope',
    );
  });
});

describe('thv-broker exec', () => {
  it('runs the command with the user and scope secrets in its environment', async () => {
    // Act
    const run = await runCli(
      [
        'exec',
        '--secret',
        'EX_GITHUB_TOKEN,target=GH_TOKEN',
        '--scope-secret',
        'workloads:EX_BEARER,target=TOKEN',
        '--',
        process.execPath,
        '-e',
        hashScript('GH_TOKEN', 'TOKEN', 'THV_BROKER_ENDPOINT'),
      ],
      { env: env() },
    );
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([sha(GH), sha(SYS), sha(broker.url)]);
    expect(run.stdout + run.stderr).not.toContain(GH);
    expect(run.stdout + run.stderr).not.toContain(SYS);
  });

  it('reads the user secrets with one request and each scope with one of its own', async () => {
    // Prepare
    const before = broker.auditLines.length;
    // Act
    const run = await runCli(
      [
        'exec',
        '--secret',
        'EX_GITHUB_TOKEN,target=A',
        '--secret',
        'EX_OTHER,target=B',
        '--scope-secret',
        'workloads:EX_BEARER,target=C',
        '--',
        process.execPath,
        '-e',
        '',
      ],
      { env: env() },
    );
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const routes = broker.auditLines
      .slice(before)
      .map((l) => JSON.parse(l) as { route?: string; operation?: string })
      .filter((l) => l.operation !== undefined)
      .map((l) => l.operation);
    expect(routes).toEqual(['batchGetSecrets', 'batchGetScoped']);
  });

  it('passes the value unchanged, compared inside the child', async () => {
    // Act
    const run = await runCli(
      [
        'exec',
        '--secret',
        'EX_GITHUB_TOKEN,target=GH_TOKEN',
        '--',
        process.execPath,
        '-e',
        `process.exit(process.env.GH_TOKEN === ${JSON.stringify(GH)} ? 0 : 9)`,
      ],
      { env: env() },
    );
    // Assess
    expect(run.code, run.stderr).toBe(0);
  });

  it("exits with the command's exit code", async () => {
    // Act
    const run = await runCli(
      ['exec', '--secret', 'EX_OTHER,target=X', '--', process.execPath, '-e', 'process.exit(7)'],
      { env: env() },
    );
    // Assess
    expect(run.code).toBe(7);
  });

  it('does not run the command when a key is refused, and exits with the broker error code', async () => {
    // Act
    const run = await runCli(
      [
        'exec',
        '--secret',
        'EX_GITHUB_TOKEN,target=A',
        '--secret',
        '__thv_workloads_EX_BEARER,target=B',
        '--',
        process.execPath,
        '-e',
        'console.log("the command ran")',
      ],
      { env: env() },
    );
    // Assess
    expect(run.code).toBe(3);
    expect(run.stdout).not.toContain('the command ran');
    expect(run.stderr).toContain('reserved_key');
    expect(run.stderr).not.toContain(GH);
  });

  it('does not run the command when a key is missing, and exits 2', async () => {
    // Act
    const run = await runCli(
      [
        'exec',
        '--secret',
        'EX_NOPE,target=A',
        '--',
        process.execPath,
        '-e',
        'console.log("the command ran")',
      ],
      { env: env() },
    );
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('the command ran');
  });

  it('says the command is not found and exits 127', async () => {
    // Act
    const run = await runCli(['exec', '--secret', 'EX_OTHER,target=A', '--', 'no-such-command-thv-x'], {
      env: env(),
    });
    // Assess
    expect(run.code).toBe(127);
    expect(run.stderr).toContain('command not found');
    expect(run.stderr).not.toContain('other');
  });

  it.each([
    ['a list starting with target=', ['--secret', 'target=A']],
    ['an invalid variable name', ['--secret', 'EX_OTHER,target=1BAD']],
    ['a duplicate target', ['--secret', 'EX_OTHER,target=A', '--secret', 'EX_GITHUB_TOKEN,target=A']],
    ['a scope secret without its scope', ['--scope-secret', 'EX_BEARER,target=A']],
  ])('refuses %s as a usage error without a request or the command', async (_what, options) => {
    // Prepare
    const before = broker.auditLines.length;
    // Act
    const run = await runCli(
      ['exec', ...options, '--', process.execPath, '-e', 'console.log("the command ran")'],
      {
        env: env(),
      },
    );
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('the command ran');
    expect(broker.auditLines.length).toBe(before);
  });

  it('runs the command with no request when no secret is named', async () => {
    // Prepare
    const before = broker.auditLines.length;
    // Act
    const run = await runCli(['exec', '--', process.execPath, '-e', 'process.exit(5)'], { env: env() });
    // Assess
    expect(run.code).toBe(5);
    expect(broker.auditLines.length).toBe(before);
  });

  it('passes SIGTERM on to the command and exits with its code', async () => {
    // Prepare: the child reports readiness, then exits 42 when SIGTERM reaches it (and gives up by
    // itself after 20 s, so a broken forwarder leaves no stray process behind).
    const script =
      "process.on('SIGTERM',()=>process.exit(42));console.log('ready');setTimeout(()=>process.exit(99),20000)";
    const child = spawn(
      process.execPath,
      [BIN, 'exec', '--secret', 'EX_OTHER,target=A', '--', process.execPath, '-e', script],
      { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('ready')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Act
    await ready;
    child.kill('SIGTERM');
    // Assess
    expect(await exited).toBe(42);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    'passes %s on, and exits %d (128 + the signal) when it ends the command',
    async (signal, code) => {
      // Prepare: the child has no handler, so the forwarded signal ends it.
      const child = spawn(
        process.execPath,
        [
          BIN,
          'exec',
          '--secret',
          'EX_OTHER,target=A',
          '--',
          process.execPath,
          '-e',
          "console.log('ready');setTimeout(()=>process.exit(99),20000)",
        ],
        { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      // Act
      await ready;
      child.kill(signal);
      // Assess
      expect(await exited).toBe(code);
    },
  );
});

/**
 * `exec` signals as a terminal user expects (cli/child.ts). The CLI is spawned as the
 * leader of a process group of its own (`detached`), and a "terminal" signal is sent to the whole
 * group with `process.kill(-pid, …)`, as a terminal does on Ctrl-C; a signal to the CLI's pid alone
 * is what `kill <pid>` or a supervisor sends. Each command reports readiness with its pid and ends
 * by itself after 8 s, so a broken CLI fails the test instead of leaving a process behind.
 */
describe('thv-broker exec signals', () => {
  interface Running {
    readonly cli: ReturnType<typeof spawn>;
    /** Resolves with the command's pid once it is ready. */
    readonly ready: Promise<number>;
    /** Resolves with the CLI's exit code (null when a signal killed the CLI itself). */
    readonly exited: Promise<number | null>;
    readonly output: () => { stdout: string; stderr: string };
  }
  const started: Running[] = [];

  /** Runs `exec` on a node script as a process group leader; the script prints `ready <pid>` first. */
  const execScript = (script: string) =>
    execCommand([
      process.execPath,
      '-e',
      `${script};console.log('ready '+process.pid);setTimeout(()=>process.exit(99),8000)`,
    ]);

  /**
   * A command with every signal at its default (a Node command would open its inspector on
   * SIGUSR1 instead of ending): sh prints its pid, then becomes `sleep` under that pid.
   */
  const execSleep = () => execCommand(['/bin/sh', '-c', 'echo ready $$; exec sleep 8']);

  /** Runs `exec` on `command` as a process group leader; the command prints `ready <pid>` first. */
  function execCommand(command: readonly string[]): Running {
    const cli = spawn(process.execPath, [BIN, 'exec', '--secret', 'EX_OTHER,target=A', '--', ...command], {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const ready = new Promise<number>((resolve) => {
      cli.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const pid = /ready (\d+)/.exec(stdout)?.[1];
        if (pid !== undefined) resolve(Number(pid));
      });
    });
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
    const running = { cli, ready, exited, output: () => ({ stdout, stderr }) };
    started.push(running);
    return running;
  }

  /** True while `pid` is a live process (a zombie counts as gone: it holds nothing). */
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };

  afterEach(() => {
    // Whatever a failed test left behind: the CLI's whole group.
    for (const { cli } of started.splice(0)) {
      try {
        if (cli.pid !== undefined) process.kill(-cli.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  /** Counts `signal` in the command and exits 3 half a second after the first, printing the count. */
  const countOnce = (signal: string) =>
    `let n=0;process.on('${signal}',()=>{n++;if(n===1)setTimeout(()=>{console.log('${signal} x'+n);process.exit(3)},500)})`;

  it.each(['SIGINT', 'SIGQUIT'] as const)(
    'delivers a %s sent to the whole group (Ctrl-C, Ctrl-\\) to the command once, and exits with its code',
    async (signal) => {
      // Prepare
      const run = execScript(countOnce(signal));
      await run.ready;
      // Act
      process.kill(-(run.cli.pid as number), signal);
      // Assess
      expect(await run.exited).toBe(3);
      expect(run.output().stdout).toContain(`${signal} x1`);
    },
  );

  it.each([
    ['SIGINT', 130],
    ['SIGQUIT', 131],
  ] as const)(
    'exits %s → %d when the group signal ends a command without a handler',
    async (signal, code) => {
      // Prepare
      const run = execScript('');
      await run.ready;
      // Act
      process.kill(-(run.cli.pid as number), signal);
      // Assess
      expect(await run.exited).toBe(code);
    },
  );

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGUSR1', 138],
    ['SIGUSR2', 140],
    ['SIGALRM', 142],
    ['SIGPROF', 155],
  ] as const)(
    'passes %s sent to the CLI alone on to the command, exits %d, and leaves no command running',
    async (signal, code) => {
      // Prepare
      const run = execSleep();
      const pid = await run.ready;
      // Act
      run.cli.kill(signal);
      // Assess
      expect(await run.exited).toBe(code);
      expect(alive(pid)).toBe(false);
      expect(run.output().stderr).not.toContain('Debugger listening');
    },
  );

  it.each(['SIGINT', 'SIGQUIT'] as const)(
    'does not forward a %s sent to it alone: that copy is the one the command gets from the terminal',
    async (signal) => {
      // Prepare: the command would print the signal the moment one reached it
      const run = execScript(`process.on('${signal}',()=>console.log('got ${signal}'))`);
      await run.ready;
      // Act
      run.cli.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 700));
      run.cli.kill('SIGTERM');
      // Assess: the CLI lived on, and only SIGTERM reached the command
      expect(await run.exited).toBe(143);
      expect(run.output().stdout).not.toContain(`got ${signal}`);
    },
  );

  it('survives a SIGQUIT sent to it alone, keeping the command (stopped later with SIGTERM)', async () => {
    // Prepare
    const run = execScript('');
    const pid = await run.ready;
    // Act
    run.cli.kill('SIGQUIT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const commandAlive = alive(pid);
    run.cli.kill('SIGTERM');
    // Assess
    expect(commandAlive).toBe(true);
    expect(await run.exited).toBe(143);
  });

  it('opens no inspector on SIGUSR1 outside exec, while it holds a value', async () => {
    // Prepare: `secret set` waits for the rest of the value on an open stdin
    const cli = spawn(process.execPath, [BIN, 'secret', 'set', 'EX_USR1'], {
      env: { ...process.env, ...env() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
    cli.stdin.write('usr1-value-never-printed');
    // bin's first line installs the listener; Node gets there within milliseconds of starting (its
    // own SIGUSR1 handler is there from its start, so /proc cannot tell the two apart): wait well past.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // Act
    cli.kill('SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    cli.stdin.end();
    // Assess
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('Debugger listening');
  });
});
