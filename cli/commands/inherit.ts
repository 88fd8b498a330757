/** Settings a command tree shares: `addCommand` (unlike `.command()`) does not copy them down. */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

/**
 * Gives `command` (unless it is `from` itself) and every command below it the output streams of
 * `from` (with its error redaction), and makes them throw instead of calling `process.exit`, so the
 * CLI alone decides the exit code. Only these settings: `copyInheritedSettings` would also
 * overwrite per-command choices such as excess arguments.
 */
export function shareSettings(from: CommandUnknownOpts, command: CommandUnknownOpts = from): void {
  if (command !== from) {
    command.configureOutput(from.configureOutput());
    command.configureHelp(from.configureHelp());
    command.exitOverride();
    command.showSuggestionAfterError();
  }
  for (const child of command.commands) shareSettings(from, child);
}
