/**
 * `thv-broker secret export` and `scope <scope> export`: every key (or the `--key`s asked for) with
 * its value, as dotenv or JSON, to stdout or to a new 0600 file. Values go nowhere else: not to
 * stderr, not into a message (errors name keys and paths only).
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { Target } from '../api-client.js';
import { UsageError } from '../errors.js';
import { dotenvUnfit, EXPORT_FORMATS, formatExport } from '../export-format.js';
import { writePrivateFile } from '../private-file.js';
import type { ContextFactory } from './context.js';
import { listAll } from './list-all.js';

const HELP = `
dotenv writes KEY='value' lines in POSIX shell quoting: any value (newlines, quotes, $, \\)
comes back unchanged with  set -a; . ./FILE; set +a . Keys that are not variable names
(letters, digits, _; not starting with a digit) are refused in dotenv, all named in the error:
pick others with --key, or use --format json, which takes every key.

--output FILE is created with mode 0600 (owner only) from the start; an existing FILE is
refused unless --force, which replaces it with a new 0600 file.`;

/** Builds `export` for `target`. */
export function exportCommand(target: Target, context: ContextFactory) {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return new Command('export')
    .description(
      'print every secret (or the --key ones) with its value as dotenv or JSON, or write them to a 0600 file',
    )
    .addOption(
      new Option('--format <format>', 'dotenv or json').choices(EXPORT_FORMATS).default('dotenv' as const),
    )
    .option('--key <key>', 'export this key only (repeatable); default: every key', collect, [])
    .option('--output <file>', 'write to this new file (mode 0600) instead of stdout')
    .option('--force', 'with --output: replace the file if it exists')
    .addHelpText('after', HELP)
    .action(async (options) => {
      if (options.force && options.output === undefined)
        throw new UsageError('--force only applies to --output FILE');
      const { client, out, io } = context();
      const keys =
        options.key.length > 0
          ? [...new Set(options.key)]
          : (await listAll(client, target)).map((k) => k.key);
      // Checked before any value is read: a refused export reads nothing.
      const unfit = options.format === 'dotenv' ? dotenvUnfit(keys) : [];
      if (unfit.length > 0)
        throw new UsageError(
          `not valid variable names for dotenv: ${unfit.join(', ')}; leave them out with --key, or use --format json`,
        );
      const text = formatExport(await client.batchGetAll(target, keys), options.format);
      if (options.output === undefined) {
        io.stdout.write(text);
        return;
      }
      await writePrivateFile(options.output, text, options.force === true);
      out.result({ file: options.output, format: options.format, keys: [...keys].sort() }, [
        `wrote ${keys.length} secret${keys.length === 1 ? '' : 's'} to ${options.output} (${options.format}, mode 0600)`,
      ]);
    });
}
