/** `thv-broker secret list|get|set|delete`: the user's own secrets. */
import { Command } from '@commander-js/extra-typings';
import { RESERVED_PREFIX } from '../../lambda/core/namespace.js';
import type { ContextFactory } from './context.js';
import { keyCommands } from './key-commands.js';

/** Builds the `secret` command. */
export function secretCommand(context: ContextFactory) {
  const secret = new Command('secret').description(
    `user secrets (keys under the reserved prefix "${RESERVED_PREFIX}" are refused)`,
  );
  for (const command of keyCommands({ kind: 'user' }, context)) secret.addCommand(command);
  return secret;
}
