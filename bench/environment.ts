/** The machine and versions a benchmark run happened on, for the report's header. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';

/** Where a run happened. */
export interface RunEnvironment {
  /** CPU model and count, memory, OS, load at the start. */
  readonly machine: Readonly<Record<string, string>>;
  /** Node, npm and the versions of the packages the measured code runs on. */
  readonly versions: Readonly<Record<string, string>>;
}

// The packages whose speed is measured or that do the measuring.
const PACKAGES = [
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-ssm',
  'better-sqlite3',
  'zod',
  'esbuild',
  'autocannon',
  'tsx',
];

/** The installed version of a package, read from its package.json under node_modules. */
function installedVersion(root: URL, name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** A command's first output line, or `absent` when it cannot run. */
function commandVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    })
      .trim()
      .split('\n')[0] as string;
  } catch {
    return 'absent';
  }
}

/** Describes this machine and the versions in the repository at `root`. */
export function runEnvironment(root: URL): RunEnvironment {
  const cpu = cpus();
  return {
    machine: {
      cpu: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}`,
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
      os: `${type()} ${release()}`,
      'load average at start': loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    },
    versions: {
      node: process.version,
      npm: commandVersion('npm', ['--version']),
      'aws CLI': commandVersion('aws', ['--version']),
      ...Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(root, name)])),
    },
  };
}
