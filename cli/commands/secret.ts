/** `thv-broker secret list|get|set|delete|restore`: the user's own secrets. */
import { Command } from '@commander-js/extra-typings';
import { RESERVED_PREFIX } from '../../core/namespace.js';
import type { ContextFactory } from './context.js';
import { keyCommands } from './key-commands.js';

const EXAMPLES = `
Examples:
  printf %s "$TOKEN" | thv-broker secret set GITHUB_TOKEN
  thv-broker secret get GITHUB_TOKEN --previous     the value before the last set
  thv-broker secret list --deleted                  deleted keys, when they will be purged
  thv-broker secret restore GITHUB_TOKEN            bring a deleted key back
  thv-broker secret export --output .env            every key and value, dotenv, mode 0600
  thv-broker secret export --format json --key A    one key as JSON on stdout`;

/** Builds the `secret` command. */
export function secretCommand(context: ContextFactory) {
  const secret = new Command('secret')
    .description(`user secrets (keys under the reserved prefix "${RESERVED_PREFIX}" are refused)`)
    .addHelpText('after', EXAMPLES);
  for (const command of keyCommands({ kind: 'user' }, context)) secret.addCommand(command);
  return secret;
}
