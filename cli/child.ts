/**
 * Runs `exec`'s command and stands between it and the signals the CLI receives.
 *
 * The command shares the CLI's process group, so it stays in the terminal's foreground group: it
 * can read the terminal, and the terminal's own signals reach it directly. The rule, the one POSIX
 * gives `system(3)` ("shall ignore the SIGINT and SIGQUIT signals ... while waiting for the command
 * to terminate"):
 *
 * - SIGINT and SIGQUIT, the keyboard's signals (Ctrl-C, Ctrl-\), are sent by the terminal to the
 *   whole foreground group: the command has its own copy, so the CLI does not forward another one
 *   (a second Ctrl-C means "force quit" to terraform, docker compose, npm). The CLI only survives
 *   them and waits for the command. A SIGINT sent to the CLI's pid alone therefore stops nothing:
 *   signal the group (`kill -INT -<pgid>`) or send SIGTERM.
 * - Every other signal whose default would end the CLI is forwarded to the command once (it
 *   decides what it means), and the CLI waits for it: the command is never left running without
 *   the CLI, holding the secrets.
 * - Job control (SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT) and SIGWINCH keep their defaults: the terminal
 *   stops, continues and resizes the whole group.
 *
 * The exit code is the command's, 128 + n when signal n ended it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** Exit code when the command cannot be found (as shells answer). */
const EXIT_COMMAND_NOT_FOUND = 127;

/** Exit code when the command exists but cannot be run (as shells answer). */
const EXIT_COMMAND_NOT_RUNNABLE = 126;

/** The keyboard's signals: the command gets them from the terminal, so the CLI only survives them. */
const GROUP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/**
 * Signals passed on to the command: every one Linux and macOS deliver with a default action that
 * would end the CLI, and that a process can catch (SIGKILL and SIGSTOP cannot be; SIGPIPE is already
 * ignored by Node). SIGUSR1 among them, whose listener also keeps Node from opening its inspector.
 */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGTERM',
  'SIGHUP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGALRM',
  'SIGVTALRM',
  'SIGPROF',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGTRAP',
  'SIGSYS',
  'SIGABRT',
  ...(process.platform === 'linux' ? (['SIGPWR', 'SIGSTKFLT', 'SIGPOLL'] as const) : []),
];

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

/**
 * Spawns `command` (no shell) with the CLI's environment plus `extra`, handles signals as the module
 * comment says while it runs, and resolves with its exit code (128 + n for signal n).
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
    let child: ChildProcess | undefined;
    // Listening before the spawn: a signal in between must not end the CLI and orphan the command.
    const listeners = [
      ...GROUP_SIGNALS.map((signal) => [signal, () => {}] as const),
      ...FORWARDED_SIGNALS.map((signal) => [signal, () => forward(child, signal)] as const),
    ];
    for (const [signal, listener] of listeners) process.on(signal, listener);
    const done = () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    };
    try {
      child = spawn(command, [...args], {
        env: { ...io.env, ...extra },
        stdio: own ? 'inherit' : ['ignore', 'pipe', 'pipe'],
        shell: false,
      });
    } catch (error) {
      done();
      reject(startError(command, error));
      return;
    }
    if (!own) {
      child.stdout?.on('data', (chunk: Buffer) => io.stdout.write(chunk));
      child.stderr?.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    }
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

/** Passes `signal` on; a command that has just exited (or not yet started) is not an error. */
function forward(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  try {
    child?.kill(signal);
  } catch {
    // ESRCH: it is gone; its exit ends the CLI.
  }
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
