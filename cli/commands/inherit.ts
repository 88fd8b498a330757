/** Settings a command tree shares: `addCommand` (unlike `.command()`) does not copy them down. */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

/**
 * Gives every command below `root` the root's output streams (with its error redaction) and makes
 * it throw instead of calling `process.exit`, so the CLI alone decides the exit code. Only these
 * two: `copyInheritedSettings` would also overwrite per-command choices such as excess arguments.
 */
export function shareSettings(root: CommandUnknownOpts): void {
  for (const child of root.commands) {
    child.configureOutput(root.configureOutput());
    child.exitOverride();
    child.showSuggestionAfterError();
    shareSettings(child);
  }
}
