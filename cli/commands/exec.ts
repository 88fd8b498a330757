/**
 * `thv-broker exec --secret NAME,target=ENV [--scope-secret SCOPE:NAME,target=ENV] -- cmd args…`:
 * runs a command with secrets in its environment, never on a command line. ToolHive's own
 * `--secret NAME,target=ENV` syntax; user secrets come through the user routes and system secrets
 * through their scope's routes, one batch read per target (the split of ToolHive's
 * `WithSecrets(systemProvider, userProvider)`), all before the command starts, so a refused or
 * missing name means the command never runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Command } from '@commander-js/extra-typings';
import { MAX_BATCH_GET_KEYS } from '../../lambda/core/bulk.js';
import type { Target } from '../api-client.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { ContextFactory } from './context.js';

/** Exit code when the command cannot be found (as shells answer). */
export const EXIT_COMMAND_NOT_FOUND = 127;

/** Exit code when the command exists but cannot be run (as shells answer). */
export const EXIT_COMMAND_NOT_RUNNABLE = 126;

/** Signals passed on to the command; it decides what they mean. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A name a process environment can carry portably (POSIX: letters, digits, `_`, no leading digit). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `--secret` or `--scope-secret`: which secret, and the variable it becomes. */
export interface SecretMapping {
  /** User routes, or one scope's routes. */
  readonly target: Target;
  /** The key (user) or name within the scope. */
  readonly name: string;
  /** The environment variable of the command that gets the value. */
  readonly env: string;
}

const HELP = `
Each --secret NAME,target=ENV reads the user secret NAME; each --scope-secret SCOPE:NAME,target=ENV
reads the system secret NAME of SCOPE (needs access to that scope's routes). All user secrets are
read with one request, each scope's with one request of its own, before the command starts: a
missing or refused name stops here with the broker's error and exit code, and the command does
not run. Values go into the command's environment only: never onto a command line, stderr or a
message. The command runs without a shell; SIGINT, SIGTERM and SIGHUP are passed on to it, and
its exit code is thv-broker's (128 + n when signal n ended it, 127 when it is not found).

Examples:
  thv-broker exec --secret GITHUB_TOKEN,target=GH_TOKEN -- gh repo list
  thv-broker exec --secret GITHUB_TOKEN,target=GH_TOKEN \\
    --scope-secret workloads:BEARER_TOKEN_github,target=TOKEN -- ./serve --port 8080`;

/** Parses `NAME,target=ENV`; throws a {@link UsageError} naming the option at fault. */
export function parseSecretSpec(spec: string, option: '--secret' | '--scope-secret'): SecretMapping {
  const shape = option === '--secret' ? 'NAME,target=ENV' : 'SCOPE:NAME,target=ENV';
  const comma = spec.indexOf(',');
  const head = comma === -1 ? spec : spec.slice(0, comma);
  const rest = comma === -1 ? '' : spec.slice(comma + 1);
  if (!rest.startsWith('target=')) throw new UsageError(`${option} needs ${shape} (target= is required)`);
  const env = rest.slice('target='.length);
  if (!ENV_NAME.test(env))
    throw new UsageError(
      `${option}: target ${JSON.stringify(env)} is not a valid environment variable name (letters, digits, _; not starting with a digit)`,
    );
  if (option === '--secret') {
    if (head === '') throw new UsageError(`${option} needs ${shape}: the name is empty`);
    return { target: { kind: 'user' }, name: head, env };
  }
  const colon = head.indexOf(':');
  const scope = colon === -1 ? '' : head.slice(0, colon);
  const name = colon === -1 ? '' : head.slice(colon + 1);
  if (scope === '' || name === '') throw new UsageError(`${option} needs ${shape}: scope and name`);
  return { target: { kind: 'scope', scope }, name, env };
}

/**
 * Checks the mappings as a whole: one value per variable, at most one request's worth per target.
 * None at all is fine (`exec -- cmd` runs it as it is, with no request), so a script that builds
 * the list need not special-case an empty one.
 */
export function checkMappings(mappings: readonly SecretMapping[]): void {
  const seen = new Set<string>();
  for (const m of mappings) {
    if (seen.has(m.env)) throw new UsageError(`target ${m.env} is given more than once`);
    seen.add(m.env);
  }
  for (const [label, group] of groupTargets(mappings)) {
    if (group.names.size > MAX_BATCH_GET_KEYS)
      throw new UsageError(
        `at most ${MAX_BATCH_GET_KEYS} distinct names per request (${label} has ${group.names.size})`,
      );
  }
}

