/**
 * The key commands (list, get, set, delete, restore), built once and used for both user secrets
 * (`thv-broker secret …`) and a scope's system secrets (`thv-broker scope <scope> …`).
 */
import { Command, type CommandUnknownOpts, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { Target, VersionChoice } from '../api-client.js';
import { UsageError } from '../errors.js';
import { readValue } from '../value-input.js';
import type { ContextFactory } from './context.js';
import { exportCommand } from './export.js';
import { formatDeletedKeys, formatKeys } from './format.js';
import { listAll, listAllDeleted } from './list-all.js';

/** Words that differ between user secrets and scoped names, for help and messages. */
interface Nouns {
  /** What one secret is called in usage lines: `key` or `name`. */
  readonly key: string;
  /** How a key is shown in messages, e.g. `GITHUB_TOKEN` or `workloads/BEARER_TOKEN_x`. */
  readonly show: (key: string) => string;
  /** The command line up to the subcommand, e.g. `thv-broker scope workloads`. */
  readonly command: string;
}

function nounsOf(target: Target): Nouns {
  return target.kind === 'user'
    ? { key: 'key', show: (key) => key, command: 'thv-broker secret' }
    : { key: 'name', show: (key) => `${target.scope}/${key}`, command: `thv-broker scope ${target.scope}` };
}

/** Parses `--limit`: a whole number of at least 1. */
function parseLimit(text: string): number {
  const limit = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return limit;
}

/** Builds `list`, `get`, `set`, `delete`, `restore`, `export` for `target`. */
export function keyCommands(target: Target, context: ContextFactory): CommandUnknownOpts[] {
  const nouns = nounsOf(target);
  return [
    listCommand(target, context),
    getCommand(target, context, nouns),
    setCommand(target, context, nouns),
    deleteCommand(target, context, nouns),
    restoreCommand(target, context, nouns),
    exportCommand(target, context),
  ];
}

function listCommand(target: Target, context: ContextFactory) {
  return new Command('list')
    .description(
      'list keys, sorted, with their last update and description (never values); follows every page',
    )
    .option('--limit <n>', 'print at most n keys', parseLimit)
    .option('--deleted', 'list deleted keys instead, with when each was deleted and will be purged')
    .action(async (options) => {
      const { client, out } = context();
      if (options.deleted) {
        const keys = await listAllDeleted(client, target, options.limit);
        out.result({ keys }, formatDeletedKeys(keys));
        return;
      }
      const keys = await listAll(client, target, options.limit);
      out.result({ keys }, formatKeys(keys));
    });
}

function getCommand(target: Target, context: ContextFactory, nouns: Nouns) {
  return new Command('get')
    .description('print the value alone on stdout (pipe-friendly); with --json, the whole record')
    .argument(`<${nouns.key}>`)
    .option('--previous', 'print the previous value (the one the last set replaced) instead')
    .option('--version <id>', 'print the value of this version id (as --json shows it) instead')
    .action(async (key, options) => {
      const version = versionChoice(options, nouns);
      const { client, out } = context();
      const secret =
        version === undefined ? await client.get(target, key) : await client.getVersion(target, key, version);
      if (out.json) out.result(secret, []);
      else out.value(secret.value);
    });
}

/** `--previous` or `--version <id>`, at most one of them. */
function versionChoice(
  options: { readonly previous?: true; readonly version?: string },
  nouns: Nouns,
): VersionChoice | undefined {
  if (options.previous && options.version !== undefined) {
    throw new UsageError(
      `--previous and --version cannot be used together: ${nouns.command} get <${nouns.key}> --previous, or --version <id>`,
    );
  }
  if (options.previous) return { previous: true };
  return options.version === undefined ? undefined : { id: options.version };
}

function restoreCommand(target: Target, context: ContextFactory, nouns: Nouns) {
  return new Command('restore')
    .description(
      'bring back a deleted secret (value, versions, description) before it is purged; see list --deleted',
    )
    .argument(`<${nouns.key}>`)
    .action(async (key) => {
      const { client, out } = context();
      await client.restore(target, key);
      out.result({ key, restored: true }, [`restored ${nouns.show(key)}`]);
    });
}

function setCommand(target: Target, context: ContextFactory, nouns: Nouns) {
  return (
    new Command('set')
      .description(
        'create or update a secret; the value is read from stdin, or a hidden prompt on a terminal',
      )
      .argument(`<${nouns.key}>`)
      .option('--description <text>', 'description stored with the secret (shown by list)')
      .option(
        '--keep-newline',
        'store piped input byte for byte (by default one trailing newline is dropped)',
      )
      // A hidden --value only exists to refuse it with the right advice instead of "unknown option".
      .addOption(new Option('--value <value>').hideHelp())
      .allowExcessArguments()
      .action(async (key, options, command) => {
        if (command.args.length > 1 || options.value !== undefined) {
          throw new UsageError(
            'refusing a secret value on the command line (it would land in shell history and the process list); ' +
              `pipe it on stdin instead, e.g. printf %s "$VALUE" | ${nouns.command} set ${key}, or run without it to be prompted`,
          );
        }
        const { client, out, io } = context();
        const value = await readValue(io, { label: nouns.show(key), keepNewline: options.keepNewline });
        const result = await client.put(target, key, value, options.description);
        out.result(result, [
          `${result.created ? 'created' : 'updated'} ${nouns.show(key)} (version ${result.version})`,
        ]);
      })
  );
}

function deleteCommand(target: Target, context: ContextFactory, nouns: Nouns) {
  return new Command('delete')
    .description(
      'delete a secret (Secrets Manager keeps it for the recovery window: see list --deleted, restore)',
    )
    .argument(`<${nouns.key}>`)
    .action(async (key) => {
      const { client, out } = context();
      await client.delete(target, key);
      out.result({ key, deleted: true }, [`deleted ${nouns.show(key)}`]);
    });
}
