/**
 * ToolHive fed from the broker (docs/cli.md): `exec --toolhive` against the real local broker, with a
 * stand-in `thv` that reads each `--secret NAME,target=ENV` the way ToolHive's environment provider
 * does (stacklok/toolhive pkg/secrets/environment.go: `os.Getenv(e.prefix + name)` with the prefix
 * `TOOLHIVE_SECRET_`, the name verbatim; an empty or missing variable is "secret not found").
 * The docs' ToolHive block (docs/cli.md, `<!-- recipe:toolhive -->`) is run as written.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, scopePath, userPath } from '../support/api.js';
import { runCli } from '../support/cli.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const BIN = fileURLToPath(new URL('../../bin/thv-broker.js', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The stand-in `thv`: for `run --secret NAME,target=ENV … <server>` it resolves each secret as the
 * environment provider does and prints `ENV <sha256 of the value>` (never the value), or fails
 * as ToolHive does when one is not found.
 */
const STAND_IN = `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] !== 'run') { console.error('stand-in thv: only run'); process.exit(2); }
const specs = [];
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--secret') specs.push(args[++i]);
  else if (args[i].startsWith('--secret=')) specs.push(args[i].slice('--secret='.length));
}
for (const spec of specs) {
  const at = spec.lastIndexOf(',target=');
  const name = spec.slice(0, at);
  const target = spec.slice(at + ',target='.length);
  // environment.go: envVar := e.prefix + name; value := os.Getenv(envVar); if value == "" → not found
  const value = process.env['TOOLHIVE_SECRET_' + name] ?? '';
  if (value === '') { console.error('secret not found: ' + name); process.exit(1); }
  console.log(target + ' ' + require('node:crypto').createHash('sha256').update(value).digest('hex'));
}
`;

let broker: TestBroker;
let bin: string;

beforeAll(async () => {
  broker = await startTestBroker();
  bin = mkdtempSync(join(tmpdir(), 'thv-standin-'));
  writeFileSync(join(bin, 'thv'), STAND_IN);
  chmodSync(join(bin, 'thv'), 0o755);
  // `thv-broker` as an installed user types it.
  writeFileSync(join(bin, 'thv-broker'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'thv-broker'), 0o755);
});

afterAll(async () => {
  await broker?.close();
  rmSync(bin, { recursive: true, force: true });
});

/** Runs `script` with bash -euo pipefail and the test's PATH and endpoint. */
function bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, ...env() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const env = () => ({ THV_BROKER_ENDPOINT: broker.url, PATH: `${bin}:${process.env.PATH ?? ''}` });

describe('exec --toolhive', () => {
  it('feeds thv run keys with any name, user and scoped, as its environment provider reads them', async () => {
    // Prepare
    await put(broker.url, userPath('TH_GITHUB_TOKEN'), 'gh-th-value');
    await put(broker.url, userPath('my-api.key@v2'), 'odd-name-value');
    await put(broker.url, scopePath('workloads', 'TH_BEARER'), 'bearer-th-value');
    // Act
    const run = await runCli(
      [
        'exec',
        '--toolhive',
        '--secret',
        'TH_GITHUB_TOKEN,my-api.key@v2',
        '--scope-secret',
        'workloads:TH_BEARER',
        '--',
        'thv',
        'run',
        '--secret',
        'TH_GITHUB_TOKEN,target=GITHUB_PERSONAL_ACCESS_TOKEN',
        '--secret',
        'my-api.key@v2,target=API_KEY',
        '--secret=TH_BEARER,target=TOKEN',
        'github',
      ],
      { env: env() },
    );
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      `GITHUB_PERSONAL_ACCESS_TOKEN ${sha('gh-th-value')}`,
      `API_KEY ${sha('odd-name-value')}`,
      `TOKEN ${sha('bearer-th-value')}`,
    ]);
    expect(run.stdout + run.stderr).not.toContain('gh-th-value');
  });

  it('without --toolhive, ToolHive finds nothing (the variables are not its names)', async () => {
    // Prepare
    await put(broker.url, userPath('TH_PLAIN'), 'plain-value');
    // Act
    const run = await runCli(
      ['exec', '--secret', 'TH_PLAIN', '--', 'thv', 'run', '--secret', 'TH_PLAIN,target=X', 'github'],
      { env: env() },
    );
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('secret not found: TH_PLAIN');
  });

  it('runs the docs ToolHive block as written', async () => {
    // Prepare
    const block = /<!-- recipe:toolhive -->\n```sh\n([\s\S]*?)\n```\n/.exec(readFileSync(DOCS, 'utf8'))?.[1];
    expect(block, 'docs/cli.md has a block marked <!-- recipe:toolhive -->').toBeDefined();
    // Act: asynchronously, since the broker answers from this process
    const { code, stdout, stderr } = await bash(block as string);
    // Assess
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`GITHUB_PERSONAL_ACCESS_TOKEN ${sha('ghp_example_token')}`);
  });
});