/** The mappings of one target and its distinct names: one batch read. */
interface TargetGroup {
  readonly target: Target;
  readonly names: Set<string>;
  readonly mappings: SecretMapping[];
}

/** The mappings by target (`user`, `scope:<scope>`), in command-line order, with their distinct names. */
function groupTargets(mappings: readonly SecretMapping[]): Map<string, TargetGroup> {
  const groups = new Map<string, TargetGroup>();
  for (const m of mappings) {
    const label = m.target.kind === 'user' ? 'user' : `scope:${m.target.scope}`;
    const group = groups.get(label) ?? { target: m.target, names: new Set<string>(), mappings: [] };
    group.names.add(m.name);
    group.mappings.push(m);
    groups.set(label, group);
  }
  return groups;
}

/** The command could not be started (not found, not executable). */
class CommandStartError extends CliError {
  readonly code = 'command_not_started';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Options of {@link execCommand}. */
export interface ExecCommandOptions {
  /** The command's collaborators. */
  readonly context: ContextFactory;
  /** Sets the CLI's exit code (the command's own). */
  readonly exit: (code: number) => void;
}

/** Builds the `exec` command. */
export function execCommand(options: ExecCommandOptions) {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return new Command('exec')
    .description('run a command with secrets in its environment (never on its command line)')
    .usage('[--secret NAME,target=ENV]... [--scope-secret SCOPE:NAME,target=ENV]... -- <command> [args...]')
    .option(
      '--secret <NAME,target=ENV>',
      'a user secret as environment variable ENV (repeatable)',
      collect,
      [],
    )
    .option(
      '--scope-secret <SCOPE:NAME,target=ENV>',
      "a scope's system secret as environment variable ENV (repeatable)",
      collect,
      [],
    )
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText('after', HELP)
    .action(async (argv, opts) => {
      const mappings = [
        ...opts.secret.map((spec) => parseSecretSpec(spec, '--secret')),
        ...opts.scopeSecret.map((spec) => parseSecretSpec(spec, '--scope-secret')),
      ];
      checkMappings(mappings);
      const { client, io } = options.context();
      const env: Record<string, string> = {};
      // One request per target, in command-line order; the first refusal stops everything.
      for (const [, group] of groupTargets(mappings)) {
        const values = await client.batchGet(group.target, [...group.names]);
        for (const m of group.mappings) env[m.env] = values.get(m.name) as string;
      }
      const [command, ...args] = argv as [string, ...string[]];
      options.exit(await runCommand(command, args, env, io));
    });
}

/**
 * Spawns `command` (no shell) with the CLI's environment plus `extra`, passes the forwarded signals
 * on while it runs, and resolves with its exit code (128 + n for signal n).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  extra: Readonly<Record<string, string>>,
  io: CliIo,
): Promise<number> {
  // The real process's streams are handed over as they are (a terminal stays a terminal); fakes
  // in tests get the command's output piped to them.
  const own = io.stdin === process.stdin && io.stdout === process.stdout && io.stderr === process.stderr;
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], {
        env: { ...io.env, ...extra },
        stdio: own ? 'inherit' : ['ignore', 'pipe', 'pipe'],
        shell: false,
      });
    } catch (error) {
      reject(startError(command, error));
      return;
    }
    if (!own) {
      child.stdout?.on('data', (chunk: Buffer) => io.stdout.write(chunk));
      child.stderr?.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    }
    const forward = FORWARDED_SIGNALS.map((signal) => {
      const handler = () => {
        child.kill(signal);
      };
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    const done = () => {
      for (const off of forward) off();
    };
    child.once('error', (error) => {
      done();
      reject(startError(command, error));
    });
    child.once('close', (code, signal) => {
      done();
      if (signal !== null) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
}

/** A spawn failure as a usage-style error with the shell's exit code; the message names the command only. */
function startError(command: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new CommandStartError(`command not found: ${JSON.stringify(command)}`, EXIT_COMMAND_NOT_FOUND);
  return new CommandStartError(
    `cannot run ${JSON.stringify(command)}: ${code ?? 'spawn failed'}`,
    EXIT_COMMAND_NOT_RUNNABLE,
  );
}
