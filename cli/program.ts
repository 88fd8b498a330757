/** The `thv-broker` command line: global options, the `secret`, `scope`, `migrate` and `exec` commands, exit codes. */
import { Command, CommanderError, Help, Option } from '@commander-js/extra-typings';
import type { LocalBackendFactory } from '../core/migration-operator.js';
import { completionCommand } from './commands/completion.js';
import { createContext } from './commands/context.js';
import { execCommand } from './commands/exec.js';
import { shareSettings } from './commands/inherit.js';
import { localCommand } from './commands/local.js';
import { migrateCommand } from './commands/migrate.js';
import { scopeCommand } from './commands/scope.js';
import { secretCommand } from './commands/secret.js';
import { DEFAULT_ENDPOINT, ENDPOINT_ENV, PORT_ENV } from './endpoint.js';
import { EXIT } from './errors.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { packageVersion } from './version.js';

/** What the entry point may plug in: the local migration runner (it needs the stack and local/). */
export interface CliExtensions {
  /** Builds the backend of `migrate … --local`. */
  readonly localMigration?: LocalBackendFactory;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  usage: bad arguments, a value on the command line, no value on stdin, cleanup not confirmed
  2  not found: the key or name does not exist
  3  refused: reserved or invalid key, unknown scope, invalid body, value too large, access denied,
     restore of a key that is not deleted
  4  failed: server error, throttled, conflict, network or credentials problem (retrying may help)
  5  not a broker: what answered at --endpoint is not a thv-secret-broker (check the URL)
  (migrate start: 1 when some key failed; the flag stays unset, run it again)
  (exec: the command's own exit code once it runs; 127 when it is not found)
  130 interrupted at a prompt`;

/**
 * `-V` / `--version` as the first argument. Not a registered option: commander reads the program's
 * options anywhere on the line, so a program `--version` would take `secret get K --version <id>`.
 */
const VERSION_FLAGS: readonly string[] = ['-V', '--version'];

/** How help (and completion, which offers what help shows) presents {@link VERSION_FLAGS}. */
const VERSION_OPTION = new Option('-V, --version', 'print the version of thv-broker (first argument)');

/** Builds the program for `argv`; `io` is where it reads and writes. */
function buildProgram(
  io: CliIo,
  argv: readonly string[],
  extensions: CliExtensions,
  exit: (code: number) => void,
) {
  const program = new Command('thv-broker')
    .description('Read and write secrets in a thv-secret-broker, local (npm start) or deployed (SigV4).')
    .option(
      '--endpoint <url>',
      `broker API URL (default: $${ENDPOINT_ENV}, else http://127.0.0.1:$${PORT_ENV}, else ${DEFAULT_ENDPOINT})`,
    )
    .option(
      '--region <region>',
      'AWS region: to sign for (default: from the URL, else AWS_REGION), and of the stack for migrate (default AWS_REGION)',
    )
    .option('--json', 'print results, and errors on stderr, as JSON')
    .option(
      '--sign',
      'sign with SigV4 on a loopback endpoint too (npm start with BROKER_REQUIRE_SIGV4=1; region from --region or AWS_REGION)',
    )
    .addHelpText('after', EXIT_CODES_HELP)
    // `thv-broker secret list --help` lists --endpoint, --region and --json too.
    .configureHelp({
      showGlobalOptions: true,
      // Shown among the program's options, but not registered: see VERSION_FLAGS.
      visibleOptions: (cmd): Option[] => {
        const shown = new Help().visibleOptions(cmd);
        return cmd.parent === null ? [VERSION_OPTION, ...shown] : shown;
      },
    })
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(redactOptionValues(text)),
    });
  const context = () => createContext(program.opts(), io);
  program.addCommand(secretCommand(context));
  program.addCommand(scopeCommand(context, argv));
  program.addCommand(execCommand({ context, exit }));
  program.addCommand(
    migrateCommand({
      io,
      json: () => program.opts().json === true,
      region: () => program.opts().region,
      exit,
      ...(extensions.localMigration ? { local: extensions.localMigration } : {}),
    }),
  );
  program.addCommand(localCommand({ io, json: () => program.opts().json === true, extensions }));
  program.addCommand(completionCommand(() => program, io));
  shareSettings(program);
  return program;
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function run(
  argv: readonly string[],
  io: CliIo,
  extensions: CliExtensions = {},
): Promise<number> {
  if (argv[0] !== undefined && VERSION_FLAGS.includes(argv[0])) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  const program = buildProgram(io, argv, extensions, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    // Commander has already printed its own message (or the help) before throwing.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return new Output(io, program.opts().json === true).error(error);
  }
}

/**
 * Commander echoes an unknown option as typed, so `--token=s3cr3t` would put the value on stderr;
 * keep the option name and drop what follows `=`.
 */
export function redactOptionValues(text: string): string {
  return text.replace(/'(-{1,2}[^'=\s]+)=[^']*'/g, "'$1=…'");
}
