/**
 * `thv-broker scope <scope> list|get|set|delete|restore|cleanup`: one scope's system secrets.
 *
 * Commander dispatches subcommands on the first operand, but here the scope name comes first. So
 * `scope` takes its operands raw and hands everything after the scope name to a small program
 * built for that scope, which has the same key commands as `secret` plus `cleanup`.
 */
import { Command } from '@commander-js/extra-typings';
import { DEFAULT_SCOPES } from '../../core/namespace.js';
import { completeArgumentThen } from '../completion/tree.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { readLine } from '../prompt.js';
import type { ContextFactory } from './context.js';
import { shareSettings } from './inherit.js';
import { keyCommands } from './key-commands.js';

const COMMANDS_HELP = `
Commands (run "thv-broker scope <scope> <command> --help" for each):
  list [--limit n] [--deleted]         list the scope's names (never values); --deleted: the deleted ones
  get <name> [--previous|--version id] print the value of a name (or an earlier one)
  set <name>                           create or update a name; value from stdin or a hidden prompt
  delete <name>                        delete a name (restorable until it is purged)
  restore <name>                       bring back a deleted name
  cleanup [--yes]                      delete every secret of the scope
  export [--format dotenv|json] [--key name]... [--output file [--force]]
                                       every name (or the --key ones) with its value

Examples:
  thv-broker scope workloads list
  printf %s "$TOKEN" | thv-broker scope workloads set BEARER_TOKEN_github
  thv-broker scope workloads get BEARER_TOKEN_github --previous
  thv-broker scope workloads list --deleted
  thv-broker scope workloads restore BEARER_TOKEN_github
  thv-broker scope workloads export --output workloads.env`;

/** Builds the `scope` command; `argv` is the whole command line, to find a `--` in it. */
export function scopeCommand(context: ContextFactory, argv: readonly string[]) {
  const scope = new Command('scope')
    .description(`system secrets of one scope (${DEFAULT_SCOPES.join(', ')} by default)`)
    .usage('<scope> <command> [options]')
    .argument('<scope>')
    .argument('[command...]')
    .allowUnknownOption()
    .helpOption(false)
    .addHelpText('after', COMMANDS_HELP);
  // The scope's own commands exist only once a scope is named: show completion one built for any.
  completeArgumentThen(scope, DEFAULT_SCOPES, () => scopeProgram('SCOPE', context));
  scope.action(async (scopeName, _rest, _options, command) => {
    if (scopeName === '-h' || scopeName === '--help') {
      scope.outputHelp();
      return;
    }
    const program = scopeProgram(scopeName, context);
    // Attached (one way) under `scope`, so its usage reads "thv-broker scope <name> …" and its help
    // lists the global options, as `secret`'s does.
    program.parent = scope;
    shareSettings(scope, program);
    await program.parseAsync(restoreDoubleDash(command.args.slice(1), argv), { from: 'user' });
  });
  return scope;
}

function scopeProgram(scope: string, context: ContextFactory) {
  const program = new Command(scope);
  for (const command of keyCommands({ kind: 'scope', scope }, context)) program.addCommand(command);
  program.addCommand(cleanupCommand(scope, context));
  return program;
}

function cleanupCommand(scope: string, context: ContextFactory) {
  return new Command('cleanup')
    .description(`delete every secret of scope "${scope}" (asks on a terminal unless --yes)`)
    .option('--yes', 'do not ask for confirmation')
    .action(async (options) => {
      const { client, out, io } = context();
      if (!options.yes) await confirmCleanup(scope, io);
      const deleted = await client.cleanup(scope);
      out.result({ scope, deleted }, [
        `deleted ${deleted} secret${deleted === 1 ? '' : 's'} of scope ${scope}`,
      ]);
    });
}

async function confirmCleanup(scope: string, io: CliIo): Promise<void> {
  if (!io.stdin.isTTY) {
    throw new UsageError(
      `cleanup deletes every secret of scope "${scope}": pass --yes to confirm (stdin is not a terminal)`,
    );
  }
  const answer = await readLine(
    io.stdin,
    io.stderr,
    `Delete every secret of scope "${scope}"? Type the scope name to confirm: `,
  );
  if (answer.trim() !== scope) throw new UsageError('cleanup aborted: nothing was deleted');
}

/**
 * Commander drops a `--` that directly follows operands; put it back before the operands that
 * came after it, so `scope s get -- -name` still means the name `-name`.
 */
export function restoreDoubleDash(args: readonly string[], argv: readonly string[]): string[] {
  const at = argv.indexOf('--');
  if (at === -1 || args.includes('--')) return [...args];
  const after = argv.length - at - 1;
  return [...args.slice(0, args.length - after), '--', ...args.slice(args.length - after)];
}
